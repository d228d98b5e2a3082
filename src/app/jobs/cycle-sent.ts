/**
 * Under which name a metric's sent notifications are kept. A metric that restarts (a handover per
 * line) warns, breaches and escalates once per cycle: its first cycle keeps the metric's own name,
 * as every metric did before cycles (so stored marks and exports stay as they were), and each
 * later cycle `<metric>#<n>`, a set and a notification id of its own.
 */
import type { TimedMetricStatus } from './timed-metrics.js';

export function sentName(status: TimedMetricStatus): string {
  const earlier = 'cycles' in status ? (status.cycles?.length ?? 0) : 0;
  return earlier === 0 ? status.metric : `${status.metric}#${earlier + 1}`;
}
