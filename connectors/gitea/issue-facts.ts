/**
 * What a Gitea issue's current fields tell the SLA clock. Gitea issues have no priority, environment
 * or workflow status: labels stand in for all three (config/sources/gitea-demo.yaml), and the
 * payload only ever shows the labels as they are now, never what changed.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { creationEvent, labelChangeEvents, resolvedEvent } from './fact-events.js';
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

/**
 * The issue as it is now, stamped with its creation time.
 *
 * A paused label is taken as it is now. This only matters when the bridge never saw the issue
 * being opened (a real created event wins), and then nobody can tell since when the issue has been
 * waiting for the customer: pausing from creation keeps a waiting issue from raising breach
 * warnings, and the next label change sets the status again from its own time.
 */
export function createdEvent({ source, issue, repository }: GiteaSubject, synthetic: boolean): IssueEvent {
  const opened = { at: epochMs(issue.created_at), project: repository.full_name, labels: labelNames(issue), title: issue.title, assignee: assigneeLogin(issue) };
  return creationEvent(source, opened, synthetic);
}

/** The labels as they are now, at the last change (every label change bumps `updated_at`). */
export function labelEvents({ source, issue }: GiteaSubject): IssueEvent[] {
  return labelChangeEvents(source, epochMs(issue.updated_at), labelNames(issue), issue.state);
}

/**
 * The closing of an issue that is closed now, unless `events` already close it: an issue first
 * heard of after it was closed must not be left with running clocks.
 */
export function stillClosed(issue: GiteaIssue, events: readonly IssueEvent[]): IssueEvent[] {
  if (issue.state !== 'closed' || !issue.closed_at || events.some((event) => event.type === 'resolved')) return [];
  return [resolvedEvent(epochMs(issue.closed_at))];
}
