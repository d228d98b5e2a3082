/**
 * GitLab's time spent as one time record per issue. Issue and Note Hooks carry the issue's
 * `total_time_spent` in seconds (MR gitlab-org/gitlab!1417, 2017), an update that changed it says
 * so in `changes.total_time_spent` (gitlab-foss!15381), and since 13.10 `time_change` holds the
 * last booking (gitlab!55087); the REST issue has `time_stats.total_time_spent`. GitLab keeps
 * per-booking timelogs only behind GraphQL, so the record is the total: the latest total stands,
 * and it is attributed to who booked first.
 */
import { z } from 'zod';
import type { IssueEvent } from '../../src/domain/issue-event.js';

export const GITLAB_TOTAL_RECORD = 'gitlab-total';

export const totalTimeSpentSchema = z.number().int().nonnegative().nullish();

/** Only when time was booked or the total changed: a zero that always was one says nothing. */
export function timeSpentEvents(total: number | null | undefined, changed: boolean, at: number, author: string | null | undefined): IssueEvent[] {
  if (total == null || (total === 0 && !changed)) return [];
  return [{ type: 'time_logged', at, recordId: GITLAB_TOTAL_RECORD, seconds: total, author: author ?? null }];
}
