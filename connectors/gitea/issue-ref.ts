import type { IssueRef } from '../connector.js';

/**
 * `owner/repo#n` is the id: Gitea's numeric issue id would survive a transfer, but webhooks, the
 * REST API and people all address an issue by repository and number.
 */
export function giteaIssueRef(issue: { readonly number: number; readonly title: string; readonly html_url: string }, repositoryFullName: string): IssueRef {
  const key = `${repositoryFullName}#${issue.number}`;
  return { id: key, key, title: issue.title, url: issue.html_url };
}
