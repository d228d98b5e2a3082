/**
 * Jira worklogs as time records. The webhooks `worklog_created`, `worklog_updated` and
 * `worklog_deleted` carry the worklog alone (`id`, `issueId`, `author`, `updated`,
 * `timeSpentSeconds`), not the issue, so the delivery names its issue by id only; reconciliation
 * reads the same worklogs from the issue's `worklog` field, or `GET /issue/{id}/worklog` when the
 * issue has more than the field holds. A record is stamped with the worklog's `updated`, on both
 * paths, so that one told twice is the same fact.
 */
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Normalized } from '../connector.js';
import type { JiraWorklog } from './payload-schema.js';

export { WORKLOG_EVENTS, jiraWorklogSchema, type JiraWorklog } from './payload-schema.js';

/** Cloud names people by accountId, Data Center by name. */
const authorOf = (worklog: JiraWorklog) => worklog.author?.accountId ?? worklog.author?.name ?? worklog.author?.displayName ?? null;

export const worklogRecordId = (id: string) => `jira-worklog:${id}`;

export function worklogEvent(worklog: JiraWorklog, fallbackAt: number, deleted = false): IssueEvent {
  return {
    type: 'time_logged',
    at: deleted ? fallbackAt : (worklog.updated ?? worklog.created ?? fallbackAt),
    recordId: worklogRecordId(worklog.id),
    seconds: deleted ? 0 : (worklog.timeSpentSeconds ?? 0),
    author: authorOf(worklog),
  };
}

/** One worklog delivery: the issue known by id only, its details filled in by its next webhook. */
export function worklogDelivery(webhookEvent: string, timestamp: number, worklog: JiraWorklog & { issueId: string }): Normalized {
  return {
    outcome: 'events',
    issue: { id: worklog.issueId, key: worklog.issueId, partial: true },
    events: [worklogEvent(worklog, timestamp, webhookEvent === 'worklog_deleted')],
  };
}
