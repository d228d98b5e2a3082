/**
 * Where an issue stands for the lists people watch: running (unmet with the clock going), at risk
 * (running with a warning passed) or breached, as computed at the state's `computedAt` (every
 * timer recomputes at its instant), and the soonest deadline it still has to meet, which orders them.
 */
import type { IssueSla } from './sla-clock.js';
import type { MetricStatus } from './metric-status.js';

export type Standing = 'at-risk' | 'breached' | 'running';

export function metricStands(status: MetricStatus, standing: Standing | undefined, computedAt: number): boolean {
  if (!standing) return true;
  if (standing === 'breached') return status.state === 'breached';
  if (status.state !== 'running') return false;
  return standing === 'running' || (status.warnings ?? []).some((warning) => warning.at !== null && warning.at <= computedAt);
}

export function isAtRisk(sla: IssueSla, computedAt: number): boolean {
  return sla.covered && sla.metrics.some((status) => metricStands(status, 'at-risk', computedAt));
}

/** Number.MAX_SAFE_INTEGER when nothing is left to meet. */
export function soonestDeadline(sla: IssueSla): number {
  const deadlines = sla.covered ? sla.metrics.flatMap((status) => (status.metAt === undefined && status.deadline != null ? [status.deadline] : [])) : [];
  return deadlines.length > 0 ? Math.min(...deadlines) : Number.MAX_SAFE_INTEGER;
}
