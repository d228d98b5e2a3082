import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import { githubApiUrls } from './api-urls.js';

interface RefIssue {
  readonly number: number;
  readonly title?: string | null | undefined;
  readonly html_url?: string | null | undefined;
}

/**
 * `owner/repo#n` is the id: it is how webhooks, the REST API and people address an issue. A
 * transferred issue gets a new number in its new repository, and so a new id there.
 */
export function githubIssueRef(source: Source, issue: RefIssue, fullName: string, repositoryUrl?: string | null): IssueRef {
  const key = `${fullName}#${issue.number}`;
  const url = issue.html_url || `${(repositoryUrl || `${githubApiUrls(source).web}/${fullName}`).replace(/\/+$/, '')}/issues/${issue.number}`;
  return { id: key, key, ...(issue.title ? { title: issue.title } : {}), url };
}

/** The parts of an `owner/repo#n` id. */
export function githubIssueAddress(issue: Pick<IssueRef, 'id'>): { readonly owner: string; readonly repo: string; readonly number: number } {
  const match = /^([^/]+)\/([^/#]+)#(\d+)$/.exec(issue.id);
  if (!match) throw new Error(`"${issue.id}" is not a GitHub issue id (owner/repo#n)`);
  return { owner: match[1]!, repo: match[2]!, number: Number(match[3]) };
}
