/** The engine events of an `issue_comment` delivery. */
import { isAgent, isBridgeUser } from '../shared/source-rules.js';
import type { ActionEvents } from './issue-actions.js';
import { epochMs, type GiteaSubject } from './issue-facts.js';
import type { GiteaComment } from './payload-schema.js';

/**
 * A new comment answers or asks; editing or deleting one changes no SLA fact. Gitea has no
 * internal comments: everyone who can see the issue sees every comment, so all are public.
 * Agents are recognised by login: webhook payloads carry a no-reply placeholder instead of the
 * user's e-mail address, so an agent domain never matches here.
 */
export function commentActionEvents(
  { source }: GiteaSubject,
  action: string | null | undefined,
  comment: GiteaComment | null | undefined,
): ActionEvents {
  if (action !== 'created') return { ignored: `comment ${action ?? 'without an action'}: only new comments affect SLA clocks` };
  if (!comment) return { ignored: 'issue_comment event without a comment' };
  const user = { names: [comment.user.login], email: comment.user.email };
  if (isBridgeUser(source, user)) return { ignored: 'a comment by the bridge itself (api.user)' };
  const by = isAgent(source, user) ? 'agent' : 'customer';
  return { events: [{ type: 'commented', at: epochMs(comment.created_at), by, public: true }] };
}
