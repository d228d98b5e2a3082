/**
 * What a GitHub issue's fields, as a webhook or the REST API shows them, tell the SLA clock.
 * GitHub issues have no priority, environment or workflow status: labels stand in for all three
 * (config/sources/github-demo.yaml), and a payload shows the labels as they are, not what changed.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { creationEvent, resolvedEvent, type GithubState, type ShownIssue } from './fact-events.js';

/** The fields of an issue that REST listings and webhook payloads share. */
export interface IssueFields {
  readonly number: number;
  readonly title?: string | null | undefined;
  readonly state?: GithubState | null | undefined;
  readonly labels?: readonly { readonly name: string }[] | null | undefined;
  readonly assignee?: { readonly login: string } | null | undefined;
  readonly assignees?: readonly { readonly login: string }[] | null | undefined;
  readonly created_at: string;
  readonly updated_at: string;
  readonly closed_at?: string | null | undefined;
}

export const epochMs = (timestamp: string): number => Date.parse(timestamp);

/**
 * The label names in code-unit order, or undefined when the payload leaves them out (null is no
 * labels). Sorted, so that a webhook's list and one the reader rebuilds from the timeline compare
 * equal whatever order either comes in.
 */
export const labelNames = (issue: IssueFields): string[] | undefined => (issue.labels === undefined ? undefined : sortedLabels((issue.labels ?? []).map((label) => label.name)));

export const sortedLabels = (labels: Iterable<string>): string[] => [...labels].sort();

/** The first assignee; undefined when the payload shows neither `assignee` nor `assignees`. */
export function assigneeLogin(issue: IssueFields): string | null | undefined {
  if (issue.assignee === undefined && issue.assignees === undefined) return undefined;
  return issue.assignee?.login ?? issue.assignees?.[0]?.login ?? null;
}

export const issueState = (issue: IssueFields): GithubState | undefined => issue.state ?? undefined;

export const shownIssue = (issue: IssueFields): ShownIssue => ({ labels: labelNames(issue), state: issueState(issue), assignee: assigneeLogin(issue) });

/**
 * The issue as it is now, stamped with its creation time. A paused label is taken as it is now:
 * this only matters when the bridge never saw the issue being opened (a real created event wins),
 * and then nobody can tell since when it has been waiting for the customer.
 */
export function createdEvent(source: Source, project: string, issue: IssueFields, synthetic: boolean): IssueEvent {
  const opened = { at: epochMs(issue.created_at), project, labels: labelNames(issue) ?? [], title: issue.title ?? undefined, assignee: assigneeLogin(issue) ?? null };
  return creationEvent(source, opened, synthetic);
}

/**
 * The closing of an issue that is closed now, unless `events` already close it: an issue first
 * heard of after it was closed must not be left with running clocks.
 */
export function stillClosed(issue: IssueFields, events: readonly IssueEvent[]): IssueEvent[] {
  if (issue.state !== 'closed' || !issue.closed_at || events.some((event) => event.type === 'resolved')) return [];
  return [resolvedEvent(epochMs(issue.closed_at))];
}
