/**
 * Deadlines into the trackers' own fields. After every recompute the issue gets a write-back job;
 * the job derives what the tracker should show from the latest state, asks the tracker's connector
 * for the requests that change what was last written, and sends them. Nothing changed: nothing is
 * sent, which is also why the tracker's echo webhook of our own write causes no second write.
 */
import { createHash } from 'node:crypto';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { ConnectorRegistry } from '../../connectors/connector.js';
import { writeBackFieldsFrom } from '../../connectors/shared/write-back-types.js';
import type { Source } from '../config/source.js';
import type { IssueSla } from '../domain/sla-clock.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { IssueStore } from './issue-store.js';
import type { Logger } from './logger.js';
import type { BridgeMetrics } from './metrics.js';
import { DeliveryFailure, type OutboundHttp } from './outbound-http.js';

export const WRITE_BACK_QUEUE = 'sla-write-back';
export const WRITE_BACK_JOB = 'write-back';

export interface WriteBackJob {
  readonly source: string;
  readonly issueId: string;
}

const WRITE_BACK_JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };

/** Queues a write-back when the issue's source writes back; keyed by what should be shown, so repeats fold. */
export async function scheduleWriteBack(queue: Queue<WriteBackJob>, source: Source | undefined, issueId: string, sla: IssueSla, now: number): Promise<void> {
  if (!source?.writeBack.enabled) return;
  const desired = JSON.stringify(writeBackFieldsFrom(sla, now));
  const jobId = `wb-${createHash('sha256').update(`${source.id}\u0000${issueId}\u0000${desired}`).digest('hex').slice(0, 40)}`;
  await queue.add(WRITE_BACK_JOB, { source: source.id, issueId }, { ...WRITE_BACK_JOB_OPTIONS, jobId });
}

export interface WriteBackDeps {
  readonly store: IssueStore;
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly http: OutboundHttp;
  readonly deadLetters: DeadLetterStore;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
}

export type WriteBackOutcome = { readonly outcome: 'unchanged' | 'written' | 'dead-lettered' | 'skipped'; readonly requests: number };

export function createWriteBackProcessor(deps: WriteBackDeps) {
  const log = deps.logger.child({ component: 'write-back' });
  return async (job: Job<WriteBackJob>): Promise<WriteBackOutcome> => {
    const { source: sourceId, issueId } = job.data;
    const source = deps.sources.get(sourceId);
    if (!source?.writeBack.enabled) return { outcome: 'skipped', requests: 0 };
    return deps.store.withIssueLock(
      sourceId,
      issueId,
      async () => {
        const state = await deps.store.loadState(sourceId, issueId);
        if (!state) return { outcome: 'skipped', requests: 0 };
        const desired = writeBackFieldsFrom(state.sla, deps.now());
        const previous = await deps.store.loadWritten(sourceId, issueId);
        const lookup = async (request: Parameters<OutboundHttp['send']>[0]) => (await deps.http.send(request)).data;
        const requests = await deps.connectors[source.kind].writeBack(source, state.issue, desired, previous, lookup);
        if (requests.length === 0) return { outcome: 'unchanged', requests: 0 };
        for (const request of requests) {
          try {
            await deps.http.send(request);
          } catch (error) {
            if (!(error instanceof DeliveryFailure)) throw error;
            // Not recorded as written: the next change of the issue tries again from what was.
            const id = await deps.deadLetters.add(error, request);
            deps.metrics.writeBack(sourceId, 'failed');
            log.warn('write-back dead-lettered', { source: sourceId, issue: state.issue.key, deadLetter: id, reason: error.reason });
            return { outcome: 'dead-lettered', requests: requests.length };
          }
        }
        await deps.store.saveWritten(sourceId, issueId, desired);
        deps.metrics.writeBack(sourceId, 'sent');
        log.debug('written back', { source: sourceId, issue: state.issue.key, requests: requests.length });
        return { outcome: 'written', requests: requests.length };
      },
      'write-back-lock',
    );
  };
}
