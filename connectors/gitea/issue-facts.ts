/**
 * What a Gitea issue's current fields tell the SLA clock. Gitea issues have no priority, environment
 * or workflow status: labels stand in for all three (config/sources/gitea-demo.yaml), and the
 * payload only ever shows the labels as they are now, never what changed.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { environmentFrom, isPausedStatus, priorityFrom } from '../shared/source-rules.js';
import type { GiteaIssue, GiteaRepository } from './payload-schema.js';

export interface GiteaSubject {
  readonly source: Source;
  readonly issue: GiteaIssue;
  readonly repository: GiteaRepository;
}

export const epochMs = (timestamp: string): number => Date.parse(timestamp);

export const labelNames = (issue: GiteaIssue): string[] => (issue.labels ?? []).map((label) => label.name);

/** `assignee` is Gitea's first assignee; older servers fill only `assignees`. */
export const assigneeLogin = (issue: GiteaIssue): string | null => issue.assignee?.login ?? issue.assignees?.[0]?.login ?? null;

export interface LabelStatus {
  readonly status: string;
  readonly paused: boolean;
}

/**
 * The paused label, while the issue carries one, under its own name so that a contract's
 * `pauses_on` or `status:<label>` can name it; otherwise the Gitea state.
 */
export function labelStatus(source: Source, labels: readonly string[], state: 'open' | 'closed'): LabelStatus {
  const paused = labels.find((label) => isPausedStatus(source, label));
  return paused ? { status: paused, paused: true } : { status: state, paused: false };
}

/**
 * The issue as it is now, stamped with its creation time.
 *
 * Its status is never `closed`: every Gitea issue is born open and its closing travels as a
 * `resolved` event at `closed_at`. Backdating `closed` to the creation would meet a `status:closed`
 * target at once, and show a closed issue whose clocks still run (only `resolved` stops them).
 *
 * A paused label is taken as it is now. This only matters when the bridge never saw the issue
 * being opened (a real created event wins), and then nobody can tell since when the issue has been
 * waiting for the customer: pausing from creation keeps a waiting issue from raising breach
 * warnings, and the next label change sets the status again from its own time.
 */
export function createdEvent({ source, issue, repository }: GiteaSubject, synthetic: boolean): IssueEvent {
  const labels = labelNames(issue);
  const { status, paused } = labelStatus(source, labels, 'open');
  return {
    type: 'created',
    at: epochMs(issue.created_at),
    project: repository.full_name,
    labels,
    environment: environmentFrom(source, labels),
    priority: priorityFrom(source, labels),
    status,
    paused,
    title: issue.title,
    assignee: assigneeLogin(issue),
    synthetic,
  };
}

/**
 * A label change restates everything labels carry, as it is now: the payload does not say which
 * label came or went. Restating an unchanged priority, environment or status is a no-op for the
 * clock (it only closes a segment when the effective priority or the hold reason changes).
 */
export function labelEvents({ source, issue }: GiteaSubject): IssueEvent[] {
  const at = epochMs(issue.updated_at);
  const labels = labelNames(issue);
  const { status, paused } = labelStatus(source, labels, issue.state);
  return [
    { type: 'labels_changed', at, labels },
    { type: 'priority_changed', at, priority: priorityFrom(source, labels) },
    { type: 'environment_changed', at, environment: environmentFrom(source, labels) },
    { type: 'status_changed', at, status, paused },
  ];
}
