import { loadBridgeConfig } from '../app/plugins.js';
import { resolveTarget } from '../domain/contract.js';
import { parseLocalIso, toLocalIso } from '../domain/local-time.js';
import { METRICS, metricSchema } from '../domain/metric.js';
import { PRIORITIES, prioritySchema } from '../domain/priority.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface DeadlineOptions {
  readonly contract: string;
  readonly priority: string;
  readonly metric: string;
  readonly from: string;
  readonly config: string;
  readonly json?: boolean;
}

/** Prints `add(calendar, from, target)` for one contract, metric and priority: no pauses, no events. */
export function deadlineCommand(options: DeadlineOptions, io: CliIo): number {
  const priority = prioritySchema.safeParse(options.priority.toUpperCase());
  if (!priority.success) throw new UsageError(`--priority: "${options.priority}" is not a priority (use ${PRIORITIES.join(', ')})`);
  const metric = metricSchema.safeParse(options.metric.toLowerCase());
  if (!metric.success) throw new UsageError(`--metric: "${options.metric}" is not a metric (use ${METRICS.join(', ')})`);
  const config = loadBridgeConfig(options.config, process.env, { sources: false });
  const contract = config.contracts.get(options.contract);
  if (!contract) {
    throw new UsageError(`--contract: unknown contract "${options.contract}" (known: ${[...config.contracts.keys()].join(', ')})`);
  }
  const target = resolveTarget(contract, metric.data, priority.data);
  const zone = target?.calendar.zone ?? contract.calendar.zone;
  const from = parseLocalIso(options.from, zone);
  if (from === undefined) {
    throw new UsageError(`--from: "${options.from}" is not an ISO-8601 date-time (e.g. 2026-11-30T14:30:00+01:00)`);
  }
  const deadline = target ? toLocalIso(target.calendar.add(from, target.ms), zone) : null;
  if (options.json) {
    io.out(
      JSON.stringify({
        contract: contract.id,
        customer: contract.customer,
        metric: metric.data,
        priority: priority.data,
        from: toLocalIso(from, zone),
        target: target?.text ?? null,
        targetMs: target?.ms ?? null,
        calendar: target?.calendar.id ?? contract.calendar.id,
        zone,
        deadline,
      }),
    );
  } else {
    io.out(deadline ?? 'none');
  }
  return 0;
}
