/**
 * An issue's whole story from its notes and resource events, as the events its webhooks would
 * have given. The REST API shows the labels and assignees as they are now; undoing the changes
 * newest first gives the issue as it was opened, and replaying them oldest first gives it as each
 * Issue Hook showed it, just after its change.
 *
 * What the issue was opened with leaves events too: GitLab writes a label event for each label and
 * an "assigned to" note for the assignees given in the new-issue form, in the transaction that
 * creates the issue. The Issue Hook of the opening shows them as part of the issue, so they are
 * folded into the creation here.
 *
 * Not in the REST API: a title's history (the current title stands for all of it) and an
 * incident's severity changes (the current severity stands for all of it; a `priority.field:
 * severity` source reconciles a severity change by the next delivery's observed priority).
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { assignedEvent, commentedEvent, creationEvent, labelChangeEvents, reopenedEvent, resolvedEvent, type GitlabState } from './fact-events.js';
import { epochMs } from './issue-facts.js';
import type { GitlabListedIssue } from './rest-schema.js';
import type { HistoryChange } from './history-changes.js';
import type { AssigneeChange } from './system-notes.js';

/** The creating transaction's own events come within this of the issue's `created_at`. */
const CREATION_WINDOW_MS = 2_000;

/** GitLab lists labels by title (`labels_hook_attrs`, the API's `labels`); a restated list is sorted the same way. */
const listed = (labels: ReadonlySet<string>): string[] => [...labels].sort();

/** The issue's labels, assignees and state at one point of its story. */
class IssueState {
  readonly labels: Set<string>;
  assignees: string[];
  state: GitlabState = 'opened';
  /** False once a change did not fit the state it was applied to (history not as the API tells it). */
  consistent = true;

  constructor(labels: Iterable<string>, assignees: Iterable<string>) {
    this.labels = new Set(labels);
    this.assignees = [...assignees];
  }

  get assignee(): string | null {
    return this.assignees[0] ?? null;
  }

  /** Applies `change` forwards, or undoes it; an assignee change that cannot be undone is reported. */
  apply(change: HistoryChange, undo = false): void {
    if (change.kind === 'labels') {
      const edits = undo ? [...change.edits].reverse() : change.edits;
      for (const { name, added } of edits) this.setLabel(name, added !== undo);
    } else if (change.kind === 'assignees') {
      if (undo) this.undoAssignees(change.change);
      else this.applyAssignees(change.change);
    }
  }

  private setLabel(name: string, present: boolean): void {
    if (this.labels.has(name) === present) this.consistent = false;
    if (present) this.labels.add(name);
    else this.labels.delete(name);
  }

  private applyAssignees(change: AssigneeChange): void {
    if ('removedAll' in change) this.assignees = [];
    else if ('replacedBy' in change) this.assignees = [change.replacedBy];
    else {
      this.assignees = this.assignees.filter((login) => !change.removed.includes(login));
      for (const login of change.added) if (!this.assignees.includes(login)) this.assignees.push(login);
    }
  }

  /** "removed all" and "reassigned" do not say who was there before: what came before is a guess. */
  private undoAssignees(change: AssigneeChange): void {
    if ('removedAll' in change || 'replacedBy' in change) {
      this.consistent = false;
      return;
    }
    for (const login of change.added) if (!this.assignees.includes(login)) this.consistent = false;
    this.assignees = [...change.removed, ...this.assignees.filter((login) => !change.added.includes(login))];
  }
}

function creationChanges(changes: readonly HistoryChange[], createdAt: number): number {
  let count = 0;
  for (const change of changes) {
    if ((change.kind !== 'labels' && change.kind !== 'assignees') || change.at - createdAt > CREATION_WINDOW_MS) break;
    count += 1;
  }
  return count;
}

function changeEvents(source: Source, change: HistoryChange, issue: IssueState, severity: string | null | undefined): IssueEvent[] {
  switch (change.kind) {
    case 'labels':
      return labelChangeEvents(source, change.at, { labels: listed(issue.labels), state: issue.state, severity });
    case 'assignees':
      return [assignedEvent(change.at, issue.assignee)];
    case 'close':
      return [resolvedEvent(change.at)];
    case 'reopen':
      return [reopenedEvent(source, change.at, listed(issue.labels))];
    case 'comment': {
      const event = commentedEvent(source, { username: change.username, email: change.email }, change.at, change.public);
      return event ? [event] : [];
    }
  }
}

export function replayHistory(source: Source, project: string, issue: GitlabListedIssue, changes: readonly HistoryChange[], complete: boolean): IssueEvent[] {
  const createdAt = epochMs(issue.created_at);
  const atCreation = changes.slice(0, creationChanges(changes, createdAt));
  const later = changes.slice(atCreation.length);
  const severity = issue.severity?.toLowerCase();

  const current = (issue.assignees ?? []).map((user) => user.username);
  if (current.length === 0 && issue.assignee) current.push(issue.assignee.username);
  const opened = new IssueState(issue.labels ?? [], current);
  for (const change of [...later].reverse()) opened.apply(change, true);
  // What the creating transaction added must be exactly what the issue was opened with.
  const created = new IssueState([], []);
  for (const change of atCreation) created.apply(change);
  const sameOpening = created.consistent && listed(created.labels).join('\n') === listed(opened.labels).join('\n') && created.assignee === opened.assignee;

  const openedWith = { at: createdAt, project, facts: { labels: listed(opened.labels), state: 'opened' as const, severity }, title: issue.title, assignee: opened.assignee };
  const events: IssueEvent[] = [creationEvent(source, openedWith, !(complete && opened.consistent && sameOpening))];

  const now = opened;
  for (const change of later) {
    now.apply(change);
    if (change.kind === 'close') now.state = 'closed';
    if (change.kind === 'reopen') now.state = 'opened';
    events.push(...changeEvents(source, change, now, severity));
  }
  // A closing the state events do not show (closed before 13.2, which brought them) still ends the clocks.
  if (issue.state === 'closed' && now.state !== 'closed' && issue.closed_at) events.push(resolvedEvent(epochMs(issue.closed_at)));
  return events;
}
