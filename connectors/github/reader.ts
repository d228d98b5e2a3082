/** Reconciliation for GitHub: what changed since a time in each configured repository, and each issue's timeline. */
import type { TrackerReader } from '../connector.js';
import { githubChangedIssues } from './changed-issues.js';
import { githubIssueHistory } from './issue-history.js';

export const githubReader: TrackerReader = {
  changedIssues: githubChangedIssues,
  issueHistory: githubIssueHistory,
};
