/**
 * An issue's fields through time, rebuilt from the REST API's current fields and history: walking
 * the history newest first and undoing each change gives the fields before it, back to creation.
 * The changes then become the events the plugin's `issue_updated` would have given for them.
 *
 * One save in MantisBT writes one history row per changed field, all stamped with the same second
 * by the same user (core/bug_api.php, BugData::update), and fires one EVENT_UPDATE_BUG: rows of one
 * second and one user are one save, told by `changesBetween` as the webhook path tells it.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { changesBetween, type MantisFields } from './issue-changes.js';
import { historyChange, trackedCustomFields, userName, type HistoryChange } from './rest-history-values.js';
import type { RestIssue, RestNote } from './rest-schema.js';

export type IssueFields = MantisFields & { readonly summary: string };

export interface IssueTimeline {
  /** False when the REST answer had no history (the token's user is below `view_history_threshold`). */
  readonly rebuilt: boolean;
  /** The fields as the plugin's `issue_reported` would have sent them. */
  readonly creation: IssueFields;
  /** The field changes after the creation, each at its history row's time. */
  readonly changes: readonly IssueEvent[];
  /** The fields in force at `at`. */
  fieldsAt(at: number): IssueFields;
  /** A note's view state when it was added: changing it later writes a history row. */
  notePublicAtCreation(note: RestNote): boolean;
}

/**
 * Reporting an issue writes its rows right after `issue-new`, by the reporter, before the plugin
 * reads the issue for `issue_reported`: the status it was assigned and its handler (BugData::create
 * logs `status`, then `handler_id`, each once) and the tags (IssueAddCommand). Custom fields are set
 * without a history row. Nothing else: only rows of these kinds count as the creation, and the
 * first other row is a change, however soon it came (a REST client that creates and patches at
 * once, in the same second, with the same token).
 */
const CREATION_WINDOW_MS = 2_000;

/** How many rows from `first` the creation wrote. */
function creationRows(rows: readonly Row[], first: number, createdAt: number, reporterId: number | undefined): number {
  let end = first;
  const seen = new Set<string>();
  for (; end < rows.length; end += 1) {
    const row = rows[end]!;
    if (row.at - createdAt > CREATION_WINDOW_MS || (reporterId !== undefined && row.userId !== reporterId)) break;
    const kind = row.change?.kind;
    // Rows the timeline does not read (files, monitors, relationships) are neither.
    if (kind === undefined || kind === 'tag_added') continue;
    // The creation logs the status before the handler, and each once.
    if ((kind !== 'status' && kind !== 'handler') || seen.has(kind) || (kind === 'status' && seen.has('handler'))) break;
    seen.add(kind);
  }
  // An update logs the handler before the status: a handler row followed by a status row of the
  // same save is an assignment after the creation, not the creation's own.
  const last = rows[end - 1];
  if (end > first && last?.change?.kind === 'handler' && rows[end]?.change?.kind === 'status' && rows[end]!.at === last.at && rows[end]!.userId === last.userId) end -= 1;
  return end;
}

interface Row {
  readonly at: number;
  readonly userId: number | undefined;
  readonly newIssue: boolean;
  readonly change: HistoryChange | undefined;
}

export function issueTimeline(source: Source, issue: RestIssue, projectNames: ReadonlyMap<number, string>): IssueTimeline {
  const current = currentFields(source, issue);
  const what = `mantis ${source.id}: issue ${issue.id} history`;
  const rows: Row[] = chronological(
    (issue.history ?? []).map((entry, index) => ({
      at: entry.created_at,
      userId: entry.user?.id,
      newIssue: entry.type.name === 'issue-new',
      change: historyChange(source, entry, `${what}[${index}]`),
    })),
  );
  const noCategory = noCategoryNames(issue, rows);
  const undo = (after: IssueFields, change: HistoryChange | undefined) => (change ? undone(after, change, projectNames, noCategory) : after);

  // states[i] holds the fields before rows[i]; states[rows.length] the current ones.
  const states: IssueFields[] = [];
  states[rows.length] = current;
  for (let index = rows.length - 1; index >= 0; index -= 1) states[index] = undo(states[index + 1]!, rows[index]!.change);

  const newIssue = rows.findIndex((row) => row.newIssue);
  const reporterId = rows[newIssue]?.userId;
  // Rows before `issue-new` (a migrated issue) are not changes either.
  const first = creationRows(rows, newIssue + 1, issue.created_at, reporterId);

  const changes: IssueEvent[] = [];
  for (const { from, to, at } of saves(rows, first)) changes.push(...changesBetween(source, states[from]!, states[to]!, at));

  return {
    rebuilt: issue.history !== undefined,
    creation: states[first]!,
    changes,
    fieldsAt: (at) => {
      let index = first;
      while (index < rows.length && rows[index]!.at <= at) index += 1;
      return states[index]!;
    },
    notePublicAtCreation: (note) => {
      const firstChange = rows.find((row) => row.change?.kind === 'note_view_state' && row.change.note === note.id)?.change;
      // Notes are public or private, nothing else: before the first change it was the other one.
      if (firstChange?.kind === 'note_view_state') return !firstChange.nowPublic;
      return note.view_state.name === 'public';
    },
  };
}

/** The issue's fields now; the source's custom fields only, as the plugin's names hold them. */
export function currentFields(source: Source, issue: RestIssue): IssueFields {
  const tracked = trackedCustomFields(source);
  const customFields: Record<string, string | null> = {};
  for (const { field, value } of issue.custom_fields ?? []) if (tracked.has(field.name)) customFields[field.name] = value;
  return {
    project: { id: issue.project.id, name: issue.project.name },
    category: issue.category?.name || null,
    status: { id: issue.status.id, name: issue.status.name },
    priority: { id: issue.priority.id, name: issue.priority.name },
    severity: { id: issue.severity.id, name: issue.severity.name },
    handler: issue.handler && issue.handler.id !== 0 ? { id: issue.handler.id, name: userName(issue.handler) } : null,
    summary: issue.summary,
    tags: sortedTags((issue.tags ?? []).map((tag) => tag.name)),
    custom_fields: customFields,
  };
}

/** The projects the issue was in before, by id: their names are not in the history. */
export function earlierProjects(source: Source, issue: RestIssue): number[] {
  const ids = new Set<number>();
  (issue.history ?? []).forEach((entry, index) => {
    const change = historyChange(source, entry, `mantis ${source.id}: issue ${issue.id} history[${index}]`);
    if (change?.kind === 'project' && change.before !== issue.project.id) ids.add(change.before);
  });
  return [...ids];
}

/**
 * Oldest first, whatever `history_order` says; rows of one second keep the order they were
 * written in, which MantisBT gives as its second sort key.
 */
function chronological(rows: readonly Row[]): Row[] {
  const newIssueLast = rows.length > 1 && rows.at(-1)!.newIssue && !rows[0]!.newIssue;
  const descending = newIssueLast || (rows.length > 1 && rows[0]!.at > rows.at(-1)!.at);
  const ordered = descending ? [...rows].reverse() : [...rows];
  return ordered.map((row, index) => ({ row, index })).sort((a, b) => a.row.at - b.row.at || a.index - b.index).map(({ row }) => row);
}

/**
 * The saves after the creation, as ranges of states: rows of one second and one user together. A
 * renamed tag is renamed on every issue at once and sends no webhook, so it is no save; neither is
 * a note's view state, which the note's own event carries.
 */
function saves(rows: readonly Row[], first: number): { from: number; to: number; at: number }[] {
  const result: { from: number; to: number; at: number }[] = [];
  let open: { from: number; to: number; at: number; userId: number | undefined } | undefined;
  for (let index = first; index < rows.length; index += 1) {
    const row = rows[index]!;
    const kind = row.change?.kind;
    if (kind === undefined || kind === 'tag_renamed' || kind === 'note_view_state') continue;
    if (open && open.at === row.at && open.userId === row.userId) {
      open.to = index + 1;
      continue;
    }
    open = { from: index, to: index + 1, at: row.at, userId: row.userId };
    result.push(open);
  }
  return result.map(({ from, to, at }) => ({ from, to, at }));
}

function undone(after: IssueFields, change: HistoryChange, projectNames: ReadonlyMap<number, string>, noCategory: (name: string) => boolean): IssueFields {
  switch (change.kind) {
    case 'status':
    case 'priority':
    case 'severity':
      return { ...after, [change.kind]: change.before };
    case 'handler':
      return { ...after, handler: change.before };
    case 'category':
      return { ...after, category: noCategory(change.before) ? null : change.before };
    case 'project':
      // MantisBT itself shows a project it no longer knows as @id@.
      return { ...after, project: { id: change.before, name: projectNames.get(change.before) ?? `@${change.before}@` } };
    case 'summary':
      return { ...after, summary: change.before };
    case 'custom_field':
      return { ...after, custom_fields: { ...after.custom_fields, [change.field]: change.before } };
    case 'tag_added':
      return { ...after, tags: after.tags.filter((tag) => tag !== change.tag) };
    case 'tag_removed':
      return { ...after, tags: sortedTags([...after.tags.filter((tag) => tag !== change.tag), change.tag]) };
    case 'tag_renamed':
      return { ...after, tags: sortedTags(after.tags.map((tag) => (tag === change.to ? change.from : tag))) };
    case 'note_view_state':
      return after;
  }
}

/**
 * Whether a category name in the history means "no category": MantisBT writes its `no_category`
 * text in the saving user's language, in parentheses in all but two of its languages. The last
 * change of an issue without a category names that text as its new value, whatever the language.
 */
function noCategoryNames(issue: RestIssue, rows: readonly Row[]): (name: string) => boolean {
  const known = new Set<string>(['']);
  const last = rows.findLast((row) => row.change?.kind === 'category')?.change;
  if (!issue.category?.name && last?.kind === 'category') known.add(last.after);
  return (name) => known.has(name) || /^[(（].*[)）]$/u.test(name);
}

/** As MantisBT lists an issue's tags (tag_bug_get_attached): by name, ignoring ASCII case. */
export function sortedTags(tags: readonly string[]): string[] {
  const key = (tag: string) => Buffer.from(tag.replace(/[A-Z]/g, (letter) => letter.toLowerCase()), 'utf8');
  return [...tags].sort((a, b) => Buffer.compare(key(a), key(b)));
}
