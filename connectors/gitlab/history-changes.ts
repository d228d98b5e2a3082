/**
 * An issue's notes and resource events as the changes they stand for, oldest first. GitLab
 * writes one label event per label added or removed, so one action on several labels (the label
 * picker, or a scoped label pushing out its sibling) leaves several events in one transaction but
 * sends one Issue Hook, with the labels as they are after all of them: such events are one change.
 */
import { epochMs } from './issue-facts.js';
import type { GitlabLabelEvent, GitlabRestNote, GitlabStateEvent } from './rest-schema.js';
import { assigneeChange, type AssigneeChange } from './system-notes.js';

export interface LabelEdit {
  readonly name: string;
  readonly added: boolean;
}

export type HistoryChange =
  | { readonly kind: 'labels'; readonly at: number; readonly edits: readonly LabelEdit[] }
  | { readonly kind: 'assignees'; readonly at: number; readonly change: AssigneeChange }
  | { readonly kind: 'close' | 'reopen'; readonly at: number }
  | { readonly kind: 'comment'; readonly at: number; readonly username: string | null | undefined; readonly email: string | null | undefined; readonly public: boolean };

export interface HistoryChanges {
  readonly changes: readonly HistoryChange[];
  /** False when an event lost what it changed (a deleted label), so earlier states are a guess. */
  readonly complete: boolean;
}

/** Events of one action are saved in one transaction, within a second of each other. */
const SAME_ACTION_MS = 1_000;

interface Timed {
  readonly at: number;
  readonly order: number;
  readonly change: HistoryChange | 'lost';
  readonly user: string | undefined;
}

export function historyChanges(notes: readonly GitlabRestNote[], labelEvents: readonly GitlabLabelEvent[], stateEvents: readonly GitlabStateEvent[]): HistoryChanges {
  const timed: Timed[] = [];
  for (const event of labelEvents) {
    const at = epochMs(event.created_at);
    timed.push({ at, order: event.id, user: event.user?.username, change: event.label ? { kind: 'labels', at, edits: [{ name: event.label.name, added: event.action === 'add' }] } : 'lost' });
  }
  for (const event of stateEvents) {
    const at = epochMs(event.created_at);
    const kind = event.state === 'closed' ? 'close' : event.state === 'reopened' || event.state === 'opened' ? 'reopen' : undefined;
    if (kind) timed.push({ at, order: event.id, user: event.user?.username, change: { kind, at } });
  }
  for (const note of notes) {
    const at = epochMs(note.created_at);
    if (note.system) {
      const change = note.body ? assigneeChange(note.body) : null;
      if (change) timed.push({ at, order: note.id, user: note.author?.username ?? undefined, change: { kind: 'assignees', at, change } });
      continue;
    }
    const isPublic = note.internal !== true && note.confidential !== true;
    timed.push({ at, order: note.id, user: note.author?.username ?? undefined, change: { kind: 'comment', at, username: note.author?.username, email: note.author?.email, public: isPublic } });
  }
  timed.sort((a, b) => a.at - b.at || a.order - b.order);

  const changes: HistoryChange[] = [];
  let complete = true;
  let actionStart: { readonly at: number; readonly user: string | undefined } | undefined;
  for (const { change, user } of timed) {
    if (change === 'lost') {
      complete = false;
      continue;
    }
    const previous = changes.at(-1);
    if (change.kind === 'labels' && previous?.kind === 'labels' && actionStart && actionStart.user === user && change.at - actionStart.at <= SAME_ACTION_MS) {
      changes[changes.length - 1] = { kind: 'labels', at: change.at, edits: [...previous.edits, ...change.edits] };
      continue;
    }
    actionStart = { at: change.at, user };
    changes.push(change);
  }
  return { changes, complete };
}
