/**
 * Deadlines into the trackers' own fields. After every recompute the issue gets a write-back job;
 * the job derives what the tracker should show from the latest state, asks the tracker's connector
 * for the requests that change what was last written, and sends them. Nothing changed: nothing is
 * sent, which is also why the tracker's echo webhook of our own write causes no second write.
 * A delivery that shows an owned field changed by someone else gets it written again.
 */
import { createHash } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { type ConnectorRegistry, type IssueRef, connectorOf } from '../../../connectors/connector.js';
import type { ShownFields } from '../../../connectors/shared/owned-fields.js';
import { writeBackFieldsFrom } from '../../domain/write-back-fields.js';
import type { Source } from '../../config/source.js';
import type { IssueSla } from '../../domain/sla-clock.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import { DELIVERY_JOB, DELIVERY_JOB_OPTIONS, deliveryJobId, WRITE_BACK_JOB, WRITE_BACK_JOB_OPTIONS, writeBackJobId, type DeliveryJob, type WriteBackJob } from './pipeline.js';
import type { IssueStore } from '../store/issue-store.js';
import { journalQuietly, type IssueJournal } from '../store/issue-journal.js';
import type { WriteBackRecord } from '../../domain/issue-journal.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import { DeliveryFailure, type OutboundHttp } from '../outbound/outbound-http.js';
import type { OutboundRequest } from '../../../connectors/outbound-request.js';

/** Queues a write-back when the issue's source writes back and the issue still exists in the tracker. */
export async function scheduleWriteBack(
  queue: Queue<WriteBackJob>,
  source: Source | undefined,
  issueId: string,
  sla: IssueSla,
  now: number,
  shownText = '',
): Promise<void> {
  if (!source?.writeBack.enabled || sla.deleted) return;
  const desired = JSON.stringify(writeBackFieldsFrom(sla, now));
  await queue.add(WRITE_BACK_JOB, { source: source.id, issueId }, { ...WRITE_BACK_JOB_OPTIONS, jobId: writeBackJobId(source.id, issueId, desired, shownText) });
}

/**
 * Restores of one wanted state within `RESTORE_WINDOW_MS` before the bridge leaves the tracker's
 * value alone until the window ends: a tracker that stores a value other than the one sent would
 * otherwise echo and be written again forever. People edit far less often: MantisBT truncates the
 * dates at every web edit of an issue, and each one is restored.
 */
export const MAX_RESTORES = 3;
export const RESTORE_WINDOW_MS = 10 * 60_000;

export interface WriteBackDeps {
  readonly store: IssueStore;
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly http: OutboundHttp;
  readonly deadLetters: DeadLetterStore;
  /** Where a tracker's "no such issue" answer goes, as the issue's deletion. */
  readonly ingest: Queue<DeliveryJob>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** Where each write's result is recorded, for the issue's explanation. */
  readonly journal?: IssueJournal | undefined;
}

/** What a write-back job did, for which issue (the queue board shows it). */
export interface WriteBackOutcome {
  readonly outcome: 'unchanged' | 'written' | 'restored' | 'dead-lettered' | 'gone' | 'skipped';
  readonly requests: number;
  readonly issueId: string;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Both lists' requests, each once, `first`'s first. */
function unionOf(first: readonly OutboundRequest[], second: readonly OutboundRequest[]): OutboundRequest[] {
  const seen = new Set(first.map((request) => JSON.stringify(request)));
  return [...first, ...second.filter((request) => !seen.has(JSON.stringify(request)))];
}

export function createWriteBackProcessor(deps: WriteBackDeps) {
  const log = deps.logger.child({ component: 'write-back' });
  const record = (sourceId: string, issueId: string, outcome: WriteBackRecord['outcome'], requests: number, nearest: number | null, reason?: string) =>
    journalQuietly(deps.journal, sourceId, issueId, { type: 'write-back', at: deps.now(), outcome, requests, nearest, ...(reason ? { reason } : {}) }, (error) => log.warn('could not record the write-back in the issue journal', { source: sourceId, error: error.message }));
  return async (job: Job<WriteBackJob>): Promise<WriteBackOutcome> => {
    const { source: sourceId, issueId } = job.data;
    const source = deps.sources.get(sourceId);
    if (!source?.writeBack.enabled) return { outcome: 'skipped', requests: 0, issueId };
    const connector = connectorOf(deps.connectors, source.kind);
    return deps.store.withIssueLock(
      sourceId,
      issueId,
      async () => {
        const state = await deps.store.loadState(sourceId, issueId);
        // A deleted issue gets nothing: the tracker would answer 404 to every write.
        if (!state || state.sla.deleted) return { outcome: 'skipped', requests: 0, issueId };
        const desired = writeBackFieldsFrom(state.sla, deps.now());
        const previous = await deps.store.loadWritten(sourceId, issueId);
        // A write that went out and was never recorded: its worker died between the tracker's
        // answer and `saveWritten`. The tracker shows what was written before, or what that write
        // sent, or (several requests) some of each; the requests that bring either to `desired`
        // bring every mix of them there too, since each request sets its fields to a value.
        const unfinished = await deps.store.loadWriting(sourceId, issueId);
        const lookup = async (request: Parameters<OutboundHttp['send']>[0]) => (await deps.http.send(request)).data;
        const build = async (shown?: ShownFields) => {
          const requests = await connector.writeBack(source, state.issue, desired, previous, lookup, shown);
          return unfinished ? unionOf(await connector.writeBack(source, state.issue, desired, unfinished, lookup, shown), requests) : requests;
        };
        const shown = await deps.store.loadShown(sourceId, issueId);
        let requests = await build(shown?.shown);
        const wanted = hashOf(JSON.stringify(desired));
        // A restore: the requests differ from what the written state alone asks, because someone
        // (or the tracker) changed an owned field since the bridge wrote it.
        const restoring = shown !== undefined && JSON.stringify(requests) !== JSON.stringify(await build());
        const exhausted = restoring && (await deps.store.restoresOf(sourceId, issueId, wanted)) >= MAX_RESTORES;
        if (exhausted) {
          log.warn('owned fields keep changing in the tracker; not restoring them again for a while', { source: sourceId, issue: state.issue.key, restores: MAX_RESTORES, windowMs: RESTORE_WINDOW_MS });
          requests = await build();
        }
        if (requests.length === 0) {
          if (unfinished) await deps.store.saveWritten(sourceId, issueId, desired);
          return { outcome: 'unchanged', requests: 0, issueId };
        }
        // Recorded before the first request leaves, so that a crash from here on is seen as above.
        await deps.store.saveWriting(sourceId, issueId, desired);
        for (const request of requests) {
          try {
            await deps.http.send(request);
          } catch (error) {
            if (!(error instanceof DeliveryFailure)) throw error;
            if (error.status !== undefined && connector.issueGone({ status: error.status, data: error.responseData })) {
              await markGone(deps, sourceId, state.issue);
              deps.metrics.writeBack(sourceId, 'gone');
              log.info('the issue is gone from the tracker: marked deleted', { source: sourceId, issue: state.issue.key, status: error.status });
              await record(sourceId, issueId, 'gone', requests.length, desired.nearest);
              return { outcome: 'gone', requests: requests.length, issueId };
            }
            // Not recorded as written: the next change of the issue tries again from what was.
            const id = await deps.deadLetters.add(error, request);
            deps.metrics.writeBack(sourceId, 'failed');
            log.warn('write-back dead-lettered', { source: sourceId, issue: state.issue.key, deadLetter: id, reason: error.reason });
            await record(sourceId, issueId, 'dead-lettered', requests.length, desired.nearest, error.reason);
            return { outcome: 'dead-lettered', requests: requests.length, issueId };
          }
        }
        await deps.store.saveWritten(sourceId, issueId, desired);
        if (shown) await deps.store.clearShown(sourceId, issueId, shown.text);
        const restored = restoring && !exhausted;
        // Named by the job and when it was queued: a retry of this job counts once, while the same
        // echo queued again later (its id comes back once the finished job is removed) counts anew.
        if (restored) await deps.store.countRestore(sourceId, issueId, wanted, RESTORE_WINDOW_MS, `${job.id}@${job.timestamp}`);
        deps.metrics.writeBack(sourceId, restored ? 'restored' : 'sent');
        log.debug(restored ? 'restored owned fields' : 'written back', { source: sourceId, issue: state.issue.key, requests: requests.length });
        await record(sourceId, issueId, restored ? 'restored' : 'written', requests.length, desired.nearest);
        return { outcome: restored ? 'restored' : 'written', requests: requests.length, issueId };
      },
      'write-back-lock',
    );
  };
}

/**
 * The tracker says the issue does not exist: its deletion goes through the ingest queue like a
 * delivery, so it is applied under the issue's lock and its timers are cancelled.
 */
async function markGone(deps: WriteBackDeps, sourceId: string, issue: IssueRef): Promise<void> {
  const at = deps.now();
  const deliveryId = `gone:${issue.id}`;
  await deps.ingest.add(DELIVERY_JOB, { sourceId, deliveryId, receivedAt: at, issue, events: [{ type: 'deleted', at }] }, { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(sourceId, deliveryId) });
}
