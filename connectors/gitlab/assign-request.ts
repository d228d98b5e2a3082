/**
 * GitLab names assignees by numeric user id: `PUT /api/v4/projects/:id/issues/:iid` with
 * `assignee_ids` (replacing the assignees: the issue goes to the next line, it is not shared). The
 * line's assignee is a username, resolved first by `GET /api/v4/users?username=` (an exact match,
 * case-insensitive, as GitLab's usernames are). GitLab sends an Issue Hook for the change; it names
 * the same username, so the echo of the bridge's own assignment is a restatement.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { IssueRef, TrackerRead } from '../connector.js';
import type { OutboundRequest } from '../outbound-request.js';
import { requireApiToken } from '../shared/write-back-requests.js';
import { encodedPath, gitlabIssueAddress } from './issue-ref.js';
import { gitlabHeaders } from './write-back.js';

const apiBase = (source: Source) => `${source.baseUrl}/api/v4`;

const usersSchema = z.array(z.looseObject({ id: z.number().int().positive(), username: z.string() }));

/** The user id GitLab's assignment takes, for a username; throws when GitLab has no such user. */
export async function gitlabAssigneeId(source: Source, username: string, read: TrackerRead): Promise<string> {
  const description = `gitlab ${source.id}: user ${username}`;
  const { data } = await read({
    url: `${apiBase(source)}/users?${new URLSearchParams({ username })}`,
    headers: { 'PRIVATE-TOKEN': requireApiToken(source), Accept: 'application/json' },
    description,
  });
  const users = usersSchema.safeParse(data);
  if (!users.success) throw new Error(`${description}: ${users.error.issues[0]!.path.join('.')}: ${users.error.issues[0]!.message}`);
  const user = users.data.find((candidate) => candidate.username.toLowerCase() === username.toLowerCase());
  if (!user) throw new Error(`${description}: GitLab has no user of that name`);
  return String(user.id);
}

export function gitlabAssign(source: Source, issue: IssueRef, userId: string): OutboundRequest[] {
  const { project, iid } = gitlabIssueAddress(issue);
  return [
    {
      method: 'PUT',
      url: `${apiBase(source)}/projects/${encodedPath(project)}/issues/${iid}`,
      headers: gitlabHeaders(source),
      body: JSON.stringify({ assignee_ids: [Number(userId)] }),
      description: `gitlab ${source.id}: assign issue ${issue.key} to user ${userId}`,
    },
  ];
}
