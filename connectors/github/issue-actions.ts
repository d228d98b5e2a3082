/**
 * The engine events of an `issues` delivery, by the payload's `action`. GitHub sends no event time:
 * `updated_at` is it, since every change of the issue bumps it (a label, an assignee, a closing).
 * A deletion or a transfer does not; it is stamped with the last change before it, and the clock
 * drops an unmet metric of a deleted issue whatever the time.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { assignedEvent, labelChangeEvents, reopenedEvent, resolvedEvent } from './fact-events.js';
import { assigneeLogin, createdEvent, epochMs, labelNames, type IssueFields } from './issue-facts.js';

export type ActionEvents = { readonly events: readonly IssueEvent[] } | { readonly ignored: string };

const events = (...list: IssueEvent[]): ActionEvents => ({ events: list });
const ignored = (reason: string): ActionEvents => ({ ignored: reason });

export interface IssueSubject {
  readonly source: Source;
  readonly issue: IssueFields;
  readonly project: string;
}

/** Actions that change nothing an SLA reads, with why. */
const NOT_SLA: Readonly<Record<string, string>> = {
  edited: 'issue edits (title, body) do not affect SLA clocks',
  milestoned: 'milestone changes do not affect SLA clocks',
  demilestoned: 'milestone changes do not affect SLA clocks',
  pinned: 'pinning does not affect SLA clocks',
  unpinned: 'pinning does not affect SLA clocks',
  locked: 'locking the conversation does not affect SLA clocks',
  unlocked: 'locking the conversation does not affect SLA clocks',
  typed: 'issue types do not affect SLA clocks',
  untyped: 'issue types do not affect SLA clocks',
};

export function issueActionEvents({ source, issue, project }: IssueSubject, action: string | null | undefined): ActionEvents {
  const at = epochMs(issue.updated_at);
  switch (action) {
    case 'opened':
      return events(createdEvent(source, project, issue, false));
    case 'closed':
      return events(resolvedEvent(epochMs(issue.closed_at ?? issue.updated_at)));
    case 'reopened':
      return events(reopenedEvent(source, at, labelNames(issue) ?? []));
    case 'labeled':
    case 'unlabeled': {
      const labels = labelNames(issue);
      if (labels === undefined) return ignored(`${action} event without the issue's labels`);
      return events(...labelChangeEvents(source, at, labels, issue.state ?? 'open'));
    }
    case 'assigned':
    case 'unassigned':
      // The payload's `assignee` names who was added or removed; the issue shows who is assigned now.
      return events(assignedEvent(at, assigneeLogin(issue) ?? null));
    case 'deleted':
      return events({ type: 'deleted', at });
    case 'transferred':
      // The issue now has another number in another repository: its key here is gone. The new
      // repository's own `opened` delivery starts it there.
      return events({ type: 'deleted', at });
    case null:
    case undefined:
      return ignored('issues event without an action');
    default:
      return ignored(NOT_SLA[action] ?? `issue action "${action}" is not covered`);
  }
}
