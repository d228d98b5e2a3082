/**
 * Opening an issue in a tracker, for a contract's recurring obligations (src/app/obligations/).
 * Creating is not idempotent in any tracker, so every issue carries a marker in its body and a
 * re-run (another worker, a restart, a create whose answer was lost) first looks for it.
 */
import type { Source } from '../src/config/source.js';
import type { IssueRef, TrackerRead } from './connector.js';
import type { OutboundRequest } from './outbound-request.js';

export interface NewIssue {
  /** The tracker's project: Jira key, Gitea/GitHub `owner/repo`, GitLab path or id, MantisBT project name. */
  readonly project: string;
  readonly title: string;
  /** Plain text without the marker, which bodyWithMarker adds as the last line. */
  readonly body: string;
  /** Printable ASCII without spaces, unique per issue the bridge opens. */
  readonly marker: string;
  readonly labels: readonly string[];
  /** Jira's issue type, MantisBT's category. */
  readonly issueType?: string | undefined;
  /** No issue with the marker can be older than this (the period's start): bounds the search. */
  readonly notBefore: number;
}

export interface IssueCreation {
  /** The one request that opens the issue. */
  createRequest(source: Source, issue: NewIssue): OutboundRequest;
  /** The opened issue from the tracker's answer to `createRequest`, as the connector's webhooks name it. */
  createdIssue(source: Source, issue: NewIssue, data: unknown): IssueRef;
  /** An issue of the project carrying the marker, opened since `notBefore`; undefined when there is none. */
  findExisting(source: Source, issue: NewIssue, read: TrackerRead, now: number): Promise<IssueRef | undefined>;
}

/** The body as sent: the text, then the marker on a line of its own. */
export function bodyWithMarker(issue: Pick<NewIssue, 'body' | 'marker'>): string {
  return issue.body ? `${issue.body}\n\n${issue.marker}` : issue.marker;
}
