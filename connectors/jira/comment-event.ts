import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { isAgent, isBridgeUser } from '../shared/source-rules.js';
import type { JiraComment } from './payload-schema.js';

/** A restricted comment (internal note, role or group visibility) is not a reaction the customer sees. */
const isPublic = (comment: JiraComment) => comment.jsdPublic !== false && !comment.visibility;

/** The comment as an engine event; none for the bridge's own breach comments. */
export function commentEvent(source: Source, at: number, comment: JiraComment): IssueEvent[] {
  const author = comment.author;
  const user = { names: [author?.accountId, author?.name, author?.displayName], email: author?.emailAddress };
  if (isBridgeUser(source, user)) return [];
  return [{ type: 'commented', at, by: isAgent(source, user) ? 'agent' : 'customer', public: isPublic(comment) }];
}
