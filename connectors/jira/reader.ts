import type { TrackerReader } from '../connector.js';
import { changedJiraIssues } from './changed-issues.js';
import { jiraIssueHistory } from './issue-history.js';

export const jiraReader: TrackerReader = {
  changedIssues: (source, since, read) => changedJiraIssues(source, since, read),
  issueHistory: jiraIssueHistory,
};
