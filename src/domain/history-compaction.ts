/**
 * Retention's question: which events of an issue's log can go without changing what the SLA clock
 * makes of it? Logs only grow: every delivery adds the issue as it showed it (`observed`), a
 * replayed delivery or a late retry adds its events again, customers' comments count for nothing.
 *
 * An event stays when it changes a fact the clock folds (status, pause, priority, environment,
 * assignee, project, labels, resolved, deleted, a watched custom field), or when it could meet a metric or undo a meeting
 * without changing a fact: a public agent comment, an explicit `resolved` or `reopened`. Of those,
 * one that follows a kept event of its own kind with no fact changed in between goes: whatever it
 * could meet was met by its twin, and nothing started since (a metric starts at creation or at a
 * meeting, and every event that meets something is kept). So what stays does not depend on the contract: the compacted log gives
 * the same state as the whole one under any contract, at any `now`, and after any later event
 * (a reopen, a comment, a priority change) that is not older than the log's last one.
 *
 * The compacted log is a subsequence of the original in the clock's order, so applying it twice
 * changes nothing, and an original event told again later (a reconciliation reaching back) is
 * again the restatement it was.
 */
import type { Instant } from './business-calendar.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import { applyFacts, chosenCreated, initialFacts, type IssueFacts } from './issue-facts.js';
import { decisiveTimeEvents } from './time-record.js';

type Meeting = 'agent-comment' | 'resolved' | 'reopened';

const FACT_KEYS = ['createdAt', 'project', 'component', 'labels', 'environment', 'requested', 'status', 'statusPaused', 'assignee', 'resolved', 'deleted'] as const satisfies readonly (keyof IssueFacts)[];

function sameFields(a: IssueFacts['fields'], b: IssueFacts['fields']): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => (a[name] ?? null) === (b[name] ?? null));
}

function sameFacts(a: IssueFacts, b: IssueFacts): boolean {
  if (!sameFields(a.fields, b.fields)) return false;
  return FACT_KEYS.every((key) => {
    const [x, y] = [a[key], b[key]];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((value, index) => value === y[index]);
    return x === y;
  });
}

/**
 * The meeting an event makes besides the facts it sets: an agent's public comment, resolving or
 * reopening (explicitly, or seen by an `observed` one). A later event of the same kind with no fact
 * changed in between can meet nothing this one did not.
 */
function meetingOf(event: IssueEvent, before: IssueFacts, after: IssueFacts): Meeting | undefined {
  if (event.type === 'commented') return event.by === 'agent' && event.public ? 'agent-comment' : undefined;
  if (event.type === 'resolved' || event.type === 'reopened') return event.type;
  if (event.type === 'observed' && !before.resolved && after.resolved) return 'resolved';
  if (event.type === 'observed' && before.resolved && !after.resolved) return 'reopened';
  return undefined;
}

/** The events the clock needs, in its order (the counting created event first); the log as it is when it has no created event. */
export function compactHistory(events: readonly IssueEvent[]): IssueEvent[] {
  const ordered = inEventOrder(events);
  const created = chosenCreated(ordered);
  if (!created) return [...events];
  const facts = initialFacts(created);
  const kept: IssueEvent[] = [created];
  const decisive = decisiveTimeEvents(ordered);
  let lastKept: Meeting | 'fact' = 'fact';
  for (const event of ordered) {
    if (event.type === 'created') continue;
    // Booked time is billed from the log: what decides each record stays (time-record.ts).
    if (event.type === 'time_logged') {
      if (decisive.has(event)) kept.push(event);
      continue;
    }
    const before = { ...facts };
    applyFacts(facts, event);
    const meeting = meetingOf(event, before, facts);
    // A comment with a sign-off keyword may be the customer's confirmation (signoff-rule.ts).
    if (event.type === 'commented' && (event.keywords?.length ?? 0) > 0) {
      kept.push(event);
      continue;
    }
    if (!sameFacts(before, facts)) {
      kept.push(event);
      lastKept = meeting ?? 'fact';
      continue;
    }
    if (meeting !== undefined && meeting !== lastKept) {
      kept.push(event);
      lastKept = meeting;
    }
  }
  return kept;
}

/**
 * Since when a resolved or deleted issue has been quiet: the time of its latest event. Undefined
 * while it is open or has no created event.
 */
export function closedSince(events: readonly IssueEvent[]): Instant | undefined {
  const ordered = inEventOrder(events);
  const created = chosenCreated(ordered);
  if (!created) return undefined;
  const facts = initialFacts(created);
  for (const event of ordered) if (event.type !== 'created') applyFacts(facts, event);
  if (!facts.resolved && !facts.deleted) return undefined;
  return ordered.reduce((latest, event) => Math.max(latest, event.at), created.at);
}
