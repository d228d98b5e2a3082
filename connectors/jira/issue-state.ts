/**
 * What the SLA clock needs to know of a Jira issue at one moment, and how it stood before the
 * changes of one delivery: a webhook carries the issue as it is after the change, and its changelog
 * says what each changed field was before.
 */
import type { Source } from '../../src/config/source.js';
import type { Priority } from '../../src/domain/priority.js';
import { environmentFrom, priorityFrom } from '../shared/source-rules.js';
import type { JiraChangelogItem, JiraIssueFields, JiraUser } from './payload-schema.js';

export interface IssueState {
  readonly project: string;
  readonly components: readonly string[];
  readonly labels: readonly string[];
  /** The source's priority field as Jira shows it (e.g. "Highest"); unused when priority comes from labels. */
  readonly priorityValue: string | null;
  /** The source's environment field, if it configures one. */
  readonly environmentValue: string | null;
  readonly status: string;
  readonly assignee: string | null;
  /** The source's watched custom fields, by its names for them (`watched_fields`). */
  readonly fields: Readonly<Record<string, string | null>>;
}

/** The changelog uses the display name, so the issue's assignee is named the same way. */
export function userName(user: JiraUser | null | undefined): string | null {
  return user?.displayName ?? user?.name ?? user?.accountId ?? null;
}

/** A field's value as text: a plain string, or a select option's `value` or `name`. */
function fieldText(fields: JiraIssueFields, name: string): string | null {
  const value = fields[name];
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return null;
  const option = value as { value?: unknown; name?: unknown };
  if (typeof option.value === 'string') return option.value;
  return typeof option.name === 'string' ? option.name : null;
}

/** A watched field's value as text: options by their value, several joined by `|`, a user by name. */
function watchedText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const texts = value.map(watchedText).filter((text): text is string => text !== null);
    return texts.length > 0 ? texts.join('|') : null;
  }
  const object = value as { value?: unknown; name?: unknown; displayName?: unknown };
  for (const key of ['value', 'name', 'displayName'] as const) if (typeof object[key] === 'string') return object[key];
  return null;
}

function watchedFields(source: Source, fields: JiraIssueFields): Record<string, string | null> {
  return Object.fromEntries([...source.watchedFields].map(([name, id]) => [name, watchedText(fields[id])]));
}

/**
 * A changelog item's value on one side as the issue's field would show it: a date or date-time
 * in its machine form (`to`, e.g. 2026-12-01T10:00:00+0100), anything else as displayed (`toString`:
 * an option's value, where `to` holds its id).
 */
export function itemValue(item: JiraChangelogItem, side: 'from' | 'to'): string | null {
  const raw = item[side];
  const shown = side === 'from' ? item.fromString : item.toString;
  if (raw && /^\d{4}-\d{2}-\d{2}/.test(raw)) return raw;
  return shown ?? raw ?? null;
}

/** The source's name for the watched field the item changed, if any. */
export function watchedFieldOf(source: Source, item: JiraChangelogItem): string | undefined {
  for (const [name, id] of source.watchedFields) if (changes(item, id)) return name;
  return undefined;
}

/** undefined when the payload's issue is trimmed (a Cloud comment event) and lacks project or status. */
export function currentState(source: Source, fields: JiraIssueFields): IssueState | undefined {
  if (!fields.project || !fields.status) return undefined;
  return {
    project: fields.project.key,
    components: (fields.components ?? []).map((component) => component.name),
    labels: fields.labels ?? [],
    priorityValue: fieldText(fields, source.priority.field),
    environmentValue: source.environment.field ? fieldText(fields, source.environment.field) : null,
    status: fields.status.name,
    assignee: userName(fields.assignee),
    fields: watchedFields(source, fields),
  };
}

const prioritiesFromLabels = (source: Source) => source.priority.field.toLowerCase() === 'labels';

export function priorityOf(source: Source, state: IssueState): Priority {
  return priorityFrom(source, prioritiesFromLabels(source) ? state.labels : [state.priorityValue]);
}

export function environmentOf(source: Source, state: IssueState): string | null {
  return environmentFrom(source, state.labels, state.environmentValue);
}

/**
 * Which field a changelog item changed. System fields carry their id in `fieldId`; older Data
 * Center payloads and the move items (`Key`, `Component`) only name the field.
 */
const FIELD_ALIASES = new Map([
  ['component', 'components'],
  ['issuekey', 'key'],
]);

export function changedField(item: JiraChangelogItem): string {
  const name = (item.fieldId ?? item.field).toLowerCase();
  return FIELD_ALIASES.get(name) ?? name;
}

/** Whether the item changed the configured field, given by id (customfield_10050) or by name. */
export function changes(item: JiraChangelogItem, configured: string | undefined): boolean {
  const wanted = configured?.toLowerCase();
  return wanted !== undefined && (item.fieldId?.toLowerCase() === wanted || item.field.toLowerCase() === wanted);
}

/** Jira writes a labels change as the whole space-separated list before and after. */
export const labelList = (text: string | null): string[] => (text ?? '').split(/\s+/).filter((label) => label !== '');

/** `SUP-7` → `SUP`: only the issue key's change tells the old project's key (`project` gives its name). */
const projectOfKey = (key: string | null) => (key && key.includes('-') ? key.slice(0, key.lastIndexOf('-')) : undefined);

function undoItem(source: Source, state: IssueState, item: JiraChangelogItem): IssueState {
  switch (changedField(item)) {
    case 'status':
      return item.fromString ? { ...state, status: item.fromString } : state;
    case 'assignee':
      return { ...state, assignee: item.fromString ?? item.from };
    case 'labels':
      return { ...state, labels: labelList(item.fromString) };
    case 'key':
      return { ...state, project: projectOfKey(item.fromString) ?? state.project };
    case 'components': {
      // One item per component added (`to`) or removed (`from`).
      const kept = state.components.filter((component) => component !== item.toString);
      return { ...state, components: item.fromString ? [...kept, item.fromString] : kept };
    }
  }
  const watched = watchedFieldOf(source, item);
  if (watched !== undefined) return { ...state, fields: { ...state.fields, [watched]: itemValue(item, 'from') } };
  if (changes(item, source.priority.field)) return { ...state, priorityValue: item.fromString };
  if (changes(item, source.environment.field)) return { ...state, environmentValue: item.fromString };
  return state;
}

/** The issue as it stood before the changelog's items, last change undone first. */
export function stateBefore(source: Source, after: IssueState, items: readonly JiraChangelogItem[]): IssueState {
  return items.reduceRight((state, item) => undoItem(source, state, item), after);
}
