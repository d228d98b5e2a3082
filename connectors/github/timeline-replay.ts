/**
 * An issue's whole story from its timeline, as the events its webhooks would have given.
 *
 * The REST API shows the labels and assignees as they are now; the timeline says what each change
 * added or removed. Undoing the changes newest first gives the issue as it was opened, and
 * replaying them oldest first gives it as each webhook showed it, just after its change.
 *
 * An issue opened with labels or assignees has `labeled` and `assigned` entries at its creation
 * (and GitHub sends a webhook for each), while the `opened` webhook already shows them as part of
 * the issue: those entries are folded into the creation here.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { assignedEvent, commentedEvent, creationEvent, labelChangeEvents, reopenedEvent, resolvedEvent, type GithubState } from './fact-events.js';
import { epochMs, labelNames, sortedLabels } from './issue-facts.js';
import { listedRepository, type GithubListedIssue, type GithubTimelineEntry } from './rest-schema.js';
import { timelineChanges, type TimelineChange } from './timeline-changes.js';

/** The creation's own entries come within this of the issue's `created_at` (whole seconds). */
const CREATION_WINDOW_MS = 2_000;

/** The issue's labels, assignees, title and state at one point of its story. */
class IssueState {
  readonly labels: Set<string>;
  readonly assignees: string[];
  title: string;
  state: GithubState = 'open';
  /** False once a change did not fit the state it was applied to (history not as the API tells it). */
  consistent = true;

  constructor(labels: Iterable<string>, assignees: Iterable<string>, title: string) {
    this.labels = new Set(labels);
    this.assignees = [...assignees];
    this.title = title;
  }

  get assignee(): string | null {
    return this.assignees[0] ?? null;
  }

  /** Applies `change` forwards, or undoes it. */
  apply(change: TimelineChange, undo = false): void {
    if (change.kind === 'labels') {
      const edits = undo ? [...change.edits].reverse() : change.edits;
      for (const { name, added } of edits) this.setLabel(name, added !== undo);
    } else if (change.kind === 'assignee') {
      this.setAssignee(change.login, change.removed === undo);
    } else if (change.kind === 'title') {
      this.title = undo ? change.from : change.to;
    }
  }

  private setLabel(name: string, present: boolean): void {
    if (this.labels.has(name) === present) this.consistent = false;
    if (present) this.labels.add(name);
    else this.labels.delete(name);
  }

  private setAssignee(login: string, present: boolean): void {
    const index = this.assignees.indexOf(login);
    if (index >= 0 === present) this.consistent = false;
    if (present && index < 0) this.assignees.push(login);
    if (!present && index >= 0) this.assignees.splice(index, 1);
  }
}

/** The leading label and assignee changes made with the creation. */
function creationChanges(changes: readonly TimelineChange[], createdAt: number): number {
  let count = 0;
  for (const change of changes) {
    if ((change.kind !== 'labels' && change.kind !== 'assignee') || change.at - createdAt > CREATION_WINDOW_MS) break;
    count += 1;
  }
  return count;
}

function changeEvents(source: Source, change: TimelineChange, issue: IssueState): IssueEvent[] {
  switch (change.kind) {
    case 'labels':
      return labelChangeEvents(source, change.at, sortedLabels(issue.labels), issue.state);
    case 'assignee':
      return [assignedEvent(change.at, issue.assignee)];
    case 'close':
      return [resolvedEvent(change.at)];
    case 'reopen':
      return [reopenedEvent(source, change.at, sortedLabels(issue.labels))];
    case 'comment': {
      const event = commentedEvent(source, change, change.at);
      if (!event) return [];
      // As on the webhook path (comment-actions.ts): an agent's `/spent` line books time, a customer's nothing.
      const booked = event.type === 'commented' && event.by === 'agent' && change.spent && change.id !== undefined && change.spent.seconds > 0;
      return booked ? [event, { type: 'time_logged', at: change.spent!.at, recordId: `github-comment:${change.id}`, seconds: change.spent!.seconds, author: change.login ?? null }] : [event];
    }
    case 'title':
      return [];
  }
}

export function replayTimeline(source: Source, issue: GithubListedIssue, timeline: readonly GithubTimelineEntry[]): IssueEvent[] {
  const { changes, complete } = timelineChanges(timeline);
  const createdAt = epochMs(issue.created_at);
  const atCreation = changes.slice(0, creationChanges(changes, createdAt));
  const later = changes.slice(atCreation.length);

  const current = (issue.assignees ?? []).map((user) => user.login);
  if (current.length === 0 && issue.assignee) current.push(issue.assignee.login);
  const opened = new IssueState(labelNames(issue) ?? [], current, issue.title ?? '');
  for (const change of [...later].reverse()) opened.apply(change, true);
  // What the creation added must be exactly what the issue was opened with.
  const created = new IssueState([], [], opened.title);
  for (const change of atCreation) created.apply(change);
  const sameOpening = created.consistent && sortedLabels(created.labels).join('\n') === sortedLabels(opened.labels).join('\n') && created.assignee === opened.assignee;

  const openedWith = { at: createdAt, project: listedRepository(issue), labels: sortedLabels(opened.labels), title: opened.title || undefined, assignee: opened.assignee };
  const events: IssueEvent[] = [creationEvent(source, openedWith, !(complete && opened.consistent && sameOpening))];

  // From here on `opened` is the issue as it goes through its story (born open, like every issue).
  const now = opened;
  for (const change of later) {
    now.apply(change);
    if (change.kind === 'close') now.state = 'closed';
    if (change.kind === 'reopen') now.state = 'open';
    events.push(...changeEvents(source, change, now));
  }
  // A closing the timeline does not show still ends the clocks.
  if (issue.state === 'closed' && now.state !== 'closed' && issue.closed_at) events.push(resolvedEvent(epochMs(issue.closed_at)));
  return events;
}
