/**
 * Who is in the teams a GitHub source names in `agents.teams` (`org/team-slug`):
 * `GET /orgs/{org}/teams/{team_slug}/members`, which includes the members of child teams. The
 * token needs to see the organisation's members (classic: `read:org`; fine-grained: Members, read).
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { ReadRequest, TrackerRead } from '../connector.js';
import { githubApiHeaders, githubApiUrls } from './api-urls.js';
import { nextPageUrl, pageRequest, READ_PAGE_SIZE } from './reader-requests.js';
import { githubSettings } from './source-settings.js';

/** 100,000 members: past it the server is taken to loop. */
const MAX_PAGES = 1_000;

const memberSchema = z.looseObject({ login: z.string() });

function teamMembersRequest(source: Source, team: string): ReadRequest {
  if (!source.apiToken) throw new Error(`${source.kind} ${source.id}: agents.teams are read through the GitHub API, which needs api.token; none is set`);
  const [org, slug] = team.split('/') as [string, string];
  return {
    url: `${githubApiUrls(source).rest}/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/members?per_page=${READ_PAGE_SIZE}`,
    headers: githubApiHeaders(source.apiToken),
    description: `${source.kind} ${source.id}: members of team ${team}`,
  };
}

/** The logins in the source's agent teams; undefined when it names none. */
export async function githubAgentMembers(source: Source, read: TrackerRead): Promise<readonly string[] | undefined> {
  const { teams } = githubSettings(source);
  if (teams.length === 0) return undefined;
  const logins = new Set<string>();
  for (const team of teams) {
    const first = teamMembersRequest(source, team);
    let request = first;
    for (let number = 1; ; number += 1) {
      const { data, headers } = await read(request);
      if (!Array.isArray(data)) throw new Error(`${request.description}: expected a list of users, got ${data === null ? 'null' : typeof data}`);
      data.forEach((item, index) => {
        const member = memberSchema.safeParse(item);
        if (!member.success) throw new Error(`${request.description}, [${index}].login: ${member.error.issues[0]!.message}`);
        logins.add(member.data.login);
      });
      const next = nextPageUrl(source, headers.link);
      if (!next || data.length === 0) break;
      if (number >= MAX_PAGES) throw new Error(`${first.description}: more than ${MAX_PAGES} pages; stopped`);
      request = pageRequest(first, next, number + 1);
    }
  }
  return [...logins];
}
