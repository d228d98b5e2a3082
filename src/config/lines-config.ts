/**
 * `lines:` of a contract: the support lines of the desk (first, second-platform, ...) and their
 * members. Each line is a group that metric conditions can name, and a line with a `handover`
 * target gets a metric `handover-<line>`: from the moment the issue is assigned to a member of the
 * line until a member of it comments or the status changes, once per handover, in the line's
 * calendar. Handing the issue on to someone outside the line before that cancels the cycle.
 *
 * Members are tracker users, or tracker groups written `group:<name>` (Jira groups, Gitea/Forgejo
 * `org/team`, GitHub `org/team-slug`, GitLab group paths), read from the tracker
 * (src/app/store/line-group-directory.ts). A line may also name `components:` (Jira components,
 * MantisBT categories): an issue moved into one of them is with the line, as if assigned to it;
 * moved out, its cycle is cancelled; a comment by an agent, a status change or an assignment to a
 * person is the line's reaction (whoever works a component is not listed anywhere).
 */
import { z } from 'zod';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { WarningRule } from '../domain/metric-rule.js';
import { eventConditionSchema, stateConditionSchema } from '../domain/metric-condition.js';
import type { MetricDefinition } from '../domain/metric-definition.js';
import type { Report } from './config-report.js';
// Used only at parse time: schema.ts reads this module lazily, so the cycle is harmless.
import { idSchema, policySchema, warningSchema } from './field-schemas.js';
import { escalateSchema, compileEscalations, type SupportLine } from './line-escalation-config.js';
import { GROUP_MEMBER_PREFIX, LineMembers, splitMembers } from '../domain/line-members.js';

const lineSchema = () =>
  z.strictObject({
    description: z.string().optional(),
    /** Tracker user names, logins or e-mail addresses, and tracker groups as `group:<name>`. */
    members: z
      .array(z.string().min(1))
      .default([])
      .superRefine((members, ctx) =>
        members.forEach((member, index) => {
          if (member.toLowerCase().startsWith(GROUP_MEMBER_PREFIX) && member.slice(GROUP_MEMBER_PREFIX.length).trim() === '') {
            ctx.addIssue({ code: 'custom', path: [index], message: 'name the tracker group after "group:", e.g. "group:platform-team"' });
          }
        }),
      ),
    /** Jira components or MantisBT categories whose issues are with the line. */
    components: z.array(z.string().min(1)).default([]),
    /** The target of the line's handover metric; without it the line is only a group. */
    handover: policySchema.optional(),
    warnings: z.array(warningSchema).min(1).optional(),
    calendar: z.string().min(1).optional(),
    /** Where this line hears of issues escalated to it (a channel id); the contract's breach channels otherwise. */
    channel: z.string().min(1).optional(),
    /** The duty rota's team (`teams/<id>.yaml`) whose person on duty this line's escalations name; the team serving the contract otherwise. */
    team: z.string().min(1).optional(),
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
    else if (parsed.data.members.length === 0 && parsed.data.components.length === 0) {
      ctx.addIssue({ code: 'custom', path: [name, 'members'], message: 'name at least one member (a tracker user or "group:<name>") or one of components:' });
    } else lines.push([name, parsed.data]);
  }
  return lines;
});

export interface CompiledLines {
  readonly groups: ReadonlyMap<string, LineMembers>;
  /** Lower-cased components (categories) by line, for lines that name any. */
  readonly components: ReadonlyMap<string, ReadonlySet<string>>;
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
  const groups = new Map<string, LineMembers>();
  const components = new Map<string, ReadonlySet<string>>();
  const metrics: MetricDefinition[] = [];
  for (const [line, file] of lines) {
    const { users, groups: trackerGroups } = splitMembers(file.members);
    groups.set(line, new LineMembers(users, trackerGroups));
    if (file.components.length > 0) components.set(line, new Set(file.components.map((component) => component.toLowerCase())));
    let calendar: BusinessCalendar | undefined;
    if (file.calendar) {
      calendar = calendars.get(file.calendar);
      if (!calendar) fail(['lines', line, 'calendar'], `unknown calendar "${file.calendar}" (known: ${[...calendars.keys()].sort().join(', ') || 'none'})`);
    }
    if (!file.handover) continue;
    const name = handoverMetricName(line);
    if (taken.has(name)) fail(['lines', line, 'handover'], `the line's handover metric is called ${name}, which metrics.${name} already is`);
    const conditions = handoverConditions(line, file.members.length > 0, file.components.length > 0);
    metrics.push({
      name,
      ...conditions,
      pauseWhile: [stateConditionSchema.parse('category:paused')],
      pause: [],
      resume: [],
      reset: [],
      retroactive: false,
      restarts: true,
      onReopen: 'ignore',
      targets: file.handover,
      ...warningsWith(file.warnings as readonly WarningRule[] | undefined, support.get(line)?.escalate?.after, contractWarnings),
      ...(calendar ? { calendar } : {}),
    });
  }
  return { groups, components, metrics, lines: support };
}

/**
 * A line of members starts on an assignment to one of them and stops on a member's comment or a
 * status change; assigned away, the cycle is cancelled. A line of components also starts when the
 * issue moves into one of them and is cancelled when it leaves them all; whoever works a component
 * is not listed, so a comment by any agent and an assignment to a person count as its reaction.
 */
function handoverConditions(line: string, members: boolean, components: boolean) {
  const condition = (text: string) => eventConditionSchema.parse(text);
  return {
    start: [...(members ? [condition(`assigned_to_group:${line}`)] : []), ...(components ? [condition(`component_entered:group:${line}`)] : [])],
    stop: [
      ...(members ? [condition(`comment_by:group:${line}`)] : []),
      ...(components ? [condition('comment_by:agent'), condition('assigned')] : []),
      condition('status_changed'),
    ],
    cancel: [...(members ? [condition(`assigned_outside_group:${line}`)] : []), ...(components ? [condition(`component_left:group:${line}`)] : [])],
  };
}

/**
 * An escalation at a threshold of the handover ("75%") needs a timer there: it joins the line's
 * warnings (the contract's, when the line names none) unless they hold it already.
 */
function warningsWith(own: readonly WarningRule[] | undefined, after: WarningRule | 'breach' | undefined, contract: readonly WarningRule[]): { warnings?: readonly WarningRule[] } {
  if (!after || after === 'breach' || (own ?? contract).some((rule) => rule.label === after.label)) return own ? { warnings: own } : {};
  return { warnings: [...(own ?? contract), after] };
}
