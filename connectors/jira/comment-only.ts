/**
 * A `comment_created` without an `issue` object, as Jira Server and Data Center send it. The
 * comment still answers or asks, so it becomes the comment event of the issue its `self` link
 * names; what the issue is (key, title, project, creation) comes with the issue's next webhook.
 */
import type { Source } from '../../src/config/source.js';
import type { Normalized } from '../connector.js';
import { commentEvent } from './comment-event.js';
import { issueIdOfCommentSelf } from './comment-self.js';
import type { JiraPayload } from './payload-schema.js';

export function commentOnlyDelivery(source: Source, payload: JiraPayload): Normalized | undefined {
  const id = issueIdOfCommentSelf(payload.comment?.self);
  if (!payload.comment || id === undefined) return undefined;
  const events = commentEvent(source, payload.timestamp, payload.comment);
  if (events.length === 0) return { outcome: 'ignored', reason: 'a comment by the bridge itself (api.user)' };
  return { outcome: 'events', issue: { id, key: id, partial: true }, events };
}
