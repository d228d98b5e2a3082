/**
 * The engine events of an Issue Hook, by `object_attributes.action`. GitLab sends no event time:
 * the change's own time is `changes.updated_at.current` when the change bumped it (every save but
 * a reorder does), else the issue's `updated_at`. GitLab sends no hook when an issue is deleted
 * (Issuable::DestroyService runs none); the next write-back's "404 Issue Not Found" tells.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { assignedEvent, creationEvent, labelChangeEvents, reopenedEvent, resolvedEvent, severityChangeEvent, type IssueFacts } from './fact-events.js';
import { epochMs, factsOf, shownAssignee, shownLabels } from './issue-facts.js';
import type { GitlabIssue, GitlabIssueHook } from './payload-schema.js';

export type HookEvents = { readonly events: readonly IssueEvent[] } | { readonly ignored: string };

export interface IssueSubject {
  readonly source: Source;
  readonly project: string;
  readonly issue: GitlabIssue;
  readonly facts: IssueFacts;
  /** Whether the payload shows the labels at all (2016-era payloads do not). */
  readonly labelsShown: boolean;
  readonly assignee: string | null | undefined;
}

export function issueSubject(source: Source, project: string, hook: GitlabIssueHook): IssueSubject {
  const issue = hook.object_attributes;
  const labels = shownLabels(issue, hook.labels);
  return { source, project, issue, facts: factsOf(issue, labels), labelsShown: labels !== undefined, assignee: shownAssignee(issue, hook.assignees, hook.assignee) };
}

/** The issue as it is now, stamped with its creation time. */
export function createdEvent(subject: IssueSubject, synthetic: boolean): IssueEvent {
  const { issue } = subject;
  const opened = { at: epochMs(issue.created_at), project: subject.project, facts: subject.facts, title: issue.title, assignee: subject.assignee ?? null };
  return creationEvent(subject.source, opened, synthetic);
}

export const changeTime = (hook: GitlabIssueHook): number => epochMs(hook.changes?.updated_at?.current ?? hook.object_attributes.updated_at);

/**
 * What an update changed. With `changes` only the relations it names; a 2016-era update does
 * not say, so it restates the labels and the assignee it shows (repeats are no-ops for the clock).
 * An update of nothing the SLA reads (title, description, the due date) gives no events of its
 * own, but the delivery still counts: it shows the owned fields to write-back.
 */
function updateEvents(subject: IssueSubject, hook: GitlabIssueHook): IssueEvent[] {
  const { source, facts } = subject;
  const at = changeTime(hook);
  const changes = hook.changes;
  const events: IssueEvent[] = [];
  if (subject.labelsShown && (!changes || changes.labels)) events.push(...labelChangeEvents(source, at, facts));
  if (changes?.assignees) events.push(assignedEvent(at, changes.assignees.current?.[0]?.username ?? null));
  else if (!changes && subject.assignee !== undefined) events.push(assignedEvent(at, subject.assignee));
  if (changes?.severity && source.priority.field === 'severity') events.push(severityChangeEvent(source, at, facts));
  return events;
}

export function issueHookEvents(subject: IssueSubject, hook: GitlabIssueHook): HookEvents {
  const { source, facts, issue } = subject;
  switch (issue.action) {
    case 'open':
      return { events: [createdEvent(subject, false)] };
    case 'close':
      return { events: [resolvedEvent(epochMs(issue.closed_at ?? issue.updated_at))] };
    case 'reopen':
      return { events: [reopenedEvent(source, changeTime(hook), facts.labels)] };
    case 'update':
    case null:
    case undefined:
      return { events: updateEvents(subject, hook) };
    default:
      return { ignored: `issue action "${issue.action}" is not covered` };
  }
}
