/**
 * From the plugin's payload to engine events. The payload carries the whole issue every time, so
 * every delivery starts with a synthetic `created`; the event's own changes follow, stamped with
 * the time the plugin saw them, and the issue as it is then (`observed`), since MantisBT changes
 * more than an event announces. The events themselves are built in ./issue-changes.ts, which the
 * REST reader (./reader.ts) shares, so that reconciliation recognises what webhooks already gave.
 */
import type { IssueRef, Normalized } from '../connector.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { changesBetween, commentEvent, createdEvent, observedEvent } from './issue-changes.js';
import { noteTimeEvent } from './time-tracking.js';
import { mantisShownFields } from './write-back.js';
import type { MantisIssue, MantisNote, MantisPayload, MantisUser } from './payload-schema.js';

export function normalizeMantis(source: Source, payload: MantisPayload): Normalized {
  const { issue, timestamp: at } = payload;
  const events: IssueEvent[] = [createdEvent(source, issue, issue.created_at, true)];
  switch (payload.event) {
    case 'issue_reported':
      events.push(createdEvent(source, issue, at, false));
      break;
    case 'issue_updated':
      // A group action (EVENT_BUG_ACTION) has no state from before it: the fields it shows tell the change.
      events.push(...(payload.previous ? changesBetween(source, payload.previous, issue, at) : []), observedEvent(source, issue, at));
      break;
    case 'note_added':
      events.push(...commentFrom(source, payload.note, at), ...noteTimeEvent(payload.note.id, payload.note.time_tracking, payload.note.created_at, payload.note.reporter?.name), observedEvent(source, issue, at));
      break;
    case 'issue_deleted':
      events.push({ type: 'deleted', at });
      break;
  }
  const shown = source.writeBack.enabled && payload.event !== 'issue_deleted' ? mantisShownFields(source.writeBack, issue) : {};
  return { outcome: 'events', issue: issueRef(issue), events, ...(Object.keys(shown).length > 0 ? { shown } : {}) };
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
