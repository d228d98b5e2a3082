/**
 * Today's SLA clock before metrics were defined by conditions, kept as the reference the
 * presets are proven equal to (test/preset-metrics.property.test.ts). The SLA clock: a pure function from an issue's event history, the contracts and `now` to the
 * state of every metric. The whole history is folded every time, so a late or out-of-order event
 * simply lands in its place and the answer is the same as if events had arrived in order.
 */
import type { Instant } from '../../src/domain/business-calendar.js';
import { checkContact, type ContactCheck } from '../../src/domain/contacts-rule.js';
import { evaluateSignoff, type SignoffStatus, type SignoffStep } from '../../src/domain/signoff-rule.js';
import { calendarFor, resolveTarget, type Contract } from '../../src/domain/contract.js';
import type { MetricRule } from '../../src/domain/metric-rule.js';
import { findContract } from '../../src/domain/coverage.js';
import { durationToMs } from '../../src/domain/duration.js';
import { inEventOrder, type IssueEvent } from '../../src/domain/issue-event.js';
import type { Metric } from '../../src/domain/metric.js';
import { clampPriority, type Priority } from '../../src/domain/priority.js';

export type MetricState = 'running' | 'paused' | 'met' | 'breached' | 'not_started' | 'not_applicable';

/** A stretch of time during which a metric's clock ran, at one priority. */
export interface ClockSegment {
  readonly from: Instant;
  /** `null` while the clock is still running. */
  readonly to: Instant | null;
  readonly priority: Priority;
  readonly calendar: string;
}

export interface ThresholdInstant {
  readonly label: string;
  /** Business ms of elapsed time at which the threshold is reached. */
  readonly elapsedMs: number;
  /** When it was or will be reached; `null` while paused before reaching it, or never (met first). */
  readonly at: Instant | null;
}

export interface MetricStatus {
  readonly metric: Metric;
  readonly state: MetricState;
  /** Why a metric is paused, not started or not applicable, or how it was met. */
  readonly reason?: string;
  readonly priority: Priority;
  readonly calendar: string;
  /** The calendar's time zone: deadlines are shown in its local time. */
  readonly zone: string;
  readonly target?: { readonly text: string; readonly ms: number };
  readonly startedAt?: Instant;
  readonly metAt?: Instant;
  /** When the target is or was reached; `null` while paused before reaching it. */
  readonly deadline?: Instant | null;
  readonly elapsedMs?: number;
  /** Target minus elapsed business time: negative when overdue. */
  readonly remainingMs?: number;
  readonly warnings?: readonly ThresholdInstant[];
  /**
   * Repeats after the breach, as far as they have come by `now` plus the next one; empty when the
   * contract has none.
   */
  readonly escalations?: readonly ThresholdInstant[];
  readonly segments?: readonly ClockSegment[];
}

export interface PriorityDecision {
  readonly effective: Priority;
  readonly requested: Priority;
  readonly reason: string;
}

export type IssueSla =
  | {
      readonly covered: false;
      readonly reason: string;
      /** Deleted in the tracker: nothing may be written to it any more. Absent in states saved before. */
      readonly deleted?: boolean;
    }
  | {
      readonly covered: true;
      readonly contract: string;
      readonly customer: string;
      /** When the tracker says the issue was created: it places the issue in a monthly report. */
      readonly createdAt: Instant;
      readonly priority: PriorityDecision;
      readonly status: string;
      readonly assignee: string | null;
      readonly resolved: boolean;
      readonly deleted: boolean;
      readonly metrics: readonly MetricStatus[];
      /** Whether an authorized contact reported it; only for contracts that list their contacts. */
      readonly contact?: ContactCheck;
      /** The customer's sign-off of the resolution; only for contracts that measure it. */
      readonly signoff?: SignoffStatus;
    };

export interface IssueHistory {
  readonly source: string;
  readonly events: readonly IssueEvent[];
}

/** What the clock knows of an issue at a point of its history: every field an event can set. */
export interface IssueFacts {
  createdAt: Instant;
  project: string;
  component: string | undefined;
  labels: readonly string[];
  environment: string | null;
  requested: Priority;
  status: string;
  statusPaused: boolean;
  assignee: string | null;
  resolved: boolean;
  deleted: boolean;
}

export function applyFacts(facts: IssueFacts, event: IssueEvent): void {
  switch (event.type) {
    case 'created':
      Object.assign(facts, {
        createdAt: event.at,
        project: event.project,
        component: event.component,
        labels: event.labels,
        environment: event.environment,
        requested: event.priority,
        status: event.status,
        statusPaused: event.paused,
        assignee: event.assignee,
      });
      return;
    case 'priority_changed':
      facts.requested = event.priority;
      return;
    case 'status_changed':
      facts.status = event.status;
      facts.statusPaused = event.paused;
      return;
    case 'resolved':
      facts.resolved = true;
      if (event.status) facts.status = event.status;
      return;
    case 'reopened':
      facts.resolved = false;
      if (event.status) facts.status = event.status;
      return;
    case 'moved':
      facts.project = event.project;
      facts.component = event.component;
      return;
    case 'deleted':
      facts.deleted = true;
      return;
    case 'environment_changed':
      facts.environment = event.environment;
      return;
    case 'labels_changed':
      facts.labels = event.labels;
      return;
    case 'assigned':
      facts.assignee = event.assignee;
      return;
    case 'observed':
      if (event.status !== undefined) Object.assign(facts, { status: event.status, statusPaused: event.paused ?? false });
      if (event.resolved !== undefined) facts.resolved = event.resolved;
      if (event.priority !== undefined) facts.requested = event.priority;
      if (event.assignee !== undefined) facts.assignee = event.assignee;
      return;
    case 'commented':
      return;
    case 'time_logged':
      return;
  }
}

function decidePriority(contract: Contract, facts: IssueFacts): PriorityDecision {
  const rule = facts.environment ? contract.environments.get(facts.environment.toLowerCase()) : undefined;
  if (rule) {
    const effective = clampPriority(facts.requested, rule.clampTo);
    if (effective !== facts.requested) return { effective, requested: facts.requested, reason: `clamped to ${effective}: ${rule.reason}` };
  }
  return { effective: facts.requested, requested: facts.requested, reason: `${facts.requested} as set in the tracker` };
}

/** What an event changed: trackers restate unchanged fields, and a restatement meets nothing. */
interface EventChange {
  readonly event: IssueEvent;
  readonly statusEntered?: string | undefined;
  readonly assigneeEntered?: string | undefined;
  /** The issue became resolved: by a `resolved` event, or seen resolved by an `observed` one. */
  readonly resolved: boolean;
  /** The issue became unresolved again, likewise. */
  readonly reopened: boolean;
}

function describeChange(event: IssueEvent, before: IssueFacts | undefined, after: IssueFacts): EventChange {
  const statusChanged = !before || before.status.toLowerCase() !== after.status.toLowerCase();
  const assigneeChanged = !before || before.assignee !== after.assignee;
  // An explicit `resolved` or `reopened` counts even as a restatement, as it always has.
  const seen = event.type === 'observed' && before !== undefined;
  return {
    event,
    statusEntered: statusChanged ? after.status : undefined,
    assigneeEntered: assigneeChanged && after.assignee !== null ? after.assignee : undefined,
    resolved: event.type === 'resolved' || (seen && !before.resolved && after.resolved),
    reopened: event.type === 'reopened' || (seen && before.resolved && !after.resolved),
  };
}

function meets(condition: string, change: EventChange): boolean {
  const { event } = change;
  switch (condition) {
    case 'agent_comment':
      return event.type === 'commented' && event.by === 'agent' && event.public;
    case 'assigned':
      return change.assigneeEntered !== undefined;
    case 'resolved':
      return change.resolved;
  }
  if (!condition.startsWith('status:')) return false;
  return change.statusEntered?.toLowerCase() === condition.slice('status:'.length).toLowerCase();
}

interface MetricTrack {
  readonly rule: MetricRule;
  startedAt?: Instant;
  metAt?: Instant;
  metBy?: string;
  readonly segments: ClockSegment[];
}

/** Why the clock of a started, unmet metric stands still, if it does. */
function holdReason(track: MetricTrack, facts: IssueFacts): string | undefined {
  if (facts.deleted) return 'issue deleted';
  if (facts.statusPaused || track.rule.pausesOn.has(facts.status.toLowerCase())) return `paused in status "${facts.status}"`;
  if (facts.resolved && !track.rule.metBy.includes('resolved')) return 'issue resolved';
  return undefined;
}

function openSegment(track: MetricTrack): ClockSegment | undefined {
  const last = track.segments[track.segments.length - 1];
  return last && last.to === null ? last : undefined;
}

function closeSegment(track: MetricTrack, at: Instant): void {
  const open = openSegment(track);
  if (open) track.segments[track.segments.length - 1] = { ...open, to: Math.max(at, open.from) };
}

/** Opens, closes or re-prioritizes every metric's running segment to match the facts at `at`. */
function syncClocks(tracks: readonly MetricTrack[], contract: Contract, facts: IssueFacts, at: Instant): void {
  const priority = decidePriority(contract, facts).effective;
  for (const track of tracks) {
    const shouldRun = track.startedAt !== undefined && track.metAt === undefined && holdReason(track, facts) === undefined;
    const open = openSegment(track);
    if (open && (!shouldRun || open.priority !== priority)) closeSegment(track, at);
    if (shouldRun && !openSegment(track)) {
      track.segments.push({ from: Math.max(at, track.startedAt!), to: null, priority, calendar: calendarFor(contract, priority).id });
    }
  }
}

/** An agent takes the issue on: it is assigned to an agent, or an agent changes its status. */
function accepts(change: EventChange): boolean {
  const { event } = change;
  if (event.type === 'created' || event.type === 'assigned') return change.assigneeEntered !== undefined && event.toAgent === true;
  return event.type === 'status_changed' && change.statusEntered !== undefined && event.byAgent === true;
}

/** What starts the metrics that start at creation: the creation, or an agent's acceptance. */
type CreationStart = 'created' | 'accepted';

function startsNow(start: CreationStart, change: EventChange): boolean {
  return start === 'created' ? change.event.type === 'created' : accepts(change);
}

function applyMeetings(tracks: readonly MetricTrack[], change: EventChange, start: CreationStart = 'created'): void {
  const { event } = change;
  for (const track of tracks) {
    if (track.startedAt === undefined && track.rule.starts === 'created' && startsNow(start, change)) track.startedAt = event.at;
    if (track.startedAt !== undefined && track.metAt === undefined) {
      const condition = track.rule.metBy.find((candidate) => meets(candidate, change));
      if (condition) {
        track.metAt = event.at;
        track.metBy = condition;
      }
    }
    // Tracks are in metric order, so a metric that starts when an earlier one is met sees it here.
    if (track.metAt === event.at) {
      for (const dependent of tracks) {
        if (dependent.startedAt === undefined && dependent.rule.starts === `${track.rule.metric}_met`) dependent.startedAt = event.at;
      }
    }
  }
  // Reopening undoes the fix, not the reaction or the communicated response: only resolution resumes.
  if (change.reopened) {
    for (const track of tracks) {
      if (track.rule.metric === 'resolution') {
        track.metAt = undefined;
        track.metBy = undefined;
      }
    }
  }
}

function describeMeeting(condition: string): string {
  if (condition === 'agent_comment') return 'met by an agent comment';
  if (condition === 'assigned') return 'met by assignment';
  if (condition === 'resolved') return 'met by resolving the issue';
  return `met by status "${condition.slice('status:'.length)}"`;
}

/**
 * When the elapsed business time along the segments reaches each amount (ascending); null if not yet
 * foreseeable. Zero is reached where the clock can first count: at its start in working hours, else
 * at the next opening, unless the clock stops before that.
 */
function crossingInstants(contract: Contract, segments: readonly ClockSegment[], amounts: readonly number[]): (Instant | null)[] {
  const reachedAt: (Instant | null)[] = amounts.map(() => null);
  let elapsed = 0;
  for (const segment of segments) {
    const calendar = calendarFor(contract, segment.priority);
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

function elapsedAt(contract: Contract, segments: readonly ClockSegment[], now: Instant): number {
  return segments.reduce((sum, segment) => sum + calendarFor(contract, segment.priority).between(segment.from, Math.max(segment.from, segment.to ?? now)), 0);
}

/** No contract repeats a breach message this often; the bound keeps a tiny `every` from looping for long. */
const MAX_ESCALATIONS = 1_000;

/** The repeats after the breach that have come by `now`, plus the next one. */
function escalationInstants(
  contract: Contract,
  segments: readonly ClockSegment[],
  targetMs: number,
  everyMs: number,
  max: number | undefined,
  now: Instant,
): ThresholdInstant[] {
  const escalations: ThresholdInstant[] = [];
  const limit = Math.min(max ?? MAX_ESCALATIONS, MAX_ESCALATIONS);
  for (let repeat = 1; repeat <= limit && everyMs > 0; repeat += 1) {
    const elapsedMs = targetMs + repeat * everyMs;
    const at = crossingInstants(contract, segments, [elapsedMs])[0]!;
    escalations.push({ label: `escalation ${repeat}`, elapsedMs, at });
    if (at === null || at > now) break;
  }
  return escalations;
}

function evaluateMetric(track: MetricTrack, contract: Contract, facts: IssueFacts, priority: Priority, now: Instant): MetricStatus {
  const { rule } = track;
  const resolved = resolveTarget(contract, rule.metric, priority);
  const calendar = calendarFor(contract, priority);
  const base = { metric: rule.metric, priority, calendar: calendar.id, zone: calendar.zone };
  if (resolved === null) return { ...base, state: 'not_applicable', reason: `${contract.id} sets no ${rule.metric} target for ${priority}` };
  if (facts.deleted && track.metAt === undefined) return { ...base, state: 'not_applicable', reason: 'issue deleted' };
  const target = { text: resolved.text, ms: resolved.ms };
  if (track.startedAt === undefined) {
    const reason = rule.starts === 'created' ? 'starts when an agent accepts the issue (reported by an unlisted contact)' : `starts when ${rule.starts.replace('_met', '')} is met`;
    return { ...base, target, state: 'not_started', reason };
  }

  const thresholds = contract.warnings
    .map((warning) => ({
      label: warning.label,
      elapsedMs:
        warning.kind === 'fraction'
          ? Math.ceil(warning.fraction * target.ms)
          : target.ms - durationToMs(warning.duration, calendar.dayMs, calendar.weekMs),
    }))
    // A warning at zero ("2h before" a 2h target) is due when the clock starts counting; one at or
    // past the target would only repeat the breach.
    .filter((threshold) => threshold.elapsedMs >= 0 && threshold.elapsedMs < target.ms)
    .sort((a, b) => a.elapsedMs - b.elapsedMs);
  const crossings = [...thresholds.map((threshold) => threshold.elapsedMs), target.ms];
  const reachedAt = crossingInstants(contract, track.segments, crossings);
  const deadline = reachedAt[reachedAt.length - 1]!;
  const elapsed = elapsedAt(contract, track.segments, now);
  const escalations = contract.escalation ? escalationInstants(contract, track.segments, target.ms, durationToMs(contract.escalation.every, calendar.dayMs, calendar.weekMs), contract.escalation.max, now) : [];
  const result = {
    ...base,
    target,
    startedAt: track.startedAt,
    deadline,
    elapsedMs: elapsed,
    remainingMs: target.ms - elapsed,
    warnings: thresholds.map((threshold, index) => ({ ...threshold, at: reachedAt[index]! })),
    escalations,
    segments: [...track.segments],
  };
  if (track.metAt !== undefined) {
    const late = deadline !== null && track.metAt > deadline;
    return { ...result, metAt: track.metAt, state: late ? 'breached' : 'met', reason: describeMeeting(track.metBy!) };
  }
  if (deadline !== null && deadline < now) return { ...result, state: 'breached' };
  if (openSegment(track)) return { ...result, state: 'running' };
  return { ...result, state: 'paused', reason: holdReason(track, facts) ?? 'paused' };
}

type CreatedEvent = Extract<IssueEvent, { type: 'created' }>;

/** The created event that counts, of events in their own time order: the first real one, else the first synthetic one. */
export function chosenCreated(ordered: readonly IssueEvent[]): CreatedEvent | undefined {
  const createdEvents = ordered.filter((event): event is CreatedEvent => event.type === 'created');
  return createdEvents.find((event) => !event.synthetic) ?? createdEvents[0];
}

/** The facts right after `created`, before any other event. */
export function initialFacts(created: CreatedEvent): IssueFacts {
  return {
    createdAt: created.at,
    project: created.project,
    component: created.component,
    labels: created.labels,
    environment: created.environment,
    requested: created.priority,
    status: created.status,
    statusPaused: created.paused,
    assignee: created.assignee,
    resolved: false,
    deleted: false,
  };
}

const signoffOf = (signoff: SignoffStatus | null) => (signoff ? { signoff } : {});

/**
 * Applies an issue's events in their own time order and evaluates every metric of the contract
 * that covers the issue at `now`.
 */
export function runClock(history: IssueHistory, contracts: Iterable<Contract>, now: Instant): IssueSla {
  const events = inEventOrder(history.events);
  const created = chosenCreated(events);
  if (!created) return { covered: false, reason: 'the issue history has no created event' };
  // Events stamped before creation (clock skew between tracker nodes) count as happening at creation.
  // Only the first created event counts; a repeated one (a re-sent webhook) changes nothing.
  const rest = events
    .filter((event) => event.type !== 'created')
    .map((event) => (event.at < created.at ? { ...event, at: created.at } : event));

  const final = initialFacts(created);
  for (const event of rest) applyFacts(final, event);
  const coverage = findContract(contracts, { source: history.source, ...final }, final.createdAt);
  if (!coverage.covered) return { ...coverage, deleted: final.deleted };
  const { contract } = coverage;

  const contact = contract.contacts ? checkContact(contract.contacts, history.source, created.reporter) : undefined;
  const start: CreationStart = contact?.waitsForAcceptance ? 'accepted' : 'created';
  const facts = initialFacts(created);
  const tracks: MetricTrack[] = contract.metrics.map((rule) => ({ rule, segments: [] }));
  const steps: SignoffStep[] = [];
  for (const event of [created, ...rest]) {
    const before = event === created ? undefined : { ...facts };
    applyFacts(facts, event);
    if (before && contract.signoff) steps.push({ event, before, after: { ...facts } });
    applyMeetings(tracks, describeChange(event, before, facts), start);
    syncClocks(tracks, contract, facts, event.at);
  }
  const priority = decidePriority(contract, facts);
  return {
    covered: true,
    contract: contract.id,
    customer: contract.customer,
    createdAt: facts.createdAt,
    priority,
    status: facts.status,
    assignee: facts.assignee,
    resolved: facts.resolved,
    deleted: facts.deleted,
    metrics: tracks.map((track) => evaluateMetric(track, contract, facts, priority.effective, now)),
    ...(contact ? { contact } : {}),
    ...signoffOf(evaluateSignoff(contract, steps, created.reporter, now)),
  };
}
