/** The engine events of an `issues` delivery (X-Gitea-Event: issues), by the payload's `action`. */
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { assignedEvent, reopenedEvent, resolvedEvent } from './fact-events.js';
import { assigneeLogin, createdEvent, epochMs, labelEvents, labelNames, type GiteaSubject } from './issue-facts.js';

export type ActionEvents = { readonly events: readonly IssueEvent[] } | { readonly ignored: string };

const events = (...list: IssueEvent[]): ActionEvents => ({ events: list });
const ignored = (reason: string): ActionEvents => ({ ignored: reason });

/**
 * Gitea sends no event time: `updated_at` is it, since every timeline change (label, assignee,
 * close, reopen) bumps it in the same transaction. Deleting does not, so a deletion is stamped
 * with the last change before it; the clock drops an unmet metric of a deleted issue whatever
 * the time.
 */
export function issueActionEvents(subject: GiteaSubject, action: string | null | undefined): ActionEvents {
  const { source, issue } = subject;
  const at = epochMs(issue.updated_at);
  switch (action) {
    case 'opened':
      return events(createdEvent(subject, false));
    case 'closed':
      return events(resolvedEvent(epochMs(issue.closed_at ?? issue.updated_at)));
    case 'reopened':
      return events(reopenedEvent(source, at, labelNames(issue)));
    case 'label_updated':
    case 'label_cleared':
      return events(...labelEvents(subject));
    case 'assigned':
    case 'unassigned':
      // The payload shows who is assigned now, not who was added or removed.
      return events(assignedEvent(at, assigneeLogin(issue)));
    case 'deleted':
      return events({ type: 'deleted', at });
    case 'edited':
      return ignored('issue edits (title, description, branch) do not affect SLA clocks');
    case 'milestoned':
    case 'demilestoned':
      return ignored('milestone changes do not affect SLA clocks');
    case null:
    case undefined:
      return ignored('issues event without an action');
    default:
      return ignored(`issue action "${action}" is not covered`);
  }
}
