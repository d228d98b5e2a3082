/**
 * From the plugin's payload to engine events. The payload carries the whole issue every time, so
 * every delivery starts with a synthetic `created`; the event's own changes follow, stamped with
 * the time the plugin saw them.
 */
import type { IssueRef, Normalized } from '../connector.js';
import { environmentFrom, isAgent, isPausedStatus, isResolvedStatus, priorityFrom } from '../shared/source-rules.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { Priority } from '../../src/domain/priority.js';
import type { MantisIssue, MantisNote, MantisPayload, MantisPrevious, MantisUser } from './payload-schema.js';

type Fields = Pick<MantisIssue, 'priority' | 'severity'> & { readonly custom_fields?: MantisIssue['custom_fields'] | undefined };

export function normalizeMantis(source: Source, payload: MantisPayload): Normalized {
  const { issue, timestamp: at } = payload;
  const events: IssueEvent[] = [createdFrom(source, issue, issue.created_at, true)];
  switch (payload.event) {
    case 'issue_reported':
      events.push(createdFrom(source, issue, at, false));
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

function createdFrom(source: Source, issue: MantisIssue, at: number, synthetic: boolean): IssueEvent {
  return {
    type: 'created',
    at,
    project: issue.project.name,
    component: issue.category || undefined,
    labels: issue.tags,
    environment: environmentOf(source, issue.tags, issue.custom_fields),
    priority: priorityOf(source, issue),
    status: issue.status.name,
    paused: isPausedStatus(source, issue.status.name),
    title: issue.summary,
    assignee: issue.handler?.name ?? null,
    synthetic,
  };
}

/** The source names the field that holds the priority: `priority`, `severity` or a custom field. */
function priorityOf(source: Source, fields: Fields): Priority {
  const { field } = source.priority;
  if (field === 'priority' || field === 'severity') return priorityFrom(source, [fields[field].name]);
  return priorityFrom(source, [fields.custom_fields?.[field]]);
}

function environmentOf(source: Source, tags: readonly string[], customFields: Record<string, string | null>): string | null {
  const field = source.environment.field;
  return environmentFrom(source, tags, field ? customFields[field] : undefined);
}

/**
 * In the order a person would tell it: where the issue went, how urgent it became, who took it,
 * what state it is in now.
 */
function changesBetween(source: Source, previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
  return [
    ...moved(previous, issue, at),
    ...priorityChanged(source, previous, issue, at),
    ...assigned(previous, issue, at),
    ...statusChanged(source, previous, issue, at),
    ...environmentChanged(source, previous, issue, at),
    ...labelsChanged(previous, issue, at),
  ];
}

function moved(previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
  // Contracts cover a project, optionally narrowed to a component (Mantis category).
  const categoryChanged = previous.category !== undefined && previous.category !== issue.category;
  if (previous.project.id === issue.project.id && !categoryChanged) return [];
  return [{ type: 'moved', at, project: issue.project.name, component: issue.category || undefined }];
}

/** Only a change of the mapped priority matters: urgent to immediate is P1 either way. */
function priorityChanged(source: Source, previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
  const priority = priorityOf(source, issue);
  const before = priorityOf(source, { ...previous, custom_fields: previous.custom_fields ?? issue.custom_fields });
  return priority === before ? [] : [{ type: 'priority_changed', at, priority }];
}

function assigned(previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
  if ((previous.handler?.id ?? 0) === (issue.handler?.id ?? 0)) return [];
  return [{ type: 'assigned', at, assignee: issue.handler?.name ?? null }];
}

function statusChanged(source: Source, previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
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
function environmentChanged(source: Source, previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
  if (!previous.tags && !previous.custom_fields) return [];
  const environment = environmentOf(source, issue.tags, issue.custom_fields);
  const before = environmentOf(source, previous.tags ?? issue.tags, previous.custom_fields ?? issue.custom_fields);
  return environment === before ? [] : [{ type: 'environment_changed', at, environment }];
}

function labelsChanged(previous: MantisPrevious, issue: MantisIssue, at: number): IssueEvent[] {
  if (!previous.tags || sameSet(previous.tags, issue.tags)) return [];
  return [{ type: 'labels_changed', at, labels: issue.tags }];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((item) => set.has(item));
}

/** A note without text only books time: MantisBT itself sends no e-mail for it, and it answers no one. */
function commentFrom(source: Source, note: MantisNote, at: number): IssueEvent[] {
  if (note.text.trim() === '') return [];
  const by = note.reporter && isAgent(source, agentFacts(note.reporter)) ? 'agent' : 'customer';
  return [{ type: 'commented', at, by, public: note.view_state === 'public' }];
}

function agentFacts(user: MantisUser) {
  return { names: [user.name, user.real_name], email: user.email, accessLevel: user.access_level };
}
