/**
 * The clock of metrics defined by conditions. Pure: it is fed an issue's events in their own order
 * with the facts before and after each, and evaluated at a `now` that is passed in.
 *
 * Within one event, each metric, in the contract's order (presets first), takes these steps:
 *   1. cancel: a running cycle that meets a cancel condition ends unmeasured;
 *   2. reset: a running cycle that meets a reset condition starts over at this instant;
 *   3. start: without a running cycle, a start condition opens one (the first ever, or a new one
 *      when the metric restarts); `met:<metric>` sees metrics before it met at this instant;
 *   4. stop: a running cycle that meets a stop condition is met, by the same event that started it too;
 *   5. reopen: reopening the issue resumes a met cycle or opens a new one, as the metric says;
 *   6. pause / resume: a resume condition ends an event pause, then a pause condition begins one.
 * Then every running cycle's clock runs or stands still by the facts after the event: it stands
 * while the issue is deleted, while a pause-while condition holds or an event pause lasts.
 * Several events at one instant are taken one after another in event order (issue-event.ts).
 */
import type { BusinessCalendar, Instant } from './business-calendar.js';
import { samePerson, type Reporter } from './contacts-rule.js';
import { calendarFor, type Contract } from './contract.js';
import type { WarningRule } from './metric-rule.js';
import { durationToMs, formatDuration as formatTarget } from './duration.js';
import type { IssueEvent } from './issue-event.js';
import type { MetricDefinition } from './metric-definition.js';
import { describeEvent, orList, type EventCondition, type StateCondition, type Written } from './metric-condition.js';
import type { Priority } from './priority.js';
import type { ClockSegment, MetricState, MetricStatus, ThresholdInstant } from './metric-status.js';
import type { IssueFacts } from './issue-facts.js';

/** Who belongs to a group, as lower-cased user names and e-mail addresses; undefined: no such group. */
export type GroupDirectory = (group: string) => ReadonlySet<string> | undefined;

export interface EngineContext {
  readonly contract: Contract;
  /** `accepted`: metrics that start at creation start when an agent accepts (an unlisted contact). */
  readonly creationStart: 'created' | 'accepted';
  readonly reporter?: Reporter | undefined;
  readonly groups?: GroupDirectory | undefined;
  /** The components (lower-cased) of a support line; undefined: no such line or none named. */
  readonly components?: GroupDirectory | undefined;
  /** The effective priority for the facts (environment clamps). */
  readonly priorityOf: (facts: IssueFacts) => Priority;
}

export interface MetricCycle {
  startedAt: Instant;
  metAt?: Instant;
  metBy?: Written<EventCondition>;
  cancelledAt?: Instant;
  cancelledBy?: Written<EventCondition>;
  /** An event pause that has not been resumed. */
  pausedBy?: Written<EventCondition>;
  readonly segments: ClockSegment[];
}

export interface MetricTrack {
  readonly definition: MetricDefinition;
  readonly cycles: MetricCycle[];
}

/** What an event changed: trackers restate unchanged fields, and a restatement meets nothing. */
export interface EventChange {
  readonly event: IssueEvent;
  readonly before: IssueFacts | undefined;
  readonly after: IssueFacts;
  readonly statusEntered?: string | undefined;
  readonly statusLeft?: string | undefined;
  readonly assigneeEntered?: string | undefined;
  readonly resolved: boolean;
  readonly reopened: boolean;
  readonly prioritySet: boolean;
  /** Lower-cased; worked out only for a metric that asks. */
  labelsAdded(): readonly string[];
  labelsRemoved(): readonly string[];
}

const lower = (text: string) => text.toLowerCase();

export function describeChange(event: IssueEvent, before: IssueFacts | undefined, after: IssueFacts): EventChange {
  const statusChanged = !before || lower(before.status) !== lower(after.status);
  const assigneeChanged = !before || before.assignee !== after.assignee;
  // An explicit `resolved` or `reopened` counts even as a restatement, as it always has.
  const seen = event.type === 'observed' && before !== undefined;
  const labels = () => {
    const had = new Set((before?.labels ?? []).map(lower));
    const has = new Set(after.labels.map(lower));
    return { added: [...has].filter((label) => !had.has(label)), removed: [...had].filter((label) => !has.has(label)) };
  };
  return {
    event,
    before,
    after,
    statusEntered: statusChanged ? after.status : undefined,
    statusLeft: statusChanged && before ? before.status : undefined,
    assigneeEntered: assigneeChanged && after.assignee !== null ? after.assignee : undefined,
    resolved: event.type === 'resolved' || (seen && !before.resolved && after.resolved),
    reopened: event.type === 'reopened' || (seen && before.resolved && !after.resolved),
    prioritySet: !before || before.requested !== after.requested,
    labelsAdded: () => labels().added,
    labelsRemoved: () => labels().removed,
  };
}

/** An agent takes the issue on: it is assigned to an agent, or an agent changes its status. */
function accepts(change: EventChange): boolean {
  const { event } = change;
  if (event.type === 'created' || event.type === 'assigned') return change.assigneeEntered !== undefined && event.toAgent === true;
  return event.type === 'status_changed' && change.statusEntered !== undefined && event.byAgent === true;
}

const isOpen = (facts: IssueFacts | undefined) => facts !== undefined && !facts.resolved && !facts.statusPaused;

function inGroup(context: EngineContext, group: string, ids: readonly string[]): boolean {
  const members = context.groups?.(group);
  return members !== undefined && ids.some((id) => members.has(lower(id)));
}

function inComponents(context: EngineContext, condition: { readonly component?: string | undefined; readonly group?: string | undefined }, component: string): boolean {
  if (condition.group === undefined) return lower(component) === lower(condition.component ?? '');
  return context.components?.(condition.group)?.has(lower(component)) === true;
}

function meetsEvent(condition: EventCondition, change: EventChange, context: EngineContext, metAtNow: (metric: string) => boolean): boolean {
  const { event, before, after } = change;
  switch (condition.kind) {
    case 'created':
      return context.creationStart === 'created' ? event.type === 'created' : accepts(change);
    case 'accepted':
      return accepts(change);
    case 'status_entered':
      return change.statusEntered !== undefined && lower(change.statusEntered) === lower(condition.status);
    case 'status_left':
      return change.statusLeft !== undefined && lower(change.statusLeft) === lower(condition.status);
    case 'status_changed':
      return before !== undefined && change.statusEntered !== undefined;
    case 'category_entered':
    case 'category_left': {
      const holds = (facts: IssueFacts | undefined) =>
        facts !== undefined && (condition.category === 'paused' ? facts.statusPaused : condition.category === 'resolved' ? facts.resolved : isOpen(facts));
      if (condition.category === 'resolved') return condition.kind === 'category_entered' ? change.resolved : change.reopened;
      return condition.kind === 'category_entered' ? !holds(before) && holds(after) : holds(before) && !holds(after);
    }
    case 'priority_set':
      return change.prioritySet && (condition.priority === undefined || after.requested === condition.priority);
    case 'assigned':
      return change.assigneeEntered !== undefined;
    case 'assigned_to_agent':
      return change.assigneeEntered !== undefined && (event.type === 'created' || event.type === 'assigned') && event.toAgent === true;
    case 'assigned_to':
      return change.assigneeEntered !== undefined && lower(change.assigneeEntered) === lower(condition.person);
    case 'assigned_to_group':
      return change.assigneeEntered !== undefined && inGroup(context, condition.group, [change.assigneeEntered]);
    case 'assigned_outside_group':
      return before !== undefined && before.assignee !== after.assignee && (after.assignee === null || !inGroup(context, condition.group, [after.assignee]));
    case 'label_added':
      return change.labelsAdded().includes(lower(condition.label));
    case 'label_removed':
      return change.labelsRemoved().includes(lower(condition.label));
    case 'component_entered':
    case 'component_left': {
      const within = (facts: IssueFacts | undefined) => facts?.component !== undefined && inComponents(context, condition, facts.component);
      const was = before !== undefined && within(before);
      const is = within(after);
      return condition.kind === 'component_entered' ? is && !was : was && !is;
    }
    case 'comment_by':
      if (event.type !== 'commented') return false;
      if (condition.by === 'agent') return event.by === 'agent' && event.public;
      if (condition.by === 'customer') return event.by === 'customer';
      return samePerson(event.author, context.reporter);
    case 'comment_by_group':
      return event.type === 'commented' && event.author !== undefined && inGroup(context, condition.group, [...event.author.names, ...(event.author.email ? [event.author.email] : [])]);
    case 'resolved':
      return change.resolved;
    case 'reopened':
      return change.reopened;
    case 'met':
      return metAtNow(condition.metric);
  }
}

function holdsState(condition: StateCondition, facts: IssueFacts): boolean {
  switch (condition.kind) {
    case 'status':
      return lower(facts.status) === lower(condition.status);
    case 'category':
      return condition.category === 'paused' ? facts.statusPaused : condition.category === 'resolved' ? facts.resolved : isOpen(facts);
    case 'label':
      return facts.labels.some((label) => lower(label) === lower(condition.label));
    case 'unassigned':
      return facts.assignee === null;
    case 'priority':
      return facts.requested === condition.priority;
  }
}

function stateReason(condition: StateCondition, facts: IssueFacts): string {
  switch (condition.kind) {
    case 'status':
      return `paused in status "${facts.status}"`;
    case 'category':
      if (condition.category === 'paused') return `paused in status "${facts.status}"`;
      return condition.category === 'resolved' ? 'issue resolved' : `paused in open status "${facts.status}"`;
    case 'label':
      return `paused while labelled "${condition.label}"`;
    case 'unassigned':
      return 'paused while unassigned';
    case 'priority':
      return `paused while ${condition.priority}`;
  }
}

/** Why a running cycle's clock stands still, if it does. */
function holdReason(definition: MetricDefinition, cycle: MetricCycle, facts: IssueFacts): string | undefined {
  if (facts.deleted) return 'issue deleted';
  const holding = definition.pauseWhile.find((condition) => holdsState(condition, facts));
  if (holding) return stateReason(holding, facts);
  if (cycle.pausedBy) return `paused since ${describeEvent(cycle.pausedBy)}`;
  return undefined;
}

const currentCycle = (track: MetricTrack): MetricCycle | undefined => track.cycles[track.cycles.length - 1];
const isRunning = (cycle: MetricCycle | undefined): cycle is MetricCycle => cycle !== undefined && cycle.metAt === undefined && cycle.cancelledAt === undefined;

function openSegment(cycle: MetricCycle): ClockSegment | undefined {
  const last = cycle.segments[cycle.segments.length - 1];
  return last && last.to === null ? last : undefined;
}

function closeSegment(cycle: MetricCycle, at: Instant): void {
  const open = openSegment(cycle);
  if (open) cycle.segments[cycle.segments.length - 1] = { ...open, to: Math.max(at, open.from) };
}

export function metricCalendar(contract: Contract, definition: MetricDefinition, priority: Priority): BusinessCalendar {
  return definition.calendar ?? calendarFor(contract, priority);
}

function startCycle(track: MetricTrack, change: EventChange, context: EngineContext): void {
  const { at } = change.event;
  const first = track.cycles.length === 0;
  const cycle: MetricCycle = { startedAt: at, segments: [] };
  if (first && track.definition.retroactive && change.after.createdAt < at) {
    // Counted from creation at the priority the issue has when the metric attaches.
    const priority = context.priorityOf(change.after);
    cycle.startedAt = change.after.createdAt;
    cycle.segments.push({ from: change.after.createdAt, to: at, priority, calendar: metricCalendar(context.contract, track.definition, priority).id });
  }
  track.cycles.push(cycle);
}

const firstMet = (conditions: readonly Written<EventCondition>[], test: (condition: EventCondition) => boolean) => conditions.find(test);

export class ConditionEngine {
  readonly tracks: MetricTrack[];

  constructor(definitions: readonly MetricDefinition[], private readonly context: EngineContext) {
    this.tracks = definitions.map((definition) => ({ definition, cycles: [] }));
  }

  /** Applies one event: `before` is undefined for the issue's creation; `after` is read during the call only. */
  step(event: IssueEvent, before: IssueFacts | undefined, after: IssueFacts): void {
    const change = describeChange(event, before, after);
    const { at } = event;
    const metAtNow = (metric: string) => {
      const track = this.tracks.find((candidate) => candidate.definition.name === metric);
      return track !== undefined && currentCycle(track)?.metAt === at;
    };
    const test = (condition: EventCondition) => meetsEvent(condition, change, this.context, metAtNow);
    for (const track of this.tracks) {
      const { definition } = track;
      let cycle = currentCycle(track);
      if (isRunning(cycle)) {
        const cancel = firstMet(definition.cancel, test);
        if (cancel) {
          closeSegment(cycle, at);
          cycle.cancelledAt = at;
          cycle.cancelledBy = cancel;
        } else if (firstMet(definition.reset, test)) {
          closeSegment(cycle, at);
          track.cycles[track.cycles.length - 1] = { startedAt: at, segments: [] };
        }
      }
      cycle = currentCycle(track);
      if (!isRunning(cycle) && (cycle === undefined || definition.restarts) && firstMet(definition.start, test)) startCycle(track, change, this.context);
      cycle = currentCycle(track);
      if (isRunning(cycle)) {
        const stop = firstMet(definition.stop, test);
        if (stop) {
          cycle.metAt = at;
          cycle.metBy = stop;
        }
      }
      if (change.reopened && cycle?.metAt !== undefined) {
        if (definition.onReopen === 'resume') {
          delete cycle.metAt;
          delete cycle.metBy;
        } else if (definition.onReopen === 'new_cycle') {
          track.cycles.push({ startedAt: at, segments: [] });
        }
      }
      cycle = currentCycle(track);
      if (isRunning(cycle)) {
        if (cycle.pausedBy && firstMet(definition.resume, test)) delete cycle.pausedBy;
        const pause = firstMet(definition.pause, test);
        if (pause) cycle.pausedBy = pause;
      }
    }
    this.sync(after, at);
  }

  /** Opens, closes or re-prioritizes every running cycle's segment to match the facts at `at`. */
  private sync(facts: IssueFacts, at: Instant): void {
    const priority = this.context.priorityOf(facts);
    for (const track of this.tracks) {
      for (const cycle of track.cycles) {
        const shouldRun = isRunning(cycle) && holdReason(track.definition, cycle, facts) === undefined;
        const open = openSegment(cycle);
        if (open && (!shouldRun || open.priority !== priority)) closeSegment(cycle, at);
        if (shouldRun && !openSegment(cycle)) {
          cycle.segments.push({ from: Math.max(at, cycle.startedAt), to: null, priority, calendar: metricCalendar(this.context.contract, track.definition, priority).id });
        }
      }
    }
  }
}

/** A metric's state: the fixed metrics' MetricStatus with a name of any metric, and its cycles. */
export interface ConditionMetricStatus extends Omit<MetricStatus, 'metric' | 'state'> {
  readonly metric: string;
  readonly state: MetricState | 'cancelled';
  /** Earlier cycles of a metric that restarts or was reset or cancelled; absent while there is one. */
  readonly cycles?: readonly CycleSummary[];
}

export interface CycleSummary {
  readonly startedAt: Instant;
  readonly endedAt: Instant | null;
  readonly outcome: 'met' | 'breached' | 'cancelled' | 'open';
  readonly elapsedMs: number;
}

type CalendarOf = (priority: Priority) => BusinessCalendar;

/**
 * When the elapsed business time along the segments reaches each amount (ascending); null if not yet
 * foreseeable. Zero is reached where the clock can first count: at its start in working hours, else
 * at the next opening, unless the clock stops before that.
 */
function crossingInstants(calendarOf: CalendarOf, segments: readonly ClockSegment[], amounts: readonly number[]): (Instant | null)[] {
  const reachedAt: (Instant | null)[] = amounts.map(() => null);
  let elapsed = 0;
  for (const segment of segments) {
    const calendar = calendarOf(segment.priority);
    const length = segment.to === null ? Infinity : calendar.between(segment.from, segment.to);
    amounts.forEach((amount, index) => {
      if (reachedAt[index] !== null) return;
      const needed = amount - elapsed;
      if (needed > 0 && needed <= length) reachedAt[index] = calendar.add(segment.from, needed);
      if (needed === 0) {
        const begins = calendar.add(segment.from, 0);
        if (segment.to === null || begins <= segment.to) reachedAt[index] = begins;
      }
    });
    if (segment.to !== null) elapsed += length;
  }
  return reachedAt;
}

function elapsedAt(calendarOf: CalendarOf, segments: readonly ClockSegment[], now: Instant): number {
  return segments.reduce((sum, segment) => sum + calendarOf(segment.priority).between(segment.from, Math.max(segment.from, segment.to ?? now)), 0);
}

/** No contract repeats a breach message this often; the bound keeps a tiny `every` from looping for long. */
const MAX_ESCALATIONS = 1_000;

function escalationInstants(calendarOf: CalendarOf, segments: readonly ClockSegment[], targetMs: number, everyMs: number, max: number | undefined, now: Instant): ThresholdInstant[] {
  const escalations: ThresholdInstant[] = [];
  const limit = Math.min(max ?? MAX_ESCALATIONS, MAX_ESCALATIONS);
  for (let repeat = 1; repeat <= limit && everyMs > 0; repeat += 1) {
    const elapsedMs = targetMs + repeat * everyMs;
    const at = crossingInstants(calendarOf, segments, [elapsedMs])[0]!;
    escalations.push({ label: `escalation ${repeat}`, elapsedMs, at });
    if (at === null || at > now) break;
  }
  return escalations;
}

function describeMeeting(condition: Written<EventCondition>): string {
  switch (condition.kind) {
    case 'comment_by':
      if (condition.by === 'agent') return 'met by an agent comment';
      break;
    case 'assigned':
      return 'met by assignment';
    case 'resolved':
      return 'met by resolving the issue';
    case 'status_entered':
      return `met by status "${condition.status}"`;
  }
  return `met when ${describeEvent(condition)}`;
}

function notStartedReason(definition: MetricDefinition, context: EngineContext): string {
  const start = definition.start;
  if (start.length === 1 && start[0]!.kind === 'created') return 'starts when an agent accepts the issue (reported by an unlisted contact)';
  if (start.length === 1 && start[0]!.kind === 'met') return `starts when ${start[0]!.metric} is met`;
  const phrases = start.map((condition) => (condition.kind === 'created' && context.creationStart === 'accepted' ? 'an agent accepts the issue' : describeEvent(condition)));
  return `starts when ${orList(phrases)}`;
}

function thresholdsOf(rules: readonly WarningRule[], targetMs: number, calendar: BusinessCalendar) {
  return (
    rules
      .map((warning) => ({
        label: warning.label,
        elapsedMs: warning.kind === 'fraction' ? Math.ceil(warning.fraction * targetMs) : targetMs - durationToMs(warning.duration, calendar.dayMs, calendar.weekMs),
      }))
      // A warning at zero ("2h before" a 2h target) is due when the clock starts counting; one at or
      // past the target would only repeat the breach.
      .filter((threshold) => threshold.elapsedMs >= 0 && threshold.elapsedMs < targetMs)
      .sort((a, b) => a.elapsedMs - b.elapsedMs)
  );
}

/** The state of a metric at `now`, from its latest cycle. */
export function evaluateTrack(track: MetricTrack, context: EngineContext, facts: IssueFacts, priority: Priority, now: Instant): ConditionMetricStatus {
  const { definition } = track;
  const { contract } = context;
  const calendarOf: CalendarOf = (at) => metricCalendar(contract, definition, at);
  const calendar = calendarOf(priority);
  const base = { metric: definition.name, priority, calendar: calendar.id, zone: calendar.zone };
  const duration = definition.targets[priority];
  if (!duration) return { ...base, state: 'not_applicable', reason: `${contract.id} sets no ${definition.name} target for ${priority}` };
  const cycle = currentCycle(track);
  if (facts.deleted && (cycle === undefined || cycle.metAt === undefined)) return { ...base, state: 'not_applicable', reason: 'issue deleted' };
  const target = { text: formatTarget(duration), ms: durationToMs(duration, calendar.dayMs, calendar.weekMs) };
  if (cycle === undefined) return { ...base, target, state: 'not_started', reason: notStartedReason(definition, context) };

  const thresholds = thresholdsOf(definition.warnings ?? contract.warnings, target.ms, calendar);
  const reachedAt = crossingInstants(calendarOf, cycle.segments, [...thresholds.map((threshold) => threshold.elapsedMs), target.ms]);
  const deadline = reachedAt[reachedAt.length - 1]!;
  const elapsed = elapsedAt(calendarOf, cycle.segments, now);
  const escalations = contract.escalation
    ? escalationInstants(calendarOf, cycle.segments, target.ms, durationToMs(contract.escalation.every, calendar.dayMs, calendar.weekMs), contract.escalation.max, now)
    : [];
  const earlier = track.cycles.slice(0, -1).map((past) => summarize(past, calendarOf, target.ms, now));
  const result = {
    ...base,
    target,
    startedAt: cycle.startedAt,
    deadline,
    elapsedMs: elapsed,
    remainingMs: target.ms - elapsed,
    warnings: thresholds.map((threshold, index) => ({ ...threshold, at: reachedAt[index]! })),
    escalations,
    segments: [...cycle.segments],
    ...(earlier.length > 0 ? { cycles: earlier } : {}),
  };
  if (cycle.cancelledAt !== undefined) return { ...result, state: 'cancelled', reason: `cancelled when ${describeEvent(cycle.cancelledBy!)}` };
  if (cycle.metAt !== undefined) {
    const late = deadline !== null && cycle.metAt > deadline;
    return { ...result, metAt: cycle.metAt, state: late ? 'breached' : 'met', reason: describeMeeting(cycle.metBy!) };
  }
  if (deadline !== null && deadline < now) return { ...result, state: 'breached' };
  if (openSegment(cycle)) return { ...result, state: 'running' };
  return { ...result, state: 'paused', reason: holdReason(definition, cycle, facts) ?? 'paused' };
}

function summarize(cycle: MetricCycle, calendarOf: CalendarOf, targetMs: number, now: Instant): CycleSummary {
  const elapsedMs = elapsedAt(calendarOf, cycle.segments, now);
  const endedAt = cycle.cancelledAt ?? cycle.metAt ?? null;
  const outcome = cycle.cancelledAt !== undefined ? 'cancelled' : cycle.metAt === undefined ? 'open' : elapsedMs > targetMs ? 'breached' : 'met';
  return { startedAt: cycle.startedAt, endedAt, outcome, elapsedMs };
}
