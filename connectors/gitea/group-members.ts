/**
 * The members of a Gitea/Forgejo team a support line names as `group:<org>/<team>`: the team's id
 * by `GET /api/v1/orgs/{org}/teams/search?q=<team>` (an answer `{ ok, data: [Team] }`, matched on
 * the exact name, since `q` matches part of names and descriptions), then its members by
 * `GET /api/v1/teams/{id}/members`, paged with `page`/`limit` (routers/api/v1/org/team.go). The
 * token's user must be in the organisation (or an admin).
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { GroupMember } from '../../src/domain/line-members.js';
import type { ReadRequest, TrackerRead } from '../connector.js';
import { READ_PAGE_SIZE } from './reader-requests.js';

const MAX_PAGES = 1_000;

const searchSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.number().int(), name: z.string() })) });
const userSchema = z.looseObject({ login: z.string().min(1), email: z.string().nullish() });

function request(source: Source, path: string, description: string): ReadRequest {
  if (!source.apiToken) throw new Error(`${source.kind} ${source.id}: a support line's teams are read through the ${source.kind} API, which needs api.token; none is set`);
  return { url: `${source.baseUrl}/api/v1${path}`, headers: { Authorization: `token ${source.apiToken}`, Accept: 'application/json' }, description };
}

export async function giteaGroupMembers(source: Source, group: string, read: TrackerRead): Promise<GroupMember[]> {
  const slash = group.indexOf('/');
  if (slash <= 0 || slash === group.length - 1) throw new Error(`${source.kind} ${source.id}: team "${group}" must be written <organisation>/<team>`);
  const org = group.slice(0, slash);
  const name = group.slice(slash + 1);
  const search = request(source, `/orgs/${encodeURIComponent(org)}/teams/search?${new URLSearchParams({ q: name, limit: String(READ_PAGE_SIZE) })}`, `${source.kind} ${source.id}: team ${group}`);
  const found = searchSchema.safeParse((await read(search)).data);
  if (!found.success) throw new Error(`${search.description}: ${found.error.issues[0]!.path.join('.')}: ${found.error.issues[0]!.message}`);
  const team = found.data.data.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!team) throw new Error(`${search.description}: no such team in ${org} (found: ${found.data.data.map((candidate) => candidate.name).join(', ') || 'none'})`);
  const members: GroupMember[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const listing = request(source, `/teams/${team.id}/members?${new URLSearchParams({ page: String(page), limit: String(READ_PAGE_SIZE) })}`, `${source.kind} ${source.id}: members of team ${group}, page ${page}`);
    const { data } = await read(listing);
    if (!Array.isArray(data)) throw new Error(`${listing.description}: expected a list of users, got ${data === null ? 'null' : typeof data}`);
    data.forEach((item, index) => {
      const user = userSchema.safeParse(item);
      if (!user.success) throw new Error(`${listing.description}, [${index}].login: ${user.error.issues[0]!.message}`);
      members.push({ id: user.data.login, names: user.data.email ? [user.data.email] : [] });
    });
    if (data.length < READ_PAGE_SIZE) return members;
  }
  throw new Error(`${source.kind} ${source.id}: members of team ${group}: more than ${MAX_PAGES} pages; stopped`);
}
