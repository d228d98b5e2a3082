/**
 * The engine events of one GitLab fact, whoever tells it: a webhook (the issue just after the
 * change) or the issue's notes and resource events read back for reconciliation (the issue as it
 * was then, rebuilt). Both build their events here, so the same fact gives the same event and a
 * reconciled event is recognised as one the bridge already has.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Priority } from '../../src/domain/priority.js';
import { environmentFrom, isAgent, isBridgeUser, isPausedStatus, priorityFrom } from '../shared/source-rules.js';

/** GitLab's own words for an issue's state. */
export type GitlabState = 'opened' | 'closed';

/** What the SLA reads of an issue at one moment. */
export interface IssueFacts {
  readonly labels: readonly string[];
  readonly state: GitlabState;
  /** The incident severity (`unknown` … `critical`); undefined when not told. */
  readonly severity?: string | null | undefined;
}

/**
 * The priority: with `priority.field: severity` the severity when the source maps it (an
 * incident's), then the labels, so that an issue (always severity `unknown`) can still carry a
 * `priority::1` label; with `labels` the labels alone.
 */
export function gitlabPriority(source: Source, facts: IssueFacts): Priority {
  const values = source.priority.field === 'severity' ? [facts.severity, ...facts.labels] : facts.labels;
  return priorityFrom(source, values);
}

export interface LabelStatus {
  readonly status: string;
  readonly paused: boolean;
}

/**
 * A pausing label, while the issue carries one, under its own name (so `pauses_on` and
 * `status:<label>` can name it); otherwise the GitLab state. Scoped labels
 * (`status::waiting-for-customer`) are labels like any other here.
 */
export function labelStatus(source: Source, labels: readonly string[], state: GitlabState): LabelStatus {
  const paused = labels.find((label) => isPausedStatus(source, label));
  return paused ? { status: paused, paused: true } : { status: state, paused: false };
}

export interface OpenedIssue {
  readonly at: number;
  readonly project: string;
  readonly facts: IssueFacts;
  readonly title: string;
  readonly assignee: string | null;
}

/** Born opened, whatever the state now: a closing travels as its own `resolved` event. */
export function creationEvent(source: Source, opened: OpenedIssue, synthetic: boolean): IssueEvent {
  const labels = [...opened.facts.labels];
  const { status, paused } = labelStatus(source, labels, 'opened');
  return {
    type: 'created',
    at: opened.at,
    project: opened.project,
    labels,
    environment: environmentFrom(source, labels),
    priority: gitlabPriority(source, { ...opened.facts, labels }),
    status,
    paused,
    title: opened.title,
    assignee: opened.assignee,
    synthetic,
  };
}

/** A label change restates all that labels carry, as it is after the change. */
export function labelChangeEvents(source: Source, at: number, facts: IssueFacts): IssueEvent[] {
  const labels = [...facts.labels];
  const { status, paused } = labelStatus(source, labels, facts.state);
  return [
    { type: 'labels_changed', at, labels },
    { type: 'priority_changed', at, priority: gitlabPriority(source, facts) },
    { type: 'environment_changed', at, environment: environmentFrom(source, labels) },
    { type: 'status_changed', at, status, paused },
  ];
}

/** A severity change: only the priority can follow from it. */
export const severityChangeEvent = (source: Source, at: number, facts: IssueFacts): IssueEvent => ({
  type: 'priority_changed',
  at,
  priority: gitlabPriority(source, facts),
});

/**
 * The issue as a delivery shows it at its last change; `assignee` only when the delivery names
 * the assignee (a Note Hook's issue carries assignee ids only).
 */
export function observedEvent(source: Source, at: number, facts: IssueFacts, assignee?: string | null): IssueEvent {
  const { status, paused } = labelStatus(source, facts.labels, facts.state);
  return {
    type: 'observed',
    at,
    status,
    paused,
    resolved: facts.state === 'closed',
    priority: gitlabPriority(source, facts),
    ...(assignee !== undefined ? { assignee } : {}),
  };
}

export const resolvedEvent = (at: number): IssueEvent => ({ type: 'resolved', at, status: 'closed' });

export const reopenedEvent = (source: Source, at: number, labels: readonly string[]): IssueEvent => ({
  type: 'reopened',
  at,
  status: labelStatus(source, labels, 'opened').status,
});

/** GitLab issues may have several assignees; the first one is the one reported. */
export const assignedEvent = (at: number, assignee: string | null): IssueEvent => ({ type: 'assigned', at, assignee });

export interface NoteAuthor {
  readonly username: string | null | undefined;
  readonly email?: string | null | undefined;
}

/**
 * A comment answers or asks; null for the bridge's own (`api.user`). An internal note is seen by
 * project members only, so it is no public reaction. Agents are recognised by username (or by a
 * public e-mail address in `agents.domains`; webhooks show most as "[REDACTED]").
 */
export function commentedEvent(source: Source, author: NoteAuthor, at: number, isPublic: boolean): IssueEvent | null {
  const user = { names: [author.username], email: author.email };
  if (isBridgeUser(source, user)) return null;
  return { type: 'commented', at, by: isAgent(source, user) ? 'agent' : 'customer', public: isPublic };
}
