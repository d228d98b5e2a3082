/** The engine events of an `issue_comment` delivery. */
import type { ActionEvents } from './issue-actions.js';
import { commentedEvent } from './fact-events.js';
import { epochMs, type GiteaSubject } from './issue-facts.js';
import type { GiteaComment } from './payload-schema.js';

/** A new comment answers or asks; editing or deleting one changes no SLA fact. */
export function commentActionEvents(
  { source }: GiteaSubject,
  action: string | null | undefined,
  comment: GiteaComment | null | undefined,
): ActionEvents {
  if (action !== 'created') return { ignored: `comment ${action ?? 'without an action'}: only new comments affect SLA clocks` };
  if (!comment) return { ignored: 'issue_comment event without a comment' };
  const event = commentedEvent(source, comment.user ?? { login: undefined }, epochMs(comment.created_at));
  return event ? { events: [event] } : { ignored: 'a comment by the bridge itself (api.user)' };
}
