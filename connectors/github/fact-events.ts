/**
 * The engine events of one GitHub fact, whoever tells it: a webhook delivery (the issue as it is
 * just after the change) or the issue's timeline read back for reconciliation (the issue as it was
 * then, rebuilt). Both paths build their events here, so the same fact always gives the same
 * event, and a reconciled event is recognised as one the bridge already has.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { environmentFrom, isAgent, isBridgeUser, isPausedStatus, priorityFrom } from '../shared/source-rules.js';
import { githubSettings } from './source-settings.js';

export type GithubState = 'open' | 'closed';

export interface LabelStatus {
  readonly status: string;
  readonly paused: boolean;
}

/**
 * GitHub issues have no workflow status: the paused label, while the issue carries one, stands for
 * it under its own name (so that a contract's `pauses_on` or `status:<label>` can name it);
 * otherwise the state is the status.
 */
export function labelStatus(source: Source, labels: readonly string[], state: GithubState): LabelStatus {
  const paused = labels.find((label) => isPausedStatus(source, label));
  return paused ? { status: paused, paused: true } : { status: state, paused: false };
}

/** What the issue looked like when it was opened (or, for a synthetic event, looks like now). */
export interface OpenedIssue {
  readonly at: number;
  readonly project: string;
  readonly labels: readonly string[];
  readonly title: string | undefined;
  readonly assignee: string | null;
}

/**
 * Every issue is born open; its closing travels as a `resolved` event, since backdating `closed`
 * to the creation would meet a `status:closed` target at once.
 */
export function creationEvent(source: Source, opened: OpenedIssue, synthetic: boolean): IssueEvent {
  const labels = [...opened.labels];
  const { status, paused } = labelStatus(source, labels, 'open');
  return {
    type: 'created',
    at: opened.at,
    project: opened.project,
    labels,
    environment: environmentFrom(source, labels),
    priority: priorityFrom(source, labels),
    status,
    paused,
    ...(opened.title !== undefined ? { title: opened.title } : {}),
    assignee: opened.assignee,
    synthetic,
  };
}

/**
 * A label change restates everything labels carry, as it is after the change. Restating an
 * unchanged priority, environment or status is a no-op for the clock.
 */
export function labelChangeEvents(source: Source, at: number, labels: readonly string[], state: GithubState): IssueEvent[] {
  const { status, paused } = labelStatus(source, labels, state);
  return [
    { type: 'labels_changed', at, labels: [...labels] },
    { type: 'priority_changed', at, priority: priorityFrom(source, labels) },
    { type: 'environment_changed', at, environment: environmentFrom(source, labels) },
    { type: 'status_changed', at, status, paused },
  ];
}

/** What a delivery shows of the issue; undefined where the payload leaves the field out. */
export interface ShownIssue {
  readonly labels: readonly string[] | undefined;
  readonly state: GithubState | undefined;
  readonly assignee: string | null | undefined;
}

/**
 * The issue as a delivery shows it at its last change. The clock takes a difference from its log
 * as a change at `at`, so a lost `labeled` or `closed` is caught up by the next delivery. Only
 * what the payload shows is stated: without labels there is no telling the priority or a pause.
 */
export function observedEvent(source: Source, at: number, shown: ShownIssue): IssueEvent {
  const event: Extract<IssueEvent, { type: 'observed' }> = { type: 'observed', at };
  if (shown.labels !== undefined && shown.state !== undefined) Object.assign(event, labelStatus(source, shown.labels, shown.state));
  if (shown.state !== undefined) event.resolved = shown.state === 'closed';
  if (shown.labels !== undefined) event.priority = priorityFrom(source, shown.labels);
  if (shown.assignee !== undefined) event.assignee = shown.assignee;
  return event;
}

/** Any closing resolves: completed, not planned or duplicate alike. */
export const resolvedEvent = (at: number): IssueEvent => ({ type: 'resolved', at, status: 'closed' });

/** A reopened issue waits again if it still carries the paused label. */
export const reopenedEvent = (source: Source, at: number, labels: readonly string[]): IssueEvent => ({
  type: 'reopened',
  at,
  status: labelStatus(source, labels, 'open').status,
});

/** The first of the assignees, which is what the payload's `assignee` shows. */
export const assignedEvent = (at: number, assignee: string | null): IssueEvent => ({ type: 'assigned', at, assignee });

export interface CommentAuthor {
  readonly login: string | undefined;
  readonly association: string | null | undefined;
}

/** An agent by login, or by an `author_association` the source lists (`agents.associations`). */
export function isGithubAgent(source: Source, author: CommentAuthor): boolean {
  if (isAgent(source, { names: [author.login] })) return true;
  const association = author.association?.toUpperCase();
  return association !== undefined && (githubSettings(source).associations as ReadonlySet<string>).has(association);
}

/**
 * A new comment answers or asks; null for the bridge's own (its breach comments are no reaction
 * of the provider). GitHub has no internal comments: everyone who can see the issue sees them all.
 */
export function commentedEvent(source: Source, author: CommentAuthor, at: number): IssueEvent | null {
  if (isBridgeUser(source, { names: [author.login] })) return null;
  return { type: 'commented', at, by: isGithubAgent(source, author) ? 'agent' : 'customer', public: true };
}
