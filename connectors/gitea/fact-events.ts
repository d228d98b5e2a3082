/**
 * The engine events of one Gitea fact, whoever tells it: a webhook delivery (the issue as it is
 * just after the change) or the issue's timeline read back for reconciliation (the issue as it was
 * then, rebuilt). Both paths build their events here, so the same fact always gives the same
 * event, and a reconciled event is recognised as one the bridge already has.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { environmentFrom, isAgent, isBridgeUser, isPausedStatus, priorityFrom } from '../shared/source-rules.js';

export type GiteaState = 'open' | 'closed';

export interface LabelStatus {
  readonly status: string;
  readonly paused: boolean;
}

/**
 * The paused label, while the issue carries one, under its own name so that a contract's
 * `pauses_on` or `status:<label>` can name it; otherwise the Gitea state.
 */
export function labelStatus(source: Source, labels: readonly string[], state: GiteaState): LabelStatus {
  const paused = labels.find((label) => isPausedStatus(source, label));
  return paused ? { status: paused, paused: true } : { status: state, paused: false };
}

/** What the issue looked like when it was opened (or, for a synthetic event, looks like now). */
export interface OpenedIssue {
  readonly at: number;
  readonly project: string;
  readonly labels: readonly string[];
  readonly title: string;
  readonly assignee: string | null;
}

/**
 * Its status is never `closed`: every Gitea issue is born open and its closing travels as a
 * `resolved` event. Backdating `closed` to the creation would meet a `status:closed` target at
 * once, and show a closed issue whose clocks still run (only `resolved` stops them).
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
    title: opened.title,
    assignee: opened.assignee,
    synthetic,
  };
}

/**
 * A label change restates everything labels carry, as it is after the change: a webhook does not
 * say which label came or went. Restating an unchanged priority, environment or status is a no-op
 * for the clock (it only closes a segment when the effective priority or the hold reason changes).
 */
export function labelChangeEvents(source: Source, at: number, labels: readonly string[], state: GiteaState): IssueEvent[] {
  const { status, paused } = labelStatus(source, labels, state);
  return [
    { type: 'labels_changed', at, labels: [...labels] },
    { type: 'priority_changed', at, priority: priorityFrom(source, labels) },
    { type: 'environment_changed', at, environment: environmentFrom(source, labels) },
    { type: 'status_changed', at, status, paused },
  ];
}

/**
 * The issue as a delivery shows it at its last change: labels stand for priority and pause, the
 * state for resolution. The clock takes any difference from its log as a change at `at`, so a lost
 * `label_updated` or `closed` is caught up by the next delivery of the issue.
 */
export function observedEvent(source: Source, at: number, labels: readonly string[], state: GiteaState, assignee: string | null): IssueEvent {
  const { status, paused } = labelStatus(source, labels, state);
  return { type: 'observed', at, status, paused, resolved: state === 'closed', priority: priorityFrom(source, labels), assignee };
}

export const resolvedEvent = (at: number): IssueEvent => ({ type: 'resolved', at, status: 'closed' });

/** A reopened issue waits again if it still carries the paused label. */
export const reopenedEvent = (source: Source, at: number, labels: readonly string[]): IssueEvent => ({
  type: 'reopened',
  at,
  status: labelStatus(source, labels, 'open').status,
});

/** Gitea's `assignee` is the first of the assignees: the one a webhook reports. */
export const assignedEvent = (at: number, assignee: string | null): IssueEvent => ({ type: 'assigned', at, assignee });

export interface CommentAuthor {
  readonly login: string | undefined;
  readonly email?: string | null | undefined;
}

/**
 * A new comment answers or asks; null for the bridge's own (its breach comments are no reaction
 * of the provider). Gitea has no internal comments: everyone who can see the issue sees every
 * comment, so all are public. Agents are recognised by login: webhooks and the REST API both show
 * a no-reply placeholder instead of the user's e-mail address, so an agent domain never matches.
 */
export function commentedEvent(source: Source, author: CommentAuthor, at: number): IssueEvent | null {
  const user = { names: [author.login], email: author.email };
  if (isBridgeUser(source, user)) return null;
  return { type: 'commented', at, by: isAgent(source, user) ? 'agent' : 'customer', public: true };
}
