/** Reconciliation for Gitea and Forgejo: what changed since a time, and each issue's timeline. */
import type { TrackerReader } from '../connector.js';
import { giteaChangedIssues } from './changed-issues.js';
import { giteaIssueHistory } from './issue-history.js';

export const giteaReader: TrackerReader = {
  changedIssues: giteaChangedIssues,
  issueHistory: giteaIssueHistory,
};
