/**
 * An issue's timeline entries as the changes they stand for. Gitea writes one `label` entry per
 * label added or removed, so one action that touches several labels (raising `priority/1` drops
 * `priority/2` from the exclusive scope; the label picker replaces the whole set) leaves several
 * entries but sends one webhook, with the labels as they are after all of them. Such entries are
 * taken as one change, or the reader would restate a state that never was (no priority at all,
 * for a moment) that no webhook ever showed.
 */
import type { GiteaTimelineEntry } from './rest-schema.js';
import { epochMs } from './issue-facts.js';

export interface LabelEdit {
  readonly name: string;
  readonly added: boolean;
}

export type TimelineChange =
  | { readonly kind: 'labels'; readonly at: number; readonly edits: readonly LabelEdit[] }
  | { readonly kind: 'assignee'; readonly at: number; readonly login: string; readonly removed: boolean }
  | { readonly kind: 'close' | 'reopen'; readonly at: number }
  | { readonly kind: 'comment'; readonly at: number; readonly login: string | undefined; readonly email: string | null | undefined }
  | { readonly kind: 'title'; readonly at: number; readonly from: string; readonly to: string };

export interface TimelineChanges {
  readonly changes: readonly TimelineChange[];
  /** False when an entry lost what it changed (a deleted label), so earlier states are a guess. */
  readonly complete: boolean;
}

/** Entries of one action are written in one transaction, within a second of each other. */
const SAME_ACTION_MS = 1_000;

const inTimelineOrder = (entries: readonly GiteaTimelineEntry[]) =>
  [...entries].sort((a, b) => epochMs(a.created_at) - epochMs(b.created_at) || a.id - b.id);

/** One entry's change; null for entries that change nothing the SLA reads (milestones, references…). */
function changeOf(entry: GiteaTimelineEntry): TimelineChange | 'lost' | null {
  const at = epochMs(entry.created_at);
  switch (entry.type) {
    case 'label':
      return entry.label ? { kind: 'labels', at, edits: [{ name: entry.label.name, added: entry.body === '1' }] } : 'lost';
    case 'assignees':
      return entry.assignee ? { kind: 'assignee', at, login: entry.assignee.login, removed: entry.removed_assignee === true } : 'lost';
    case 'close':
    case 'reopen':
      return { kind: entry.type, at };
    case 'comment':
      return { kind: 'comment', at, login: entry.user?.login, email: entry.user?.email };
    case 'change_title':
      return { kind: 'title', at, from: entry.old_title ?? '', to: entry.new_title ?? '' };
    default:
      return null;
  }
}

export function timelineChanges(entries: readonly GiteaTimelineEntry[]): TimelineChanges {
  const changes: TimelineChange[] = [];
  let complete = true;
  let actionStart: { readonly at: number; readonly login: string | undefined } | undefined;
  for (const entry of inTimelineOrder(entries)) {
    const change = changeOf(entry);
    if (change === 'lost') complete = false;
    if (change === null || change === 'lost') continue;
    const previous = changes.at(-1);
    const login = entry.user?.login;
    if (change.kind === 'labels' && previous?.kind === 'labels' && actionStart && actionStart.login === login && change.at - actionStart.at <= SAME_ACTION_MS) {
      changes[changes.length - 1] = { kind: 'labels', at: change.at, edits: [...previous.edits, ...change.edits] };
      continue;
    }
    actionStart = { at: change.at, login };
    changes.push(change);
  }
  return { changes, complete };
}
