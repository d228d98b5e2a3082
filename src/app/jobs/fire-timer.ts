/**
 * A timer fires: recompute the issue, and if the notification it was planned for is still due
 * (the version guard), route it to its channels exactly once; then plan the next timer.
 */
import type { Job } from 'bullmq';
import type { IssueState } from '../store/issue-store.js';
import { recomputeIssue, type IssueWorkDeps } from './issue-work.js';
import { TIMER_RETRY_DELAY_MS, timerOf, type DueNotification, type StoredTimerJob } from './pipeline.js';

/**
 * How far the machines' clocks may differ. A job comes up when the clock of the worker that
 * promotes it reaches its instant; a worker whose clock is behind that one gets it early, and waits
 * for its instant by its own clock: re-planning instead would have it promoted again at once, in a
 * loop. A job earlier still was planned for another state, and is re-planned.
 */
const MAX_CLOCK_SKEW_MS = 60_000;

export interface TimerDeps extends IssueWorkDeps {
  /**
   * Routes a claimed notification to its chat queues (./notify.ts `createNotifier`), from the
   * state the timer just computed. Done here rather than in a notify job of its own: that job's
   * add, fetch and finish were a third of a firing's Redis commands (issue 19). A claim routed
   * again (a retry after a crash before the sent mark) folds into the chat jobs already there.
   */
  readonly notify: (due: DueNotification, state: IssueState) => Promise<unknown>;
  /** Waits (an early job's instant, a failed attempt's retry wait); a timer by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const timeout = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTimerProcessor(deps: TimerDeps) {
  const sleep = deps.sleep ?? timeout;
  return async (job: Job<StoredTimerJob>): Promise<DueNotification | null> => {
    // The tuple this version queues, or the object an earlier version queued.
    const timer = timerOf(job.data);
    const { source, issueId } = timer;
    // A delayed job may come up before its instant by this worker's clock; the plan is checked at the instant.
    const early = timer.at - deps.now();
    if (early > 0 && early <= MAX_CLOCK_SKEW_MS) await sleep(early);
    try {
      return await deps.store.withIssueLock(source, issueId, async () => {
        const now = deps.now();
        const state = await recomputeIssue(deps, source, issueId, now);
        // The chat jobs' deterministic ids make the claim idempotent across retries and racing workers.
        const due = await deps.timers.fire(job, state.sla, now, async (claim) => void (await deps.notify(claim, state)));
        if (!due) deps.logger.debug('stale timer: the issue changed since it was planned', { source, issue: issueId, metric: timer.metric, label: timer.label });
        return due ?? null;
      });
    } catch (error) {
      // This version's jobs carry no backoff (it would push their options past Redis's compact hash
      // encoding, see TIMER_JOB_OPTIONS): the wait before the next attempt is taken here.
      if (!job.opts.backoff && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) await sleep(TIMER_RETRY_DELAY_MS * 2 ** job.attemptsMade);
      throw error;
    }
  };
}
