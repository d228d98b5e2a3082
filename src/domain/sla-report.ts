/**
 * The monthly SLA report of one contract (the seeds' "Rapportage"): the issues created in the month
 * (in the contract calendar's zone), by priority; per metric how many were met and breached and
 * the median and 90th-percentile business time to meeting it; and every breach.
 */
import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';
import { contactsReport, type ContactsSection } from './contacts-report.js';
import { signoffReport, type SignoffSection } from './signoff-report.js';
import { customMetricsReport, type CustomMetricSummary } from './custom-metrics-report.js';
import { lineStatsReport, type LineStats } from './line-stats.js';
import type { Contract } from './contract.js';
import type { Metric } from './metric.js';
import type { ObligationRow } from './obligation-report.js';
import type { AvailabilitySection } from './availability-report.js';
import { PRIORITIES, type Priority } from './priority.js';
import type { IssueSla } from './sla-clock.js';
import type { MetricStatus } from './metric-status.js';
import type { HoursReportSection } from './hours-report.js';

export interface ReportIssue {
  readonly source: string;
  readonly issue: { readonly id: string; readonly key: string; readonly title?: string | undefined; readonly url?: string | undefined };
  readonly sla: IssueSla;
}

export interface MetricSummary {
  readonly metric: Metric;
  readonly met: number;
  readonly breached: number;
  /** Still running, paused or not started. */
  readonly open: number;
  readonly notApplicable: number;
  /** Met on time as a share of the decided ones (met + breached), in percent; null when none is decided. */
  readonly percentMet: number | null;
  /** Business time from the clock's start to meeting the metric, over the met ones (late ones too). */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface ReportBreach {
  readonly source: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly metric: Metric;
  readonly priority: Priority;
  readonly deadline: Instant;
  /** Null while still unmet. */
  readonly metAt: Instant | null;
  /** Business time past the target. */
  readonly overdueMs: number;
}

export interface SlaReport {
  readonly contract: string;
  readonly customer: string;
  readonly month: string;
  readonly zone: string;
  readonly issues: number;
  readonly byPriority: Readonly<Record<Priority, number>>;
  readonly metrics: readonly MetricSummary[];
  readonly breaches: readonly ReportBreach[];
  /** The contract's hours card in the month (hours-report.ts), when it has one. */
  readonly hours?: HoursReportSection | undefined;
  /** Only for contracts that list their authorized contacts. */
  readonly contacts?: ContactsSection;
  /** Only for contracts that measure the customer's sign-off. */
  readonly signoff?: SignoffSection;
  /** Recurring obligations (obligation-report.ts): every period of the month, done on time or not; absent when the contract has none. */
  readonly obligations?: readonly ObligationRow[];
  /** The month's availability against the uptime target (availability-report.ts); absent without one. */
  readonly availability?: AvailabilitySection;
  /** The contract's metrics defined by conditions, per cycle (custom-metrics-report.ts); absent without any. */
  readonly customMetrics?: readonly CustomMetricSummary[];
  /** Per support line: handovers, reaction median and 90th percentile, breaches (line-stats.ts); absent without lines. */
  readonly supportLines?: readonly LineStats[];
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Nearest-rank percentile of sorted values: the smallest value with at least p of them at or below. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function summarize(metric: Metric, statuses: readonly MetricStatus[]): MetricSummary {
  const count = (...states: MetricStatus['state'][]) => statuses.filter((status) => states.includes(status.state)).length;
  const met = count('met');
  const breached = count('breached');
  const times = statuses
    .filter((status) => status.metAt !== undefined && status.elapsedMs !== undefined)
    .map((status) => status.elapsedMs!)
    .sort((a, b) => a - b);
  return {
    metric,
    met,
    breached,
    open: count('running', 'paused', 'not_started'),
    notApplicable: count('not_applicable'),
    percentMet: met + breached > 0 ? Math.round((1000 * met) / (met + breached)) / 10 : null,
    medianMs: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
  };
}

export function buildReport(contract: Contract, month: string, issues: readonly ReportIssue[]): SlaReport {
  if (!MONTH.test(month)) throw new RangeError(`"${month}" is not a month (use YYYY-MM)`);
  const zone = contract.calendar.zone;
  const start = DateTime.fromISO(`${month}-01`, { zone });
  const from = start.toMillis();
  const until = start.plus({ months: 1 }).toMillis();
  const inMonth = issues.filter(
    (entry): entry is ReportIssue & { sla: Extract<IssueSla, { covered: true }> } =>
      entry.sla.covered && entry.sla.contract === contract.id && !entry.sla.deleted && entry.sla.createdAt >= from && entry.sla.createdAt < until,
  );
  const byPriority = Object.fromEntries(PRIORITIES.map((priority) => [priority, inMonth.filter((entry) => entry.sla.priority.effective === priority).length])) as Record<Priority, number>;
  const metrics = contract.metrics.map((rule) =>
    summarize(rule.metric, inMonth.flatMap((entry) => entry.sla.metrics.filter((status) => status.metric === rule.metric))),
  );
  const breaches = inMonth
    .flatMap((entry) =>
      entry.sla.metrics
        .filter((status) => status.state === 'breached' && status.deadline != null && status.target)
        .map((status) => ({
          source: entry.source,
          key: entry.issue.key,
          title: entry.issue.title,
          url: entry.issue.url,
          metric: status.metric,
          priority: status.priority,
          deadline: status.deadline!,
          metAt: status.metAt ?? null,
          overdueMs: Math.max(0, (status.elapsedMs ?? 0) - status.target!.ms),
        })),
    )
    .sort((a, b) => a.deadline - b.deadline);
  return { contract: contract.id, customer: contract.customer, month, zone, issues: inMonth.length, byPriority, metrics, breaches, ...contactsReport(contract, inMonth), ...signoffReport(contract, inMonth, percentile), ...customMetricsReport(contract, inMonth, percentile), ...lineStatsReport(contract, inMonth, percentile) };
}
