/**
 * Who is in the groups a GitLab source names in `agents.groups`: `GET /groups/:id/members/all`
 * (lib/api/members.rb), which lists direct members and those who inherit membership from an
 * ancestor group. Blocked users and pending invitations (no username) are left out.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { ReadRequest, TrackerRead } from '../connector.js';
import { encodedPath } from './issue-ref.js';
import { pagedRead } from './paged-read.js';
import { READ_PAGE_SIZE } from './reader-requests.js';
import { gitlabSettings } from './source-settings.js';

const memberSchema = z.looseObject({ username: z.string().nullish(), state: z.string().nullish() });

function membersRequest(source: Source, group: string, page: number): ReadRequest {
  if (!source.apiToken) throw new Error(`gitlab ${source.id}: agents.groups are read through the GitLab API, which needs api.token; none is set`);
  const query = new URLSearchParams({ per_page: String(READ_PAGE_SIZE), page: String(page) }).toString();
  return {
    url: `${source.baseUrl}/api/v4/groups/${encodedPath(group)}/members/all?${query}`,
    headers: { 'PRIVATE-TOKEN': source.apiToken, Accept: 'application/json' },
    description: `gitlab ${source.id}: members of group ${group}, page ${page}`,
  };
}

/** The usernames in the source's agent groups; undefined when it names none. */
export async function gitlabAgentMembers(source: Source, read: TrackerRead): Promise<readonly string[] | undefined> {
  const { agentGroups } = gitlabSettings(source);
  if (agentGroups.length === 0) return undefined;
  const usernames = new Set<string>();
  for (const group of agentGroups) {
    let index = 0;
    for await (const page of pagedRead(read, (number) => membersRequest(source, group, number))) {
      for (const item of page) {
        const member = memberSchema.safeParse(item);
        if (!member.success) throw new Error(`gitlab ${source.id}: members of group ${group}, [${index}]: ${member.error.issues[0]!.message}`);
        index += 1;
        if (member.data.username && member.data.state !== 'blocked') usernames.add(member.data.username);
      }
    }
  }
  return [...usernames];
}
