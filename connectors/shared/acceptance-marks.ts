/**
 * Marks the events of one delivery by which an agent accepts an issue (a contract may start the
 * clock of an issue from an unlisted contact only then): an assignment to an agent or made by an
 * agent, and a status change made by an agent. Who made a change is the delivery's actor (Jira
 * `user`, Gitea and GitHub `sender`, GitLab `user`); MantisBT's plugin names none, so there only
 * an assignment to an agent counts.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { isAgent, type TrackerUser } from './source-rules.js';

export function markAcceptance(source: Source, events: readonly IssueEvent[], actor: TrackerUser | undefined): IssueEvent[] {
  const byAgent = actor !== undefined && isAgent(source, actor);
  const agentAssignee = (assignee: string | null) => assignee !== null && (byAgent || isAgent(source, { names: [assignee] }));
  return events.map((event): IssueEvent => {
    switch (event.type) {
      // A synthetic creation is rebuilt from a later delivery, whose actor did not create the issue.
      case 'created':
        return event.assignee !== null && (isAgent(source, { names: [event.assignee] }) || (byAgent && !event.synthetic)) ? { ...event, toAgent: true } : event;
      case 'assigned':
        return agentAssignee(event.assignee) ? { ...event, toAgent: true } : event;
      case 'status_changed':
        return byAgent ? { ...event, byAgent: true } : event;
      default:
        return event;
    }
  });
}
