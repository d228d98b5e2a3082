/** The metrics of an issue that timers plan and notifications name: the presets, then the contract's metrics defined by conditions. */
import type { ConditionMetricStatus } from '../../domain/condition-engine.js';
import type { IssueSla } from '../../domain/sla-clock.js';
import type { MetricStatus } from '../../domain/metric-status.js';

export type TimedMetricStatus = MetricStatus | ConditionMetricStatus;

export function timedMetrics(sla: IssueSla): TimedMetricStatus[] {
  return sla.covered ? [...sla.metrics, ...(sla.custom ?? [])] : [];
}
