/**
 * One Jira webhook as engine events. Every event is stamped with the payload's `timestamp`, when
 * Jira raised it (unchanged on retries), except creation, which happened at the issue's `created`.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { IssueRef, Normalized } from '../connector.js';
import { isPausedStatus, isResolvedStatus } from '../shared/source-rules.js';
import { changelogEvents } from './changelog-events.js';
import { jiraShownFields } from './write-back.js';
import { worklogDelivery } from './worklog-events.js';
import { commentEvent } from './comment-event.js';
import { commentOnlyDelivery } from './comment-only.js';
import { currentState, environmentOf, priorityOf, stateBefore, type IssueState } from './issue-state.js';
import type { JiraChangelogItem, JiraIssue, JiraPayload } from './payload-schema.js';

interface JiraDelivery {
  readonly payload: JiraPayload;
  readonly issue: JiraIssue;
  readonly at: number;
  /** The issue as the payload shows it: after this delivery's changes. */
  readonly now: IssueState | undefined;
  /** The issue as it stood just before this delivery's changes. */
  readonly before: IssueState | undefined;
  readonly items: readonly JiraChangelogItem[];
}

export function createdEvents(source: Source, issue: JiraIssue, state: IssueState | undefined, synthetic: boolean): IssueEvent[] {
  const at = issue.fields.created;
  if (at === undefined || !state) return [];
  return [
    {
      type: 'created',
      at,
      project: state.project,
      component: state.components[0],
      labels: [...state.labels],
      environment: environmentOf(source, state),
      priority: priorityOf(source, state),
      status: state.status,
      paused: isPausedStatus(source, state.status),
      title: issue.fields.summary,
      assignee: state.assignee,
      synthetic,
      ...(Object.keys(state.fields).length > 0 ? { fields: { ...state.fields } } : {}),
    },
  ];
}

/** Edits and deletions of a comment also arrive as issue updates that carry the comment. */
const NOT_NEW_COMMENTS = new Set(['issue_comment_edited', 'issue_comment_deleted']);

function newCommentEvents(source: Source, { payload, at }: JiraDelivery): IssueEvent[] {
  const kind = payload.issue_event_type_name;
  if (!payload.comment || (kind && NOT_NEW_COMMENTS.has(kind))) return [];
  return commentEvent(source, at, payload.comment);
}

type EventBuilder = (source: Source, delivery: JiraDelivery) => IssueEvent[];

const BUILDERS = new Map<string, EventBuilder>([
  // The payload of the creation event is the issue as it was created.
  ['jira:issue_created', (source, delivery) => createdEvents(source, delivery.issue, delivery.now, false)],
  [
    'jira:issue_updated',
    (source, delivery) => [
      ...changelogEvents(source, { at: delivery.at, items: delivery.items, before: delivery.before, after: delivery.now }),
      ...newCommentEvents(source, delivery),
    ],
  ],
  ['jira:issue_deleted', (_source, delivery) => [{ type: 'deleted', at: delivery.at }]],
  ['comment_created', newCommentEvents],
]);

/**
 * An issue first heard of while resolved (a late comment on a Done issue) must not run a
 * resolution clock: Jira's `resolutiondate` says since when it is resolved.
 */
export function resolutionEvents(source: Source, { issue, now }: Pick<JiraDelivery, 'issue' | 'now'>, built: readonly IssueEvent[]): IssueEvent[] {
  const at = issue.fields.resolutiondate;
  if (at == null || !now || !isResolvedStatus(source, now.status)) return [];
  return built.some((event) => event.type === 'resolved') ? [] : [{ type: 'resolved', at, status: now.status }];
}

/** Events whose payload shows the issue as it is after something happened to it. */
const SHOWS_CURRENT_ISSUE = new Set(['jira:issue_updated', 'comment_created']);

/**
 * The issue as the payload shows it, which the clock compares with its log: a change whose own
 * webhook was lost (Data Center never retries) is taken from the next delivery that shows it.
 * Only fields the payload has are stated: a Cloud comment's trimmed issue lacks labels and custom
 * fields, which must not read as "no priority".
 */
export function observedEvents(source: Source, { payload, issue, now, at }: Pick<JiraDelivery, 'payload' | 'issue' | 'now' | 'at'>): IssueEvent[] {
  if (!now || !SHOWS_CURRENT_ISSUE.has(payload.webhookEvent)) return [];
  const shown = (field: string) => Object.hasOwn(issue.fields, field);
  const priorityShown = shown(source.priority.field.toLowerCase() === 'labels' ? 'labels' : source.priority.field);
  return [
    {
      type: 'observed',
      at,
      status: now.status,
      paused: isPausedStatus(source, now.status),
      resolved: isResolvedStatus(source, now.status),
      ...(priorityShown ? { priority: priorityOf(source, now) } : {}),
      ...(shown('assignee') ? { assignee: now.assignee } : {}),
    },
  ];
}

function readDelivery(source: Source, payload: JiraPayload, issue: JiraIssue): JiraDelivery {
  // Only an update's changelog lists changes; any other would describe the creation itself.
  const items = payload.webhookEvent === 'jira:issue_updated' ? (payload.changelog?.items ?? []) : [];
  const now = currentState(source, issue.fields);
  return { payload, issue, at: payload.timestamp, now, before: now && stateBefore(source, now, items), items };
}

export function issueRef(source: Source, issue: JiraIssue): IssueRef {
  return { id: issue.id, key: issue.key, title: issue.fields.summary, url: `${source.baseUrl}/browse/${issue.key}` };
}

/**
 * Besides the delivery's own events, the issue comes along as a synthetic `created` at its real
 * creation time, as it stood before this delivery's changes: built from the fields after them, an
 * issue first seen at its escalation to Highest would count as Highest since its creation.
 */
export function normalizeJira(source: Source, payload: JiraPayload): Normalized {
  if (payload.worklog?.issueId) return worklogDelivery(payload.webhookEvent, payload.timestamp, { ...payload.worklog, issueId: payload.worklog.issueId });
  const build = BUILDERS.get(payload.webhookEvent);
  if (!build) return { outcome: 'ignored', reason: `${payload.webhookEvent}: not an event the SLA clock uses` };
  const { issue } = payload;
  if (!issue) {
    // Jira Server and Data Center send comment_created without the issue: comment.self names it.
    const commentOnly = payload.webhookEvent === 'comment_created' ? commentOnlyDelivery(source, payload) : undefined;
    return commentOnly ?? { outcome: 'ignored', reason: `${payload.webhookEvent} without an issue` };
  }
  const delivery = readDelivery(source, payload, issue);
  const built = build(source, delivery);
  const events = [...createdEvents(source, issue, delivery.before, true), ...built, ...resolutionEvents(source, delivery, built), ...observedEvents(source, delivery)];
  const shown = source.writeBack.enabled && payload.webhookEvent !== 'jira:issue_deleted' ? jiraShownFields(source.writeBack, issue.fields) : {};
  return { outcome: 'events', issue: issueRef(source, issue), events, ...(Object.keys(shown).length > 0 ? { shown } : {}) };
}
