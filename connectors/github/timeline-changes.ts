/**
 * An issue's timeline entries as the changes they stand for. GitHub writes one `labeled` or
 * `unlabeled` entry per label, and sends one webhook per label too, but a webhook shows the labels
 * as they are after the whole edit (the sidebar applies the set at once). Entries of one actor
 * within a second are taken as one change, or the reader would restate a state no webhook showed.
 */
import type { GithubTimelineEntry } from './rest-schema.js';
import { epochMs } from './issue-facts.js';
import { spentSeconds } from '../../src/domain/spent-note.js';

export interface LabelEdit {
  readonly name: string;
  readonly added: boolean;
}

export type TimelineChange =
  | { readonly kind: 'labels'; readonly at: number; readonly edits: readonly LabelEdit[] }
  | { readonly kind: 'assignee'; readonly at: number; readonly login: string; readonly removed: boolean }
  | { readonly kind: 'close' | 'reopen'; readonly at: number }
  | {
      readonly kind: 'comment';
      readonly at: number;
      readonly login: string | undefined;
      readonly association: string | null | undefined;
      /** The comment's id and the time its `/spent` line says, with when it last changed (an edit rebooks). */
      readonly id?: number | undefined;
      readonly spent?: { readonly seconds: number; readonly at: number } | undefined;
    }
  | { readonly kind: 'title'; readonly at: number; readonly from: string; readonly to: string };

export interface TimelineChanges {
  readonly changes: readonly TimelineChange[];
  /** False when an entry lost what it changed, so earlier states are a guess. */
  readonly complete: boolean;
}

const SAME_ACTION_MS = 1_000;

function spentOf(entry: GithubTimelineEntry, at: number): { seconds: number; at: number } | undefined {
  const seconds = spentSeconds(entry.body ?? '');
  return seconds === undefined ? undefined : { seconds, at: entry.updated_at ? epochMs(entry.updated_at) : at };
}

/** One entry's change; null for entries that change nothing the SLA reads (milestones, references, subscriptions…). */
function changeOf(entry: GithubTimelineEntry, at: number): TimelineChange | 'lost' | null {
  switch (entry.event) {
    case 'labeled':
    case 'unlabeled':
      return entry.label ? { kind: 'labels', at, edits: [{ name: entry.label.name, added: entry.event === 'labeled' }] } : 'lost';
    case 'assigned':
    case 'unassigned':
      return entry.assignee ? { kind: 'assignee', at, login: entry.assignee.login, removed: entry.event === 'unassigned' } : 'lost';
    case 'closed':
      return { kind: 'close', at };
    case 'reopened':
      return { kind: 'reopen', at };
    case 'commented':
      return { kind: 'comment', at, login: (entry.user ?? entry.actor)?.login, association: entry.author_association, id: entry.id ?? undefined, spent: spentOf(entry, at) };
    case 'renamed':
      return { kind: 'title', at, from: entry.rename?.from ?? '', to: entry.rename?.to ?? '' };
    default:
      return null;
  }
}

/** Oldest first; the API lists them so, and entries of one second keep their listed order. */
const inTimelineOrder = (entries: readonly GithubTimelineEntry[]) =>
  entries
    .map((entry, index) => ({ entry, index, at: entry.created_at ? epochMs(entry.created_at) : undefined }))
    .filter((item): item is { entry: GithubTimelineEntry; index: number; at: number } => item.at !== undefined)
    .sort((a, b) => a.at - b.at || a.index - b.index);

export function timelineChanges(entries: readonly GithubTimelineEntry[]): TimelineChanges {
  const changes: TimelineChange[] = [];
  let complete = true;
  let actionStart: { readonly at: number; readonly login: string | undefined } | undefined;
  for (const { entry, at } of inTimelineOrder(entries)) {
    const change = changeOf(entry, at);
    if (change === 'lost') complete = false;
    if (change === null || change === 'lost') continue;
    const previous = changes.at(-1);
    const login = entry.actor?.login;
    if (change.kind === 'labels' && previous?.kind === 'labels' && actionStart && actionStart.login === login && change.at - actionStart.at <= SAME_ACTION_MS) {
      changes[changes.length - 1] = { kind: 'labels', at: change.at, edits: [...previous.edits, ...change.edits] };
      continue;
    }
    actionStart = { at: change.at, login };
    changes.push(change);
  }
  return { changes, complete };
}
