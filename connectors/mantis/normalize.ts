/**
 * From the plugin's payload to engine events. The payload carries the whole issue every time, so
 * every delivery starts with a synthetic `created`; the event's own changes follow, stamped with
 * the time the plugin saw them. The events themselves are built in ./issue-changes.ts, which the
 * REST reader (./reader.ts) shares, so that reconciliation recognises what webhooks already gave.
 */
import type { IssueRef, Normalized } from '../connector.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { changesBetween, commentEvent, createdEvent } from './issue-changes.js';
import type { MantisIssue, MantisNote, MantisPayload, MantisUser } from './payload-schema.js';

export function normalizeMantis(source: Source, payload: MantisPayload): Normalized {
  const { issue, timestamp: at } = payload;
  const events: IssueEvent[] = [createdEvent(source, issue, issue.created_at, true)];
  switch (payload.event) {
    case 'issue_reported':
      events.push(createdEvent(source, issue, at, false));
      break;
    case 'issue_updated':
      events.push(...changesBetween(source, payload.previous, issue, at));
      break;
    case 'note_added':
      events.push(...commentFrom(source, payload.note, at));
      break;
    case 'issue_deleted':
      events.push({ type: 'deleted', at });
      break;
  }
  return { outcome: 'events', issue: issueRef(issue), events };
}

function issueRef(issue: MantisIssue): IssueRef {
  return { id: String(issue.id), key: String(issue.id), title: issue.summary, url: issue.view_url };
}

function commentFrom(source: Source, note: MantisNote, at: number): IssueEvent[] {
  return commentEvent(source, { text: note.text, public: note.view_state === 'public', author: note.reporter && agentFacts(note.reporter) }, at);
}

function agentFacts(user: MantisUser) {
  return { names: [user.name, user.real_name], email: user.email, accessLevel: user.access_level };
}
