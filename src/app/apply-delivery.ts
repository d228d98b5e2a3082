/**
 * The worker's job: add a delivery's events to the issue's log and recompute the issue's SLA state
 * from the whole log, under the issue's lock, then re-plan its timers. Recomputing from the log is
 * what makes late and duplicated webhooks harmless: the answer is the same as if they had come in
 * order, once.
 */
import type { Job, Queue } from 'bullmq';
import type { Source } from '../config/source.js';
import type { Contract } from '../domain/contract.js';
import { runClock } from '../domain/sla-clock.js';
import type { DeliveryJob } from './ingest-queue.js';
import type { IssueState, IssueStore, StoredEvent } from './issue-store.js';
import type { Logger } from './logger.js';
import type { BridgeMetrics } from './metrics.js';
import type { SlaTimers } from './sla-timers.js';
import { scheduleWriteBack, type WriteBackJob } from './write-back.js';

export interface IssueWorkDeps {
  readonly store: IssueStore;
  readonly timers: SlaTimers;
  readonly sources: ReadonlyMap<string, Source>;
  readonly writeBacks: Queue<WriteBackJob>;
  readonly contracts: () => Iterable<Contract>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
}

/** Event ids: stable per delivery, and one synthetic created per issue (the first one seen). */
export function storedEvents(job: DeliveryJob): StoredEvent[] {
  return job.events.map((event, index) => ({
    id: event.type === 'created' && event.synthetic ? 'created:synthetic' : `${job.deliveryId}#${index}`,
    event,
  }));
}

/**
 * The issue's SLA state at `now` from its whole event log, saved, with a write-back queued. Call
 * with the issue's lock held.
 */
export async function recomputeIssue(deps: IssueWorkDeps, source: string, issueId: string, now: number): Promise<IssueState> {
  const events = await deps.store.loadEvents(source, issueId);
  const state: IssueState = {
    source,
    issue: await deps.store.loadRef(source, issueId),
    sla: runClock({ source, events }, deps.contracts(), now),
    computedAt: now,
    eventCount: events.length,
  };
  await deps.store.saveState(state);
  await scheduleWriteBack(deps.writeBacks, deps.sources.get(source), issueId, state.sla, now);
  return state;
}

export function createDeliveryProcessor(deps: IssueWorkDeps) {
  return async (job: Job<DeliveryJob>): Promise<IssueState> => {
    const { sourceId, issue } = job.data;
    await deps.store.appendEvents(sourceId, issue, storedEvents(job.data));
    return deps.store.withIssueLock(sourceId, issue.id, async () => {
      const now = deps.now();
      const state = await recomputeIssue(deps, sourceId, issue.id, now);
      await deps.timers.plan(sourceId, issue.id, state.sla, now);
      deps.metrics.processed(sourceId, (Date.now() - job.data.receivedAt) / 1000);
      deps.logger.debug('applied delivery', { source: sourceId, issue: issue.key, delivery: job.data.deliveryId, events: state.eventCount });
      return state;
    });
  };
}
