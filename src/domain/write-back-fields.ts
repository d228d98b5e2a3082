/**
 * What a tracker should show of an issue's SLA state, whichever tracker it is: the open deadline
 * per metric, the nearest one, and whether the issue is at risk or breached. Derived from the SLA
 * clock's answer at `now`; write-back turns it into each tracker's requests
 * (connectors/<tracker>/write-back.ts) and keeps the last one written as `previous`.
 */
import { z } from 'zod';
import type { Instant } from './business-calendar.js';
import { METRICS, metricSchema, type Metric } from './metric.js';
import type { IssueSla } from './sla-clock.js';
import type { MetricStatus } from './metric-status.js';

const instantSchema = z.number().int();

/**
 * Plain data, so that the caller can store it as `previous` (e.g. JSON in Redis) and parse it back
 * with this schema.
 */
export const writeBackFieldsSchema = z.strictObject({
  /**
   * Per metric, the deadline of a metric that is still open (running, or overdue and unmet); null
   * when it is met, paused, not started or not applicable.
   */
  deadlines: z.strictObject({
    reaction: instantSchema.nullable(),
    response: instantSchema.nullable(),
    resolution: instantSchema.nullable(),
  }),
  /** The contract calendar's zone, in which deadlines are shown; UTC when no contract covers the issue. */
  zone: z.string().min(1),
  /** The earliest of the open deadlines (an overdue one included): for trackers with one due date. */
  nearest: instantSchema.nullable(),
  /** A running metric has passed a warning threshold, and nothing is breached. */
  atRisk: z.boolean(),
  /** Some metric is breached: overdue while open, or met after its deadline. */
  breached: z.boolean(),
  /** The breached metrics, in metric order: what the breach comment names. */
  breachedMetrics: z.array(metricSchema),
});
export type WriteBackFields = z.infer<typeof writeBackFieldsSchema>;

/**
 * A met metric (on time or late) shows no deadline: the field says what still has to happen, and a
 * met deadline left in it would, once passed, make every "deadline < now" filter list the issue as
 * overdue. A paused metric has no deadline either (the clock gives none, and the old one would move
 * on resume), nor has one that has not started or does not apply.
 */
function openDeadline(status: MetricStatus): Instant | null {
  if (status.metAt !== undefined) return null;
  if (status.state !== 'running' && status.state !== 'breached') return null;
  return status.deadline ?? null;
}

/**
 * Only a running clock is at risk: a paused metric past a warning is waiting for someone else, and
 * the label comes back when its clock runs again.
 */
function pastWarning(status: MetricStatus, now: Instant): boolean {
  return status.state === 'running' && (status.warnings ?? []).some((warning) => warning.at !== null && warning.at <= now);
}

export const NOTHING_TO_SHOW: WriteBackFields = {
  deadlines: { reaction: null, response: null, resolution: null },
  zone: 'UTC',
  nearest: null,
  atRisk: false,
  breached: false,
  breachedMetrics: [],
};

/** What the tracker should show for an issue, from the SLA clock's answer at `now`. */
export function writeBackFieldsFrom(sla: IssueSla, now: Instant): WriteBackFields {
  if (!sla.covered) return NOTHING_TO_SHOW;
  const byMetric = new Map(sla.metrics.map((status) => [status.metric, status]));
  const deadlineOf = (metric: Metric) => {
    const status = byMetric.get(metric);
    return status ? openDeadline(status) : null;
  };
  const deadlines = { reaction: deadlineOf('reaction'), response: deadlineOf('response'), resolution: deadlineOf('resolution') };
  const open = METRICS.map((metric) => deadlines[metric]).filter((deadline): deadline is Instant => deadline !== null);
  const breachedMetrics = METRICS.filter((metric) => byMetric.get(metric)?.state === 'breached');
  const breached = breachedMetrics.length > 0;
  return {
    deadlines,
    // Every metric of an issue is evaluated at the same priority, so on the same calendar and zone.
    zone: sla.metrics[0]?.zone ?? 'UTC',
    nearest: open.length > 0 ? Math.min(...open) : null,
    atRisk: !breached && sla.metrics.some((status) => pastWarning(status, now)),
    breached,
    breachedMetrics,
  };
}
