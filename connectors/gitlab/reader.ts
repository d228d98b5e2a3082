/** Reconciliation for GitLab: what changed since a time, and each issue's notes and resource events. */
import type { TrackerReader } from '../connector.js';
import { gitlabChangedIssues } from './changed-issues.js';
import { gitlabIssueHistory } from './issue-history.js';

export const gitlabReader: TrackerReader = {
  changedIssues: gitlabChangedIssues,
  issueHistory: gitlabIssueHistory,
};
