/** The engine events of a `jira:issue_updated` changelog. */
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { isPausedStatus, isResolvedStatus } from '../shared/source-rules.js';
import { changedField, environmentOf, itemValue, labelList, priorityOf, watchedFieldOf, type IssueState } from './issue-state.js';
import type { JiraChangelogItem } from './payload-schema.js';

/**
 * Resolved and reopened follow the source's `statuses.resolved` only, not Jira's status category:
 * the changelog does not say the old status's category, so a reopen could not be told, and a
 * category-based rule would override what the source's configuration says.
 */
function statusEvents(source: Source, at: number, item: JiraChangelogItem): IssueEvent[] {
  const status = item.toString;
  if (!status) return [];
  const events: IssueEvent[] = [{ type: 'status_changed', at, status, paused: isPausedStatus(source, status) }];
  const wasResolved = item.fromString !== null && isResolvedStatus(source, item.fromString);
  const isResolved = isResolvedStatus(source, status);
  if (isResolved && !wasResolved) events.push({ type: 'resolved', at, status });
  if (wasResolved && !isResolved) events.push({ type: 'reopened', at, status });
  return events;
}

function itemEvents(source: Source, at: number, item: JiraChangelogItem): IssueEvent[] {
  switch (changedField(item)) {
    case 'status':
      return statusEvents(source, at, item);
    case 'assignee':
      return [{ type: 'assigned', at, assignee: item.toString ?? item.to }];
    case 'labels':
      return [{ type: 'labels_changed', at, labels: labelList(item.toString) }];
    default: {
      const field = watchedFieldOf(source, item);
      return field === undefined ? [] : [{ type: 'field_changed', at, field, value: itemValue(item, 'to') }];
    }
  }
}

const MOVING_FIELDS = new Set(['project', 'key', 'components']);

/** One `moved` however many of project, key and components changed: it states where the issue is now. */
function movedEvents(at: number, items: readonly JiraChangelogItem[], after: IssueState | undefined): IssueEvent[] {
  if (!after || !items.some((item) => MOVING_FIELDS.has(changedField(item)))) return [];
  return [{ type: 'moved', at, project: after.project, component: after.components[0] }];
}

/**
 * Priority and environment are derived (from the priority field or labels, from the environment
 * field or labels), so they are compared before and after rather than read off one item.
 */
function derivedEvents(source: Source, at: number, before: IssueState | undefined, after: IssueState | undefined): IssueEvent[] {
  if (!before || !after) return [];
  const events: IssueEvent[] = [];
  const priority = priorityOf(source, after);
  if (priority !== priorityOf(source, before)) events.push({ type: 'priority_changed', at, priority });
  const environment = environmentOf(source, after);
  if (environment !== environmentOf(source, before)) events.push({ type: 'environment_changed', at, environment });
  return events;
}

export interface Change {
  readonly at: number;
  readonly items: readonly JiraChangelogItem[];
  readonly before: IssueState | undefined;
  readonly after: IssueState | undefined;
}

export function changelogEvents(source: Source, { at, items, before, after }: Change): IssueEvent[] {
  return [
    ...items.flatMap((item) => itemEvents(source, at, item)),
    ...movedEvents(at, items, after),
    ...derivedEvents(source, at, before, after),
  ];
}
