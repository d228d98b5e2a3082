/**
 * Time booked on an issue, as the trackers record it: Jira worklogs, MantisBT note time tracking,
 * Gitea/Forgejo tracked times, GitLab's time spent, a `/spent` note where a tracker has none. Each
 * record has an id that is stable within its issue; a later event about the same id replaces the
 * earlier one (an edited worklog), `seconds: 0` takes it back (a deleted one).
 */
import { inEventOrder, type IssueEvent } from './issue-event.js';

export interface TimeRecord {
  readonly recordId: string;
  readonly seconds: number;
  /** Who booked it (tracker login, account id or name), null when the tracker does not say. */
  readonly author: string | null;
  /** When it was first booked. */
  readonly at: number;
  /** When it was last changed. */
  readonly changedAt: number;
}

/** Time records in the clock's order (issue-event.ts `inEventOrder`), the only order they are read in. */
function timeEvents(events: readonly IssueEvent[]): (IssueEvent & { type: 'time_logged' })[] {
  return inEventOrder(events).filter((event): event is IssueEvent & { type: 'time_logged' } => event.type === 'time_logged');
}

/**
 * The issue's records as they stand after its log: the latest word per record id gives the time,
 * the first one when it was booked, the first that names a person who booked it.
 */
export function currentTimeRecords(events: readonly IssueEvent[]): TimeRecord[] {
  const records = new Map<string, TimeRecord>();
  for (const event of timeEvents(events)) {
    const before = records.get(event.recordId);
    records.set(event.recordId, {
      recordId: event.recordId,
      seconds: event.seconds,
      author: before?.author ?? event.author ?? null,
      at: before?.at ?? event.at,
      changedAt: event.at,
    });
  }
  return [...records.values()].filter((record) => record.seconds > 0).sort((a, b) => a.at - b.at || (a.recordId < b.recordId ? -1 : 1));
}

/**
 * Records the log holds that a complete reading of the tracker no longer shows: deleted while
 * their webhook was lost (Jira Data Center never retries one). Each is taken back at `at`. A record
 * changed within `graceMs` before the reading began may have been booked after the tracker was read
 * (its webhook applied meanwhile), so it stays.
 */
export function vanishedTimeRecords(known: readonly IssueEvent[], told: readonly IssueEvent[], readAt: number, at: number, graceMs: number): IssueEvent[] {
  const shown = new Set(told.flatMap((event) => (event.type === 'time_logged' ? [event.recordId] : [])));
  return currentTimeRecords(known)
    .filter((record) => !shown.has(record.recordId) && record.changedAt < readAt - graceMs)
    .map((record) => ({ type: 'time_logged', at, recordId: record.recordId, seconds: 0, author: null }));
}

/**
 * The time events `currentTimeRecords` reads, per record id: the first, the first naming a person,
 * the last. Every other one can go without changing the records, now or after later events.
 */
export function decisiveTimeEvents(events: readonly IssueEvent[]): Set<IssueEvent> {
  const kept = new Set<IssueEvent>();
  const first = new Map<string, IssueEvent>();
  const named = new Map<string, IssueEvent>();
  const last = new Map<string, IssueEvent>();
  for (const event of timeEvents(events)) {
    if (!first.has(event.recordId)) first.set(event.recordId, event);
    if (event.author !== null && !named.has(event.recordId)) named.set(event.recordId, event);
    last.set(event.recordId, event);
  }
  for (const map of [first, named, last]) for (const event of map.values()) kept.add(event);
  return kept;
}
