/**
 * The monthly report's section of a contract's metrics defined by conditions: per metric, every
 * cycle of the month's issues (a metric that restarts has one per handover), how many were met on
 * time, breached, cancelled or are still open, and the median and 90th percentile business time of
 * the ones that ended.
 */
import type { Contract } from './contract.js';
import type { CycleSummary } from './condition-engine.js';
import type { IssueSla } from './sla-clock.js';

export interface CustomMetricSummary {
  readonly metric: string;
  readonly cycles: number;
  readonly met: number;
  readonly breached: number;
  readonly cancelled: number;
  /** Running, paused or not started. */
  readonly open: number;
  readonly notApplicable: number;
  /** Met on time as a share of the decided cycles (met + breached), in percent; null when none is decided. */
  readonly percentMet: number | null;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export type CustomMetricsSection = { readonly customMetrics?: readonly CustomMetricSummary[] };

type Percentile = (sorted: readonly number[], p: number) => number | null;

/** The latest cycle of a status, as its earlier ones are summarized. */
function latestCycle(status: NonNullable<Extract<IssueSla, { covered: true }>['custom']>[number]): CycleSummary | 'not_started' | 'not_applicable' {
  if (status.state === 'not_started' || status.state === 'not_applicable') return status.state;
  const outcome = status.state === 'met' || status.state === 'cancelled' ? status.state : status.state === 'breached' ? (status.metAt !== undefined ? 'breached' : 'open') : 'open';
  return { startedAt: status.startedAt!, endedAt: status.metAt ?? null, outcome, elapsedMs: status.elapsedMs ?? 0 };
}

export function customMetricsReport(contract: Contract, issues: readonly { readonly sla: Extract<IssueSla, { covered: true }> }[], percentile: Percentile): CustomMetricsSection {
  const definitions = contract.customMetrics ?? [];
  if (definitions.length === 0) return {};
  return {
    customMetrics: definitions.map(({ name }) => {
      const statuses = issues.flatMap((entry) => (entry.sla.custom ?? []).filter((status) => status.metric === name));
      const cycles: CycleSummary[] = [];
      let notStarted = 0;
      let notApplicable = 0;
      let breachedOpen = 0;
      for (const status of statuses) {
        cycles.push(...(status.cycles ?? []));
        const latest = latestCycle(status);
        if (latest === 'not_started') notStarted += 1;
        else if (latest === 'not_applicable') notApplicable += 1;
        else {
          cycles.push(latest);
          // Still unmet past its deadline: a breach already, though the cycle is open.
          if (status.state === 'breached' && status.metAt === undefined) breachedOpen += 1;
        }
      }
      const count = (outcome: CycleSummary['outcome']) => cycles.filter((cycle) => cycle.outcome === outcome).length;
      const met = count('met');
      const breached = count('breached') + breachedOpen;
      const times = cycles.filter((cycle) => cycle.outcome === 'met' || cycle.outcome === 'breached').map((cycle) => cycle.elapsedMs).sort((a, b) => a - b);
      return {
        metric: name,
        cycles: cycles.length,
        met,
        breached,
        cancelled: count('cancelled'),
        open: count('open') - breachedOpen + notStarted,
        notApplicable,
        percentMet: met + breached > 0 ? Math.round((1000 * met) / (met + breached)) / 10 : null,
        medianMs: percentile(times, 0.5),
        p90Ms: percentile(times, 0.9),
      };
    }),
  };
}
