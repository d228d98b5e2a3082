import type { Contract } from '../domain/contract.js';
import { explainMetric, presetDefinition } from '../domain/metric-definition.js';
import { explainEscalation, explainLineMembers } from '../domain/escalation-text.js';

/** One line per metric of every contract, in contract order: "<contract>: <metric> starts when ..., stops when ...". */
export function explainContractMetrics(contracts: Iterable<Contract>): string[] {
  return [...contracts]
    .sort((a, b) => a.id.localeCompare(b.id))
    .flatMap((contract) => {
      const unlistedWaitForAcceptance = contract.contacts?.unlistedClock === 'on_acceptance';
      const definitions = [...contract.metrics.map(presetDefinition), ...(contract.customMetrics ?? [])];
      const escalations = [...(contract.supportLines?.values() ?? [])].flatMap((line) => [explainLineMembers(line), explainEscalation(line)].flatMap((text) => text ?? []));
      return [...definitions.map((definition) => `${contract.id}: ${explainMetric(definition, { unlistedWaitForAcceptance })}`), ...escalations.map((text) => `${contract.id}: ${text}`)];
    });
}
