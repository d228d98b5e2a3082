/**
 * `lines:` of a contract: the support lines of the desk (first, second-platform, ...) and their
 * members. Each line is a group that metric conditions can name, and a line with a `handover`
 * target gets a metric `handover-<line>`: from the moment the issue is assigned to a member of the
 * line until a member of it comments or the status changes, once per handover, in the line's
 * calendar. Handing the issue on to someone outside the line before that cancels the cycle.
 */
import { z } from 'zod';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { WarningRule } from '../domain/contract.js';
import { eventConditionSchema, stateConditionSchema } from '../domain/metric-condition.js';
import type { MetricDefinition } from '../domain/metric-definition.js';
import type { Report } from './compile-config.js';
// Used only at parse time: schema.ts reads this module lazily, so the cycle is harmless.
import { idSchema, policySchema, warningSchema } from './schema.js';
import { escalateSchema, compileEscalations, type SupportLine } from './line-escalation-config.js';

const lineSchema = () =>
  z.strictObject({
    description: z.string().optional(),
    /** Tracker user names, logins or e-mail addresses. */
    members: z.array(z.string().min(1)).min(1, { error: 'name at least one member' }),
    /** The target of the line's handover metric; without it the line is only a group. */
    handover: policySchema.optional(),
    warnings: z.array(warningSchema).min(1).optional(),
    calendar: z.string().min(1).optional(),
    /** Where this line hears of issues escalated to it (a channel id); the contract's breach channels otherwise. */
    channel: z.string().min(1).optional(),
    /** Functional escalation to the next line: ./line-escalation-config.ts. */
    escalate: escalateSchema.optional(),
  });
export type LineFile = z.output<ReturnType<typeof lineSchema>>;

export const linesFileSchema = z.record(z.string(), z.unknown()).transform((entries, ctx) => {
  const lines: [string, LineFile][] = [];
  for (const [name, value] of Object.entries(entries)) {
    if (!idSchema.safeParse(name).success) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a line name is lower-case letters, digits and dashes (e.g. "second-platform")' });
      continue;
    }
    const parsed = lineSchema().safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
    else lines.push([name, parsed.data]);
  }
  return lines;
});

export interface CompiledLines {
  readonly groups: ReadonlyMap<string, ReadonlySet<string>>;
  readonly metrics: readonly MetricDefinition[];
  /** Each line's channel and escalation, by line name. */
  readonly lines: ReadonlyMap<string, SupportLine>;
}

export const handoverMetricName = (line: string) => `handover-${line}`;

export function compileLines(
  lines: readonly (readonly [string, LineFile])[],
  calendars: ReadonlyMap<string, BusinessCalendar>,
  taken: ReadonlySet<string>,
  fail: Report,
  contractWarnings: readonly WarningRule[] = [],
): CompiledLines {
  const support = compileEscalations(lines, fail);
  const groups = new Map<string, ReadonlySet<string>>();
  const metrics: MetricDefinition[] = [];
  for (const [line, file] of lines) {
    groups.set(line, new Set(file.members.map((member) => member.toLowerCase())));
    let calendar: BusinessCalendar | undefined;
    if (file.calendar) {
      calendar = calendars.get(file.calendar);
      if (!calendar) fail(['lines', line, 'calendar'], `unknown calendar "${file.calendar}" (known: ${[...calendars.keys()].sort().join(', ') || 'none'})`);
    }
    if (!file.handover) continue;
    const name = handoverMetricName(line);
    if (taken.has(name)) fail(['lines', line, 'handover'], `the line's handover metric is called ${name}, which metrics.${name} already is`);
    metrics.push({
      name,
      start: [eventConditionSchema.parse(`assigned_to_group:${line}`)],
      stop: [eventConditionSchema.parse(`comment_by:group:${line}`), eventConditionSchema.parse('status_changed')],
      pauseWhile: [stateConditionSchema.parse('category:paused')],
      pause: [],
      resume: [],
      reset: [],
      cancel: [eventConditionSchema.parse(`assigned_outside_group:${line}`)],
      retroactive: false,
      restarts: true,
      onReopen: 'ignore',
      targets: file.handover,
      ...warningsWith(file.warnings as readonly WarningRule[] | undefined, support.get(line)?.escalate?.after, contractWarnings),
      ...(calendar ? { calendar } : {}),
    });
  }
  return { groups, metrics, lines: support };
}

/**
 * An escalation at a threshold of the handover ("75%") needs a timer there: it joins the line's
 * warnings (the contract's, when the line names none) unless they hold it already.
 */
function warningsWith(own: readonly WarningRule[] | undefined, after: WarningRule | 'breach' | undefined, contract: readonly WarningRule[]): { warnings?: readonly WarningRule[] } {
  if (!after || after === 'breach' || (own ?? contract).some((rule) => rule.label === after.label)) return own ? { warnings: own } : {};
  return { warnings: [...(own ?? contract), after] };
}
