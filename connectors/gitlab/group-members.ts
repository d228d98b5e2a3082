/**
 * The members of a GitLab group a support line names as `group:<full/path>`:
 * `GET /api/v4/groups/:id/members/all` (direct and inherited members, lib/api/members.rb), paged
 * by `X-Next-Page`. Blocked users and pending invitations (no username) are left out.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { GroupMember } from '../../src/domain/line-members.js';
import type { TrackerRead } from '../connector.js';
import { encodedPath } from './issue-ref.js';
import { pagedRead } from './paged-read.js';
import { READ_PAGE_SIZE } from './reader-requests.js';

const memberSchema = z.looseObject({ username: z.string().nullish(), state: z.string().nullish() });

export async function gitlabGroupMembers(source: Source, group: string, read: TrackerRead): Promise<GroupMember[]> {
  const token = source.apiToken;
  if (!token) throw new Error(`gitlab ${source.id}: a support line's groups are read through the GitLab API, which needs api.token; none is set`);
  const members: GroupMember[] = [];
  let index = 0;
  const requestFor = (page: number) => ({
    url: `${source.baseUrl}/api/v4/groups/${encodedPath(group)}/members/all?${new URLSearchParams({ per_page: String(READ_PAGE_SIZE), page: String(page) })}`,
    headers: { 'PRIVATE-TOKEN': token, Accept: 'application/json' },
    description: `gitlab ${source.id}: members of group ${group}, page ${page}`,
  });
  for await (const page of pagedRead(read, requestFor)) {
    for (const item of page) {
      const member = memberSchema.safeParse(item);
      if (!member.success) throw new Error(`gitlab ${source.id}: members of group ${group}, [${index}]: ${member.error.issues[0]!.message}`);
      index += 1;
      if (member.data.username && member.data.state !== 'blocked') members.push({ id: member.data.username, names: [] });
    }
  }
  return members;
}
