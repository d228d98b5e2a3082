import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';

interface RefIssue {
  readonly number: number;
  readonly title: string;
  readonly html_url?: string | null | undefined;
}

interface RefRepository {
  readonly full_name: string;
  readonly html_url?: string | null | undefined;
}

/**
 * Gitea before 1.11 sends no `issue.html_url`, and 1.20+ sends `""` when it could not load the
 * repository; the link is then the one Gitea itself builds (`Repository.HTMLURL()` + `/issues/N`),
 * from the repository's own link or, lacking that too, the source's base URL.
 */
function issueLink(source: Source, issue: RefIssue, repository: RefRepository): string {
  if (issue.html_url) return issue.html_url;
  const repositoryLink = repository.html_url || `${source.baseUrl}/${repository.full_name}`;
  return `${repositoryLink.replace(/\/+$/, '')}/issues/${issue.number}`;
}

/**
 * `owner/repo#n` is the id: Gitea's numeric issue id would survive a transfer, but webhooks, the
 * REST API and people all address an issue by repository and number.
 */
export function giteaIssueRef(source: Source, issue: RefIssue, repository: RefRepository): IssueRef {
  const key = `${repository.full_name}#${issue.number}`;
  return { id: key, key, title: issue.title, url: issueLink(source, issue, repository) };
}
