/** The metrics defined by conditions in the status API: per issue their states, per contract their sentences. */
import { formatDuration } from '../../domain/duration.js';
import type { Contract } from '../../domain/contract.js';
import { explainMetric } from '../../domain/metric-definition.js';
import type { IssueSla } from '../../domain/sla-clock.js';

export function customMetricsOfIssue(sla: IssueSla) {
  if (!sla.covered || !sla.custom) return {};
  return {
    customMetrics: sla.custom.map((status) => ({
      metric: status.metric,
      state: status.state,
      ...(status.reason ? { reason: status.reason } : {}),
      startedAt: status.startedAt,
      deadline: status.deadline,
      zone: status.zone,
      remainingMs: status.remainingMs,
      elapsedMs: status.elapsedMs,
      targetMs: status.target?.ms,
      metAt: status.metAt,
      ...(status.cycles ? { cycles: status.cycles } : {}),
    })),
  };
}

export function customMetricsOfContract(contract: Contract) {
  if (!contract.customMetrics) return {};
  return {
    customMetrics: contract.customMetrics.map((definition) => ({
      metric: definition.name,
      explanation: explainMetric(definition),
      targets: Object.fromEntries(Object.entries(definition.targets).map(([priority, target]) => [priority, target && formatDuration(target)])),
      calendar: definition.calendar?.id ?? null,
    })),
  };
}
