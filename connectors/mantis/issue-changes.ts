/**
 * The engine events an issue's fields and notes give, whoever tells them: the plugin's webhook
 * (./normalize.ts) or the REST API's history (./rest-timeline.ts). Reconciliation recognises the
 * events the bridge already has by type and content, so both paths must build them here.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Priority } from '../../src/domain/priority.js';
import { environmentFrom, isAgent, isPausedStatus, isResolvedStatus, priorityFrom, type TrackerUser } from '../shared/source-rules.js';
import { mantisSettings } from './source-settings.js';

/** A MantisBT enum value: the number stored and its English name (not the localized label). */
export interface MantisEnumValue {
  readonly id: number;
  readonly name: string;
}

/** The fields of an issue the SLA clock reads, at one moment. */
export interface MantisFields {
  readonly project: { readonly id: number; readonly name: string };
  /** The category's name; null for none. */
  readonly category: string | null;
  readonly status: MantisEnumValue;
  readonly priority: MantisEnumValue;
  readonly severity: MantisEnumValue;
  readonly handler: { readonly id: number; readonly name: string } | null;
  readonly tags: readonly string[];
  /** By field name: a date field holds epoch seconds, a list `a|b`. */
  readonly custom_fields: Readonly<Record<string, string | null>>;
}

/** The fields before a change: tags, custom fields and category are left out when not known. */
export type MantisFieldsBefore = Omit<MantisFields, 'category' | 'tags' | 'custom_fields'> & {
  readonly category?: string | null | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly custom_fields?: Readonly<Record<string, string | null>> | undefined;
};

type PriorityFields = Pick<MantisFields, 'priority' | 'severity'> & { readonly custom_fields?: MantisFields['custom_fields'] | undefined };

export function createdEvent(source: Source, issue: MantisFields & { readonly summary: string }, at: number, synthetic: boolean): IssueEvent {
  return {
    type: 'created',
    at,
    project: issue.project.name,
    component: issue.category || undefined,
    labels: [...issue.tags],
    environment: environmentOf(source, issue.tags, issue.custom_fields),
    priority: priorityOf(source, issue),
    status: issue.status.name,
    paused: isPausedStatus(source, issue.status.name),
    title: issue.summary,
    assignee: issue.handler?.name ?? null,
    synthetic,
    ...(source.watchedFields.size > 0 ? { fields: watchedValues(source, issue.custom_fields) } : {}),
  };
}

/** MantisBT keeps an unset field as "" (a date as "0" is left to field-instant.ts). */
const fieldValue = (value: string | null | undefined) => (value === undefined || value === null || value === '' ? null : value);

/** The source's watched fields by its names for them. */
function watchedValues(source: Source, customFields: Readonly<Record<string, string | null>>): Record<string, string | null> {
  return Object.fromEntries([...source.watchedFields].map(([name, field]) => [name, fieldValue(customFields[field])]));
}

/** The source names the field that holds the priority: `priority`, `severity` or a custom field. */
function priorityOf(source: Source, fields: PriorityFields): Priority {
  const { field } = source.priority;
  if (field === 'priority' || field === 'severity') return priorityFrom(source, [fields[field].name]);
  return priorityFrom(source, [fields.custom_fields?.[field]]);
}

function environmentOf(source: Source, tags: readonly string[], customFields: Readonly<Record<string, string | null>>): string | null {
  const field = source.environment.field;
  return environmentFrom(source, tags, field ? customFields[field] : undefined);
}

/**
 * The issue as a delivery shows it: the clock takes any difference from its log as a change at
 * `at`. MantisBT changes more than an event announces: a reporter's note on an issue in
 * `feedback` first moves it on (`reassign_on_feedback`, on by default), then raises
 * EVENT_BUGNOTE_ADD, whose payload then shows the new status.
 */
export function observedEvent(source: Source, issue: MantisFields, at: number): IssueEvent {
  const status = issue.status.name;
  return {
    type: 'observed',
    at,
    status,
    paused: isPausedStatus(source, status),
    resolved: isResolvedStatus(source, status),
    priority: priorityOf(source, issue),
    assignee: issue.handler?.name ?? null,
  };
}

/**
 * In the order a person would tell it: where the issue went, how urgent it became, who took it,
 * what state it is in now.
 */
export function changesBetween(source: Source, previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  return [
    ...moved(previous, issue, at),
    ...priorityChanged(source, previous, issue, at),
    ...assigned(previous, issue, at),
    ...statusChanged(source, previous, issue, at),
    ...environmentChanged(source, previous, issue, at),
    ...labelsChanged(previous, issue, at),
    ...watchedChanged(source, previous, issue, at),
  ];
}

function watchedChanged(source: Source, previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  const before = previous.custom_fields;
  if (!before) return [];
  return [...source.watchedFields]
    .filter(([, field]) => fieldValue(before[field]) !== fieldValue(issue.custom_fields[field]))
    .map(([name, field]) => ({ type: 'field_changed', at, field: name, value: fieldValue(issue.custom_fields[field]) }));
}

function moved(previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  // Contracts cover a project, optionally narrowed to a component (Mantis category).
  const categoryChanged = previous.category !== undefined && previous.category !== issue.category;
  if (previous.project.id === issue.project.id && !categoryChanged) return [];
  return [{ type: 'moved', at, project: issue.project.name, component: issue.category || undefined }];
}

/** Only a change of the mapped priority matters: urgent to immediate is P1 either way. */
function priorityChanged(source: Source, previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  const priority = priorityOf(source, issue);
  const before = priorityOf(source, { ...previous, custom_fields: previous.custom_fields ?? issue.custom_fields });
  return priority === before ? [] : [{ type: 'priority_changed', at, priority }];
}

function assigned(previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  if ((previous.handler?.id ?? 0) === (issue.handler?.id ?? 0)) return [];
  return [{ type: 'assigned', at, assignee: issue.handler?.name ?? null }];
}

function statusChanged(source: Source, previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  if (previous.status.id === issue.status.id) return [];
  const status = issue.status.name;
  const events: IssueEvent[] = [{ type: 'status_changed', at, status, paused: isPausedStatus(source, status) }];
  const wasResolved = isResolvedStatus(source, previous.status.name);
  const isResolved = isResolvedStatus(source, status);
  if (isResolved && !wasResolved) events.push({ type: 'resolved', at, status });
  if (wasResolved && !isResolved) events.push({ type: 'reopened', at, status });
  return events;
}

/** Tags and custom fields from before the save are optional; without them nothing is claimed. */
function environmentChanged(source: Source, previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  if (!previous.tags && !previous.custom_fields) return [];
  const environment = environmentOf(source, issue.tags, issue.custom_fields);
  const before = environmentOf(source, previous.tags ?? issue.tags, previous.custom_fields ?? issue.custom_fields);
  return environment === before ? [] : [{ type: 'environment_changed', at, environment }];
}

function labelsChanged(previous: MantisFieldsBefore, issue: MantisFields, at: number): IssueEvent[] {
  if (!previous.tags || sameSet(previous.tags, issue.tags)) return [];
  return [{ type: 'labels_changed', at, labels: [...issue.tags] }];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((item) => set.has(item));
}

/** A MantisBT user: `accessLevel` is the one in the issue's project, where known. */
export interface MantisUserFacts extends TrackerUser {
  readonly accessLevel?: number | null | undefined;
}

/** An agent by name or e-mail, or by access level in the issue's project (`agents.min_access_level`). */
export function isMantisAgent(source: Source, user: MantisUserFacts): boolean {
  const min = mantisSettings(source).minAccessLevel;
  return isAgent(source, user) || (min !== undefined && user.accessLevel != null && user.accessLevel >= min);
}

export interface MantisNoteFacts {
  readonly text: string;
  readonly public: boolean;
  /** null when the author is unknown, e.g. deleted from MantisBT. */
  readonly author: MantisUserFacts | null;
}

/** A note without text only books time: MantisBT itself sends no e-mail for it, and it answers no one. */
export function commentEvent(source: Source, note: MantisNoteFacts, at: number): IssueEvent[] {
  if (note.text.trim() === '') return [];
  const by = note.author && isMantisAgent(source, note.author) ? 'agent' : 'customer';
  return [{ type: 'commented', at, by, public: note.public }];
}
