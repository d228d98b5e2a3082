/**
 * What the clock needs for authorized contacts, put on the events of one delivery: the issue's
 * reporter on its created events, and marks on the events by which an agent accepts the issue (a
 * contract may start the clock of an issue from an unlisted contact only then): an assignment to
 * an agent or made by one, and a status change made by an agent. Who made a change is the
 * delivery's actor (Jira `user`, Gitea and GitHub `sender`, GitLab `user`); MantisBT's plugin names
 * none, so there only an assignment to an agent counts.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { trackerReporter } from './reporter.js';
import { isAgent, type TrackerUser } from './source-rules.js';

export interface DeliveryPeople {
  readonly actor?: TrackerUser | undefined;
  readonly reporter?: TrackerUser | undefined;
  /** The delivery's comment, for a sign-off by the reporter's note: who wrote it and its text. */
  readonly comment?: { readonly author?: TrackerUser | undefined; readonly text?: string | null | undefined } | undefined;
}

/** The keywords (lower-cased) that the text holds. */
function keywordsIn(text: string | null | undefined, keywords: readonly string[]): string[] {
  const lower = text?.toLowerCase() ?? '';
  return keywords.filter((keyword) => lower.includes(keyword));
}

/** `noteKeywords`: every keyword a reporter's note may sign off or approve hours with, lower-cased: the text itself is not kept. */
export function markContactFacts(source: Source, events: readonly IssueEvent[], people: DeliveryPeople, noteKeywords: readonly string[] = []): IssueEvent[] {
  const byAgent = people.actor !== undefined && isAgent(source, people.actor);
  const reporter = trackerReporter(people.reporter);
  const agentNamed = (assignee: string) => isAgent(source, { names: [assignee] });
  const author = trackerReporter(people.comment?.author);
  const keywords = keywordsIn(people.comment?.text, noteKeywords);
  return events.map((event): IssueEvent => {
    switch (event.type) {
      case 'created': {
        // A synthetic creation is rebuilt from a later delivery, whose actor did not create the issue.
        const accepted = event.assignee !== null && (agentNamed(event.assignee) || (byAgent && !event.synthetic));
        return { ...event, ...(reporter && !event.reporter ? { reporter } : {}), ...(accepted ? { toAgent: true } : {}) };
      }
      case 'assigned':
        return event.assignee !== null && (byAgent || agentNamed(event.assignee)) ? { ...event, toAgent: true } : event;
      case 'status_changed':
        return byAgent ? { ...event, byAgent: true } : event;
      case 'commented':
        return { ...event, ...(author ? { author } : {}), ...(keywords.length > 0 ? { keywords } : {}) };
      default:
        return event;
    }
  });
}
