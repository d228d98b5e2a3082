/**
 * Opening an issue in a tracker, for a contract's recurring obligations (src/app/obligations/).
 * Creating is not idempotent in any tracker, so every issue carries a marker in its body and a
 * re-run (another worker, a restart, a create whose answer was lost) first looks for it.
 */
import type { NewIssue } from './connector.js';

// The interfaces live with the connector's (./connector.ts): the one place a tracker plug-in reads.
export type { IssueCreation, NewIssue } from './connector.js';

/** The body as sent: the text, then the marker on a line of its own. */
export function bodyWithMarker(issue: Pick<NewIssue, 'body' | 'marker'>): string {
  return issue.body ? `${issue.body}\n\n${issue.marker}` : issue.marker;
}
