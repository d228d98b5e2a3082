/**
 * Gitea and Forgejo tracked times as time records. Gitea sends no webhook when time is added
 * (models/issues/tracked_time.go AddTime writes the time and its `add_time_manual` comment without
 * notifying), so they come through reconciliation only, when the source sets
 * `reconcile.tracked_times`: `GET /repos/{owner}/{repo}/issues/{index}/times`, each entry a
 * `TrackedTime` (modules/structs/issue_tracked_time.go: `id`, `created`, `time` in seconds,
 * `user_name`). A deleted time is no longer listed and cannot be told.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import type { TrackerRead } from '../connector.js';
import { trackedTimesRequest } from './reader-requests.js';

const MAX_PAGES = 100;

export const giteaTrackedTimeSchema = z.looseObject({
  id: z.number().int(),
  created: z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
  time: z.number().int().nonnegative(),
  user_name: z.string().nullish(),
});

export const trackedTimeRecordId = (id: number) => `gitea-time:${id}`;

export function trackedTimeEvent(entry: z.output<typeof giteaTrackedTimeSchema>): IssueEvent {
  return { type: 'time_logged', at: entry.created, recordId: trackedTimeRecordId(entry.id), seconds: entry.time, author: entry.user_name || null };
}

export async function readTrackedTimes(source: Source, repository: string, index: number, read: TrackerRead): Promise<IssueEvent[]> {
  const events: IssueEvent[] = [];
  const seen = new Set<number>();
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const request = trackedTimesRequest(source, repository, index, page);
    const parsed = z.array(giteaTrackedTimeSchema).nullable().safeParse((await read(request)).data);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]!;
      throw new Error(`${request.description}: ${problem.path.map(String).join('.') || '(body)'}: ${problem.message}`);
    }
    const fresh = (parsed.data ?? []).filter((entry) => !seen.has(entry.id));
    if (fresh.length === 0) return events;
    for (const entry of fresh) {
      seen.add(entry.id);
      events.push(trackedTimeEvent(entry));
    }
  }
  return events;
}
