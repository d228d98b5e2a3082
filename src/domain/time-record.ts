/**
 * Time booked on an issue, as the trackers record it: Jira worklogs, MantisBT note time tracking,
 * Gitea/Forgejo tracked times, GitLab's time spent, a `/spent` note where a tracker has none. Each
 * record has an id that is stable within its issue; a later event about the same id replaces the
 * earlier one (an edited worklog), `seconds: 0` takes it back (a deleted one).
 */
import type { IssueEvent } from './issue-event.js';

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

/** The issue's records as they stand after its log: the latest word per record id wins. */
export function currentTimeRecords(events: readonly IssueEvent[]): TimeRecord[] {
  const records = new Map<string, TimeRecord>();
  const ordered = events
    .map((event, index) => ({ event, index }))
    .filter((entry): entry is { event: IssueEvent & { type: 'time_logged' }; index: number } => entry.event.type === 'time_logged')
    .sort((a, b) => a.event.at - b.event.at || a.index - b.index);
  for (const { event } of ordered) {
    const before = records.get(event.recordId);
    records.set(event.recordId, {
      recordId: event.recordId,
      seconds: event.seconds,
      author: event.author ?? before?.author ?? null,
      at: before?.at ?? event.at,
      changedAt: event.at,
    });
  }
  return [...records.values()].filter((record) => record.seconds > 0).sort((a, b) => a.at - b.at || (a.recordId < b.recordId ? -1 : 1));
}
