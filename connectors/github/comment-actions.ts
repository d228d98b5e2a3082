/** The engine events of an `issue_comment` delivery. */
import type { Source } from '../../src/config/source.js';
import type { ActionEvents } from './issue-actions.js';
import { commentedEvent } from './fact-events.js';
import { epochMs } from './issue-facts.js';
import type { GithubComment } from './payload-schema.js';

/** A new comment answers or asks; editing or deleting one changes no SLA fact. */
export function commentActionEvents(source: Source, action: string | null | undefined, comment: GithubComment | null | undefined): ActionEvents {
  if (action !== 'created') return { ignored: `comment ${action ?? 'without an action'}: only new comments affect SLA clocks` };
  if (!comment) return { ignored: 'issue_comment event without a comment' };
  const event = commentedEvent(source, { login: comment.user?.login, association: comment.author_association }, epochMs(comment.created_at));
  return event ? { events: [event] } : { ignored: 'a comment by the bridge itself (api.user)' };
}
