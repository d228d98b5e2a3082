/** The engine events of an `issue_comment` delivery. */
import type { Source } from '../../src/config/source.js';
import type { ActionEvents } from './issue-actions.js';
import { commentedEvent } from './fact-events.js';
import { epochMs } from './issue-facts.js';
import type { GithubComment } from './payload-schema.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { spentSeconds } from '../../src/domain/spent-note.js';

/**
 * A new comment answers or asks; editing or deleting one changes no SLA fact, but may book,
 * rebook or take back time with a `/spent` line (an agent's only: a customer books no hours).
 */
export function commentActionEvents(source: Source, action: string | null | undefined, comment: GithubComment | null | undefined, before?: string | null): ActionEvents {
  if (!comment) return { ignored: 'issue_comment event without a comment' };
  const author = { login: comment.user?.login, association: comment.author_association };
  if (action === 'created') {
    const event = commentedEvent(source, author, epochMs(comment.created_at));
    if (!event) return { ignored: 'a comment by the bridge itself (api.user)' };
    return { events: [event, ...spentEvents(event.type === 'commented' && event.by === 'agent', comment, spentSeconds(comment.body ?? ''), epochMs(comment.created_at))] };
  }
  if (action === 'edited' || action === 'deleted') {
    const now = action === 'deleted' ? undefined : spentSeconds(comment.body ?? '');
    const was = action === 'deleted' ? spentSeconds(comment.body ?? '') : spentSeconds(before ?? '');
    const told = commentedEvent(source, author, epochMs(comment.created_at));
    const agent = told?.type === 'commented' && told.by === 'agent';
    const at = epochMs(comment.updated_at ?? comment.created_at);
    const events = now === undefined && was === undefined ? [] : spentEvents(agent, comment, now ?? 0, at, true);
    return events.length > 0 ? { events } : { ignored: `comment ${action}: only new comments affect SLA clocks` };
  }
  return { ignored: `comment ${action ?? 'without an action'}: only new comments affect SLA clocks` };
}

/** The comment's `/spent` time as its time record; `zero` tells a 0 (taken back) too. */
function spentEvents(agent: boolean, comment: GithubComment, seconds: number | undefined, at: number, zero = false): IssueEvent[] {
  if (!agent || comment.id == null || seconds === undefined || (seconds === 0 && !zero)) return [];
  return [{ type: 'time_logged', at, recordId: `github-comment:${comment.id}`, seconds, author: comment.user?.login ?? null }];
}
