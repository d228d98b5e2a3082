/**
 * What the clock knows of an issue at a point of its history (project, priority, status, assignee,
 * fields...), and how each event changes it: shared by the SLA clock and everything else that folds
 * an issue's events (availability, obligations, hours, the explanation, history compaction).
 */
import type { Instant } from './business-calendar.js';
import type { IssueEvent } from './issue-event.js';
import type { Priority } from './priority.js';

/** What the clock knows of an issue at a point of its history: every field an event can set. */
export interface IssueFacts {
  createdAt: Instant;
  project: string;
  component: string | undefined;
  labels: readonly string[];
  environment: string | null;
  requested: Priority;
  status: string;
  statusPaused: boolean;
  assignee: string | null;
  resolved: boolean;
  deleted: boolean;
  /** The watched custom fields by the source's name for them (field_changed). */
  fields: Readonly<Record<string, string | null>>;
}

export function applyFacts(facts: IssueFacts, event: IssueEvent): void {
  switch (event.type) {
    case 'created':
      Object.assign(facts, {
        createdAt: event.at,
        project: event.project,
        component: event.component,
        labels: event.labels,
        environment: event.environment,
        requested: event.priority,
        status: event.status,
        statusPaused: event.paused,
        assignee: event.assignee,
        fields: event.fields ?? {},
      });
      return;
    case 'priority_changed':
      facts.requested = event.priority;
      return;
    case 'status_changed':
      facts.status = event.status;
      facts.statusPaused = event.paused;
      return;
    case 'resolved':
      facts.resolved = true;
      if (event.status) facts.status = event.status;
      return;
    case 'reopened':
      facts.resolved = false;
      if (event.status) facts.status = event.status;
      return;
    case 'moved':
      facts.project = event.project;
      facts.component = event.component;
      return;
    case 'deleted':
      facts.deleted = true;
      return;
    case 'environment_changed':
      facts.environment = event.environment;
      return;
    case 'labels_changed':
      facts.labels = event.labels;
      return;
    case 'field_changed':
      facts.fields = { ...facts.fields, [event.field]: event.value };
      return;
    case 'assigned':
      facts.assignee = event.assignee;
      return;
    case 'observed':
      if (event.status !== undefined) Object.assign(facts, { status: event.status, statusPaused: event.paused ?? false });
      if (event.resolved !== undefined) facts.resolved = event.resolved;
      if (event.priority !== undefined) facts.requested = event.priority;
      if (event.assignee !== undefined) facts.assignee = event.assignee;
      return;
    case 'commented':
      return;
    case 'time_logged':
      return;
  }
}

type CreatedEvent = Extract<IssueEvent, { type: 'created' }>;

/** The created event that counts, of events in their own time order: the first real one, else the first synthetic one. */
export function chosenCreated(ordered: readonly IssueEvent[]): CreatedEvent | undefined {
  const createdEvents = ordered.filter((event): event is CreatedEvent => event.type === 'created');
  return createdEvents.find((event) => !event.synthetic) ?? createdEvents[0];
}

/** The facts right after `created`, before any other event. */
export function initialFacts(created: CreatedEvent): IssueFacts {
  return {
    createdAt: created.at,
    project: created.project,
    component: created.component,
    labels: created.labels,
    environment: created.environment,
    requested: created.priority,
    status: created.status,
    statusPaused: created.paused,
    assignee: created.assignee,
    resolved: false,
    deleted: false,
    fields: created.fields ?? {},
  };
}
