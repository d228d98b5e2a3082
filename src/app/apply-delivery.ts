/**
 * The worker's job: add a delivery's events to the issue's log and recompute the issue's SLA state
 * from the whole log, under the issue's lock. Recomputing from the log is what makes late and
 * duplicated webhooks harmless: the answer is the same as if they had come in order, once.
 */
import type { Job } from 'bullmq';
import type { Contract } from '../domain/contract.js';
import { runClock } from '../domain/sla-clock.js';
import type { DeliveryJob } from './ingest-queue.js';
import type { IssueState, IssueStore, StoredEvent } from './issue-store.js';
import type { Logger } from './logger.js';

export interface ApplyDeliveryDeps {
  readonly store: IssueStore;
  readonly contracts: () => Iterable<Contract>;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Event ids: stable per delivery, and one synthetic created per issue (the first one seen). */
export function storedEvents(job: DeliveryJob): StoredEvent[] {
  return job.events.map((event, index) => ({
    id: event.type === 'created' && event.synthetic ? 'created:synthetic' : `${job.deliveryId}#${index}`,
    event,
  }));
}

export function createDeliveryProcessor(deps: ApplyDeliveryDeps) {
  return async (job: Job<DeliveryJob>): Promise<IssueState> => {
    const { sourceId, issue } = job.data;
    await deps.store.appendEvents(sourceId, issue, storedEvents(job.data));
    return deps.store.withIssueLock(sourceId, issue.id, async () => {
      const events = await deps.store.loadEvents(sourceId, issue.id);
      const now = deps.now();
      const state: IssueState = {
        source: sourceId,
        issue: await deps.store.loadRef(sourceId, issue.id),
        sla: runClock({ source: sourceId, events }, deps.contracts(), now),
        computedAt: now,
        eventCount: events.length,
      };
      await deps.store.saveState(state);
      deps.logger.debug('applied delivery', { source: sourceId, issue: issue.key, delivery: job.data.deliveryId, events: events.length });
      return state;
    });
  };
}
