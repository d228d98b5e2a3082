/**
 * The periodic reconciliation: one BullMQ job scheduler per source with `reconcile.every`, so
 * however many worker processes run, each source is read once per interval. Each run looks back
 * `reconcile.lookback` (twice the interval by default: one missed run is still covered), and
 * reconciling an interval twice adds nothing.
 */
import type { Job, Queue } from 'bullmq';
import type { Source } from '../../config/source.js';
import { RECONCILE_JOB, RECONCILE_JOB_OPTIONS, reconcileSchedulerId, type ReconcileJob } from './pipeline.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import { reconcileSource, type ReconcileDeps, type ReconcileResult } from './reconcile.js';

export function lookbackMs(source: Source): number | undefined {
  if (!source.reconcile.everyMs) return undefined;
  return source.reconcile.lookbackMs ?? 2 * source.reconcile.everyMs;
}

/** Schedules the configured sources and drops the schedules of sources no longer configured so. */
export async function scheduleReconciliation(queue: Queue<ReconcileJob>, sources: Iterable<Source>): Promise<void> {
  const wanted = new Map<string, Source>();
  for (const source of sources) if (source.reconcile.everyMs) wanted.set(reconcileSchedulerId(source.id), source);
  for (const scheduler of await queue.getJobSchedulers()) {
    if (!wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
  for (const [id, source] of wanted) {
    await queue.upsertJobScheduler(
      id,
      { every: source.reconcile.everyMs! },
      { name: RECONCILE_JOB, data: { sourceId: source.id }, opts: RECONCILE_JOB_OPTIONS },
    );
  }
}

export function createReconcileProcessor(deps: ReconcileDeps & { readonly logger: Logger; readonly metrics: BridgeMetrics }) {
  const log = deps.logger.child({ component: 'reconcile' });
  return async (job: Job<ReconcileJob>): Promise<ReconcileResult> => {
    const source = deps.sources.get(job.data.sourceId);
    const lookback = source && lookbackMs(source);
    if (!source || !lookback) throw new Error(`source ${job.data.sourceId} is not configured for periodic reconciliation`);
    try {
      const result = await reconcileSource(deps, source.id, deps.now() - lookback);
      deps.metrics.reconciled(source.id, result.failed.length > 0 ? 'partial' : 'ok', result.added);
      const summary = { source: source.id, checked: result.checked, updated: result.updated, added: result.added, failed: result.failed.length };
      if (result.failed.length > 0) log.warn('reconciliation could not read every issue', { ...summary, first: result.failed[0] });
      else log.info('reconciled', summary);
      return result;
    } catch (error) {
      deps.metrics.reconciled(source.id, 'failed', 0);
      log.warn('reconciliation failed', { source: source.id, error: (error as Error).message });
      throw error;
    }
  };
}
