/**
 * The worker's job: add a delivery's events to the issue's log and recompute the issue's SLA state
 * from the whole log, under the issue's lock, then re-plan its timers. Recomputing from the log is
 * what makes late and duplicated webhooks harmless: the answer is the same as if they had come in
 * order, once.
 */
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { IssueRef } from '../../../connectors/connector.js';
import type { IssueEvent } from '../../domain/issue-event.js';
import { clampToArrival } from '../../domain/clock-skew.js';
import { MATCH_TOLERANCE_MS, missedEvents } from '../../domain/missed-events.js';
import { vanishedTimeRecords } from '../../domain/time-record.js';
import type { StoredEvent } from '../store/issue-store.js';
import { refreshIssue, type IssueWorkDeps } from './issue-work.js';
import type { DeliveryJob } from './pipeline.js';

const SYNTHETIC_CREATED = 'created:synthetic';

/**
 * Event ids: stable per delivery, and one synthetic created per issue (the first one seen). A
 * synthetic created only stands in for the real one until it arrives (the clock counts the real
 * one), so a delivery that brings the real one (an issue_created) stores it alone, and it claims
 * the stand-in's id: later deliveries' stand-ins are then not stored after it either.
 */
export function storedEvents(job: DeliveryJob): StoredEvent[] {
  const bringsReal = job.events.some((event) => event.type === 'created' && !event.synthetic);
  return job.events.flatMap((event, index): StoredEvent[] => {
    if (event.type !== 'created') return [{ id: `${job.deliveryId}#${index}`, event }];
    if (event.synthetic) return bringsReal ? [] : [{ id: SYNTHETIC_CREATED, event }];
    return [{ id: `${job.deliveryId}#${index}`, event, claims: SYNTHETIC_CREATED }];
  });
}

/** What a completed delivery job keeps as its return value: BullMQ stores it with the job for a day, so a count, not the state. */
export interface AppliedDelivery {
  readonly added: number;
  readonly events: number;
}

/** Reconciled events are named by what they say, so a second run stores nothing twice. */
const reconciledId = (event: IssueEvent) => `reconciled:${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;

/**
 * Adds the events a tracker's REST API told that the issue's log lacks (see missed-events.ts),
 * and recomputes the issue when there were any. Under the issue's lock, like every delivery, so
 * a webhook applied meanwhile is either seen here or comes after. Answers how many were added.
 */
export async function applyToldEvents(deps: IssueWorkDeps, source: string, issue: IssueRef, told: readonly IssueEvent[], allTimeRecords?: { readonly readAt: number }): Promise<number> {
  return deps.store.withIssueLock(source, issue.id, async () => {
    const known = await deps.store.loadEvents(source, issue.id);
    const vanished = allTimeRecords ? vanishedTimeRecords(known, told, allTimeRecords.readAt, deps.now(), MATCH_TOLERANCE_MS) : [];
    const found = [...missedEvents(known, told), ...vanished];
    if (found.length === 0) return 0;
    // Told now: a stamp in the bridge's future is a tracker clock ahead, as with webhooks.
    const { events: missed, aheadMs } = clampToArrival(found, deps.now());
    if (aheadMs > 0) deps.logger.warn('reconciled events stamped in the future, taken as happening now (is the tracker\'s clock ahead?)', { source, issue: issue.key, aheadMs });
    const added = await deps.store.appendEvents(source, issue, missed.map((event) => ({ id: reconciledId(event), event })));
    await refreshIssue(deps, source, issue.id);
    return added;
  });
}

export function createDeliveryProcessor(deps: IssueWorkDeps) {
  return async (job: Job<DeliveryJob>): Promise<AppliedDelivery> => {
    const { sourceId, issue } = job.data;
    const { shown } = job.data;
    const shownText = shown && deps.sources.get(sourceId)?.writeBack.enabled ? JSON.stringify(shown) : undefined;
    // The lock, the append, what the delivery showed, the log and ref and the hours filing: one script.
    const alsoRead = deps.hours ? [deps.hours.filedAt(sourceId, issue.id)] : [];
    return deps.store.applyUnderLock(sourceId, issue, storedEvents(job.data), { shown: shownText, alsoRead }, async ({ added, events, issue: ref, read }) => {
      const state = await refreshIssue(deps, sourceId, issue.id, shownText, { events, issue: ref, ...(deps.hours ? { filedUnder: read[0] ?? null } : {}) });
      deps.metrics.processed(sourceId, (Date.now() - job.data.receivedAt) / 1000);
      deps.logger.debug('applied delivery', { source: sourceId, issue: issue.key, delivery: job.data.deliveryId, events: state.eventCount });
      return { added, events: state.eventCount };
    });
  };
}
