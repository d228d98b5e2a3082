/**
 * `metrics:` of a contract: the three presets as before (`starts`, `met_by`, `pauses_on`, their
 * targets in `policies:`), and any number of metrics defined by conditions under names of the
 * contract's own, with their targets, warnings and calendar inline.
 */
import { z } from 'zod';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { WarningRule } from '../domain/metric-rule.js';
import { eventConditionSchema, stateConditionSchema } from '../domain/metric-condition.js';
import { REOPEN_ACTIONS, type MetricDefinition } from '../domain/metric-definition.js';
import { METRICS, type Metric } from '../domain/metric.js';
import type { PathPart, Report } from './config-report.js';
// Used only at parse time: schema.ts reads this module lazily, so the cycle is harmless.
import { metricDefinitionSchema, policySchema, warningSchema } from './field-schemas.js';

export type PresetMetricFile = z.infer<typeof metricDefinitionSchema>;

const METRIC_NAME = /^[a-z][a-z0-9_-]*$/;

const conditionMetricSchema = () =>
  z.strictObject({
    description: z.string().optional(),
    start: z.array(eventConditionSchema).min(1, { error: 'name at least one start condition' }),
    stop: z.array(eventConditionSchema).min(1, { error: 'name at least one stop condition' }),
    pause_while: z.array(stateConditionSchema).default([]),
    pause: z.array(eventConditionSchema).default([]),
    resume: z.array(eventConditionSchema).default([]),
    reset: z.array(eventConditionSchema).default([]),
    cancel: z.array(eventConditionSchema).default([]),
    retroactive: z.boolean().default(false),
    restarts: z.boolean().default(false),
    on_reopen: z.enum(REOPEN_ACTIONS, { error: `expected one of ${REOPEN_ACTIONS.join(', ')}` }).default('ignore'),
    targets: policySchema,
    warnings: z.array(warningSchema).min(1).optional(),
    calendar: z.string().min(1).optional(),
  });
export type ConditionMetricFile = z.output<ReturnType<typeof conditionMetricSchema>>;

export interface MetricsFile {
  readonly presets: Partial<Record<Metric, PresetMetricFile>>;
  /** In the order the file lists them: a metric may start when one before it is met. */
  readonly custom: readonly (readonly [string, ConditionMetricFile])[];
}

const isPreset = (name: string): name is Metric => (METRICS as readonly string[]).includes(name);

export const metricsFileSchema = z.record(z.string(), z.unknown()).transform((entries, ctx): MetricsFile => {
  const presets: Partial<Record<Metric, PresetMetricFile>> = {};
  const custom: [string, ConditionMetricFile][] = [];
  const schema = conditionMetricSchema();
  for (const [name, value] of Object.entries(entries)) {
    const parsed = isPreset(name) ? metricDefinitionSchema.safeParse(value) : schema.safeParse(value);
    if (!isPreset(name) && !METRIC_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a metric name is lower-case letters, digits, dashes and underscores (e.g. "handover")' });
      continue;
    }
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
      continue;
    }
    if (isPreset(name)) presets[name] = parsed.data as PresetMetricFile;
    else custom.push([name, parsed.data as ConditionMetricFile]);
  }
  return { presets, custom };
});

/**
 * The contract's metrics defined by conditions, checked against each other and the calendars:
 * `met:<metric>` names a metric measured before it, a resume needs a pause.
 */
export function compileConditionMetrics(
  file: MetricsFile,
  measuredPresets: readonly Metric[],
  calendars: ReadonlyMap<string, BusinessCalendar>,
  fail: Report,
): MetricDefinition[] {
  const before = new Set<string>(measuredPresets);
  const definitions: MetricDefinition[] = [];
  for (const [name, metric] of file.custom) {
    const at = (...path: PathPart[]) => ['metrics', name, ...path];
    for (const list of ['start', 'stop', 'pause', 'resume', 'reset', 'cancel'] as const) {
      metric[list].forEach((condition, index) => {
        if (condition.kind !== 'met') return;
        if (condition.metric === name) fail(at(list, index), `"${condition.text}": a metric cannot wait for itself`);
        else if (!before.has(condition.metric)) {
          fail(at(list, index), `"${condition.text}": ${condition.metric} is not a metric measured before ${name} (measured before it: ${[...before].join(', ') || 'none'})`);
        }
      });
    }
    if (metric.resume.length > 0 && metric.pause.length === 0) fail(at('resume'), 'resume conditions end a pause: name the pause conditions too');
    let calendar: BusinessCalendar | undefined;
    if (metric.calendar) {
      calendar = calendars.get(metric.calendar);
      if (!calendar) fail(at('calendar'), `unknown calendar "${metric.calendar}" (known: ${[...calendars.keys()].sort().join(', ') || 'none'})`);
    }
    before.add(name);
    definitions.push({
      name,
      start: metric.start,
      stop: metric.stop,
      pauseWhile: metric.pause_while,
      pause: metric.pause,
      resume: metric.resume,
      reset: metric.reset,
      cancel: metric.cancel,
      retroactive: metric.retroactive,
      restarts: metric.restarts,
      onReopen: metric.on_reopen,
      targets: metric.targets,
      ...(metric.warnings ? { warnings: metric.warnings as readonly WarningRule[] } : {}),
      ...(calendar ? { calendar } : {}),
    });
  }
  return definitions;
}
