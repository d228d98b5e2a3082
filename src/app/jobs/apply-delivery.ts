/**
 * The worker's job: add a delivery's events to the issue's log and recompute the issue's SLA state
 * from the whole log, under the issue's lock, then re-plan its timers. Recomputing from the log is
 * what makes late and duplicated webhooks harmless: the answer is the same as if they had come in
 * order, once.
 */
import { createHash } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type { IssueRef } from '../../../connectors/connector.js';
import type { Source } from '../../config/source.js';
import type { Contract } from '../../domain/contract.js';
import type { IssueEvent } from '../../domain/issue-event.js';
import { missedEvents } from '../../domain/missed-events.js';
import { runClock } from '../../domain/sla-clock.js';
import type { DeliveryJob } from './pipeline.js';
import type { IssueState, IssueStore, StoredEvent } from '../store/issue-store.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
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
export async function recomputeIssue(deps: IssueWorkDeps, source: string, issueId: string, now: number, shownText?: string): Promise<IssueState> {
  const events = await deps.store.loadEvents(source, issueId);
  const state: IssueState = {
    source,
    issue: await deps.store.loadRef(source, issueId),
    sla: runClock({ source, events }, deps.contracts(), now),
    computedAt: now,
    eventCount: events.length,
  };
  await deps.store.saveState(state);
  await scheduleWriteBack(deps.writeBacks, deps.sources.get(source), issueId, state.sla, now, shownText);
  return state;
}

/** Recomputes and re-plans one issue; call with its lock held. */
async function refreshIssue(deps: IssueWorkDeps, source: string, issueId: string, shownText?: string): Promise<IssueState> {
  const now = deps.now();
  const state = await recomputeIssue(deps, source, issueId, now, shownText);
  await deps.timers.plan(source, issueId, state.sla, now);
  return state;
}

/** Reconciled events are named by what they say, so a second run stores nothing twice. */
const reconciledId = (event: IssueEvent) => `reconciled:${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;

/**
 * Adds the events a tracker's REST API told that the issue's log lacks (see missed-events.ts),
 * and recomputes the issue when there were any. Under the issue's lock, like every delivery, so
 * a webhook applied meanwhile is either seen here or comes after. Answers how many were added.
 */
export async function applyToldEvents(deps: IssueWorkDeps, source: string, issue: IssueRef, told: readonly IssueEvent[]): Promise<number> {
  return deps.store.withIssueLock(source, issue.id, async () => {
    const missed = missedEvents(await deps.store.loadEvents(source, issue.id), told);
    if (missed.length === 0) return 0;
    const added = await deps.store.appendEvents(source, issue, missed.map((event) => ({ id: reconciledId(event), event })));
    await refreshIssue(deps, source, issue.id);
    return added;
  });
}

export function createDeliveryProcessor(deps: IssueWorkDeps) {
  return async (job: Job<DeliveryJob>): Promise<IssueState> => {
    const { sourceId, issue } = job.data;
    return deps.store.withIssueLock(sourceId, issue.id, async () => {
      await deps.store.appendEvents(sourceId, issue, storedEvents(job.data));
      const { shown } = job.data;
      const shownText = shown && deps.sources.get(sourceId)?.writeBack.enabled ? await deps.store.saveShown(sourceId, issue.id, shown) : undefined;
      const state = await refreshIssue(deps, sourceId, issue.id, shownText);
      deps.metrics.processed(sourceId, (Date.now() - job.data.receivedAt) / 1000);
      deps.logger.debug('applied delivery', { source: sourceId, issue: issue.key, delivery: job.data.deliveryId, events: state.eventCount });
      return state;
    });
  };
}
