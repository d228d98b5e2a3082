import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { isAgent } from '../shared/source-rules.js';
import type { JiraComment } from './payload-schema.js';

/** A restricted comment (internal note, role or group visibility) is not a reaction the customer sees. */
const isPublic = (comment: JiraComment) => comment.jsdPublic !== false && !comment.visibility;

export function commentEvent(source: Source, at: number, comment: JiraComment): IssueEvent {
  const author = comment.author;
  const agent = isAgent(source, { names: [author?.accountId, author?.name, author?.displayName], email: author?.emailAddress });
  return { type: 'commented', at, by: agent ? 'agent' : 'customer', public: isPublic(comment) };
}
