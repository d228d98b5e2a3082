/**
 * Gitea: `PATCH /repos/{owner}/{repo}/issues/{index}` with `assignees` replaces the assignees (the
 * issue goes to the next line, it is not shared). Gitea sends an `issues` webhook with action
 * `assigned` for it; the bridge's own assignment event carries the same assignee, so the echo is a
 * restatement that starts and stops nothing.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import type { OutboundRequest } from '../outbound-request.js';
import { JSON_HEADERS, requireApiToken } from '../shared/write-back-requests.js';
import { giteaIssueAddress } from './write-back.js';

export function giteaAssign(source: Source, issue: IssueRef, assignee: string): OutboundRequest[] {
  const { owner, repo, index } = giteaIssueAddress(issue);
  return [
    {
      method: 'PATCH',
      url: `${source.baseUrl}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues/${index}`,
      headers: { Authorization: `token ${requireApiToken(source)}`, ...JSON_HEADERS },
      body: JSON.stringify({ assignees: [assignee] }),
      description: `gitea ${source.id}: assign issue ${issue.key} to ${assignee}`,
    },
  ];
}
