/**
 * The members of a GitHub team a support line names as `group:<org>/<team-slug>`:
 * `GET /orgs/{org}/teams/{team_slug}/members` (child teams' members included), paged by the `Link`
 * header. The token needs to see the organisation's members (classic `read:org`).
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { GroupMember } from '../../src/domain/line-members.js';
import type { ReadRequest, TrackerRead } from '../connector.js';
import { githubApiHeaders, githubApiUrls } from './api-urls.js';
import { nextPageUrl, pageRequest, READ_PAGE_SIZE } from './reader-requests.js';

const MAX_PAGES = 1_000;
const memberSchema = z.looseObject({ login: z.string().min(1) });

export async function githubGroupMembers(source: Source, group: string, read: TrackerRead): Promise<GroupMember[]> {
  const [org, slug, extra] = group.split('/');
  if (!org || !slug || extra !== undefined) throw new Error(`${source.kind} ${source.id}: team "${group}" must be written <organisation>/<team-slug>`);
  if (!source.apiToken) throw new Error(`${source.kind} ${source.id}: a support line's teams are read through the GitHub API, which needs api.token; none is set`);
  const first: ReadRequest = {
    url: `${githubApiUrls(source).rest}/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/members?per_page=${READ_PAGE_SIZE}`,
    headers: githubApiHeaders(source.apiToken),
    description: `${source.kind} ${source.id}: members of team ${group}`,
  };
  const members: GroupMember[] = [];
  let request = first;
  for (let number = 1; number <= MAX_PAGES; number += 1) {
    const { data, headers } = await read(request);
    if (!Array.isArray(data)) throw new Error(`${request.description}: expected a list of users, got ${data === null ? 'null' : typeof data}`);
    data.forEach((item, index) => {
      const member = memberSchema.safeParse(item);
      if (!member.success) throw new Error(`${request.description}, [${index}].login: ${member.error.issues[0]!.message}`);
      members.push({ id: member.data.login, names: [] });
    });
    const next = nextPageUrl(source, headers.link);
    if (!next || data.length === 0) return members;
    request = pageRequest(first, next, number + 1);
  }
  throw new Error(`${first.description}: more than ${MAX_PAGES} pages; stopped`);
}
