/** GitHub: `PATCH /repos/{owner}/{repo}/issues/{n}` with `assignees` replaces the assignees (logins). */
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import type { OutboundRequest } from '../outbound-request.js';
import { requireApiToken } from '../shared/write-back-requests.js';
import { githubApiHeaders, githubApiUrls, repoPath } from './api-urls.js';
import { githubIssueAddress } from './issue-ref.js';

export function githubAssign(source: Source, issue: IssueRef, assignee: string): OutboundRequest[] {
  const { owner, repo, number } = githubIssueAddress(issue);
  return [
    {
      method: 'PATCH',
      url: `${githubApiUrls(source).rest}/repos/${repoPath(`${owner}/${repo}`)}/issues/${number}`,
      headers: { ...githubApiHeaders(requireApiToken(source)), 'Content-Type': 'application/json' },
      body: JSON.stringify({ assignees: [assignee] }),
      description: `github ${source.id}: assign issue ${issue.key} to ${assignee}`,
    },
  ];
}
