/**
 * Why each deadline of an issue is where it is: a timeline of when each metric's clock ran and
 * stood still and why (a status, the issue resolved, a holiday by its name, outside office hours,
 * the weekend), priority changes with the business time carried over, each warning and breach
 * with when and where its message went (quiet hours included), and each write-back's result.
 *
 * Pure: the clock is run here from the event log at `now` (the same function the stored state
 * comes from), and what the bridge did is passed in as its journal and its sent marks.
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar, Instant } from './business-calendar.js';
import { closedSpans } from './closed-spans.js';
import { calendarFor, resolveTarget, type Contract } from './contract.js';
import type { MetricRule } from './metric-rule.js';
import { formatMs } from './duration.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import type { JournalRecord, NotificationRecord } from './issue-journal.js';
import type { Metric } from './metric.js';
import { clampPriority, type Priority } from './priority.js';
import type { ConditionMetricStatus } from './condition-engine.js';
import { runClock } from './sla-clock.js';
import { applyFacts, chosenCreated, initialFacts, type IssueFacts } from './issue-facts.js';
import type { ClockSegment, MetricStatus } from './metric-status.js';
import type { NotificationKind } from './timer-plan.js';

/** A chat channel a contract routes to, as far as the explanation needs it. */
export interface ChannelRoute {
  readonly id: string;
  readonly kind: string;
  readonly quietHours?: { readonly calendar: BusinessCalendar; readonly bypassBreaches: boolean } | undefined;
}

export interface ExplainInput {
  readonly source: string;
  /** The key people know the issue by (MB-42). */
  readonly key: string;
  readonly events: readonly IssueEvent[];
  readonly contracts: Iterable<Contract>;
  readonly now: Instant;
  /** The notification labels marked sent per metric (what the timers keep, also from before the journal). */
  readonly sent?: Partial<Record<Metric, readonly string[]>>;
  readonly journal?: readonly JournalRecord[];
  /** The channels a contract's warnings and breaches go to (the console when it names none). */
  readonly routes?: (contract: Contract) => { readonly warnings: readonly ChannelRoute[]; readonly breaches: readonly ChannelRoute[] };
}

export interface MetricExplanation {
  /** A preset's name or that of a metric defined by conditions. */
  readonly metric: string;
  readonly state: MetricStatus['state'] | 'cancelled';
  readonly deadline: string | null;
  /** `YYYY-MM-DD HH:mm` in the contract calendar's zone. */
  readonly deadlineLocal: string | null;
  /** Negative when overdue; null when the clock is stopped (met, not started, not applicable). */
  readonly businessLeftMs: number | null;
  /** One sentence. */
  readonly short: string;
}

export interface TimelineEntry {
  readonly at: string;
  readonly metric?: string;
  /**
   * created, priority, resolved, reopened, deleted, started, paused, resumed, closed, met,
   * warning, breach, escalation, notified, held, deadline, write-back.
   */
  readonly kind: string;
  readonly reason?: string;
  readonly text: string;
}

export interface Explanation {
  readonly source: string;
  readonly key: string;
  readonly contract: string | null;
  readonly zone: string;
  readonly metrics: readonly MetricExplanation[];
  readonly timeline: readonly TimelineEntry[];
  readonly text: string;
}

/** Closed stretches listed per metric; a clock running for months would otherwise list every night. */
const MAX_CLOSED_PER_METRIC = 60;

const KIND_ORDER = ['created', 'priority', 'resolved', 'reopened', 'deleted', 'met', 'paused', 'started', 'resumed', 'closed', 'warning', 'breach', 'escalation', 'held', 'notified', 'deadline', 'write-back'];

interface Draft {
  readonly at: Instant;
  readonly metric?: string;
  readonly kind: string;
  readonly reason?: string;
  readonly text: string;
  /** Closed stretches shared by several metrics are one line: same span, same reasons. */
  readonly mergeKey?: string;
}

const local = (instant: Instant, zone: string) => DateTime.fromMillis(instant, { zone }).setLocale('en-GB');
const localMinute = (instant: Instant, zone: string) => local(instant, zone).toFormat('yyyy-MM-dd HH:mm');
/** `Fri 27 Nov 17:00`: the day is what people need to see. */
const when = (instant: Instant, zone: string) => local(instant, zone).toFormat('ccc d LLL HH:mm');
const span = (from: Instant, to: Instant, zone: string) => {
  const a = local(from, zone);
  const b = local(to, zone);
  return a.hasSame(b, 'day') ? `${a.toFormat('ccc d LLL HH:mm')}–${b.toFormat('HH:mm')}` : `${a.toFormat('ccc d LLL HH:mm')} – ${b.toFormat('ccc d LLL HH:mm')}`;
};
const quote = (status: string) => `status "${status}"`;

function effectivePriority(contract: Contract, facts: IssueFacts): Priority {
  const rule = facts.environment ? contract.environments.get(facts.environment.toLowerCase()) : undefined;
  return rule ? clampPriority(facts.requested, rule.clampTo) : facts.requested;
}

/** The facts right after every event up to each instant: the clock's own fold, kept per step. */
interface Step {
  readonly at: Instant;
  readonly event: IssueEvent;
  readonly before: IssueFacts | undefined;
  readonly after: IssueFacts;
}

function replay(events: readonly IssueEvent[]): Step[] {
  const ordered = inEventOrder(events);
  const created = chosenCreated(ordered);
  if (!created) return [];
  const rest = ordered.filter((event) => event.type !== 'created').map((event) => (event.at < created.at ? { ...event, at: created.at } : event));
  const facts = initialFacts(created);
  const steps: Step[] = [{ at: created.at, event: created, before: undefined, after: { ...facts } }];
  for (const event of rest) {
    const before = { ...facts };
    applyFacts(facts, event);
    steps.push({ at: event.at, event, before, after: { ...facts } });
  }
  return steps;
}

/** The facts after every event at or before `at`. */
function factsAt(steps: readonly Step[], at: Instant): IssueFacts | undefined {
  let found: IssueFacts | undefined;
  for (const step of steps) {
    if (step.at > at) break;
    found = step.after;
  }
  return found;
}

/** Why a clock that ran until `at` stood still from then on: the clock's hold rules, read back. */
function stopReason(rule: MetricRule, facts: IssueFacts): { kind: string; reason: string } {
  if (facts.deleted) return { kind: 'paused', reason: 'issue deleted' };
  if (facts.statusPaused || rule.pausesOn.has(facts.status.toLowerCase())) return { kind: 'paused', reason: quote(facts.status) };
  if (facts.resolved) return rule.metBy.includes('resolved') ? { kind: 'met', reason: 'issue resolved' } : { kind: 'paused', reason: 'issue resolved' };
  return { kind: 'met', reason: 'met' };
}

function resumeReason(steps: readonly Step[], at: Instant): string {
  // Several events may share the instant (a change and the fields the same delivery showed): before the first, after the last.
  const same = steps.filter((candidate) => candidate.at === at);
  const before = same[0]?.before;
  const after = same[same.length - 1]?.after;
  if (!before || !after) return 'resumed';
  if (before.resolved && !after.resolved) return 'issue reopened';
  if (before.status.toLowerCase() !== after.status.toLowerCase()) return quote(after.status);
  if (before.deleted !== after.deleted) return 'issue restored';
  return 'resumed';
}

function elapsedUntil(contract: Contract, segments: readonly ClockSegment[], at: Instant): number {
  return segments.reduce((sum, segment) => (segment.from >= at ? sum : sum + calendarFor(contract, segment.priority).between(segment.from, Math.min(segment.to ?? at, at))), 0);
}

function startText(status: MetricStatus, rule: MetricRule, steps: readonly Step[]): string {
  if (rule.starts !== 'created') return `clock started: ${rule.starts.replace('_met', '')} met`;
  const createdAt = steps[0]?.at;
  return status.startedAt === createdAt ? 'clock started: issue reported' : 'clock started: an agent accepted the issue';
}

const leftText = (ms: number) => (ms < 0 ? `${formatMs(-ms)} overdue` : `${formatMs(ms)} left`);

/** What a planned message will meet on its channels: quiet hours that hold it until an instant. */
function quietNote(routes: readonly ChannelRoute[], kind: NotificationKind, at: Instant, zone: string): string {
  const held = routes.flatMap((route) => {
    const quiet = route.quietHours;
    if (!quiet || (quiet.bypassBreaches && kind !== 'warning')) return [];
    const opening = quiet.calendar.add(at, 1) - 1;
    return opening > at ? [`held for ${route.id}'s quiet hours until ${when(opening, zone)}`] : [];
  });
  return held.length > 0 ? ` (${held.join('; ')})` : '';
}

function notificationText(record: NotificationRecord, zone: string): string {
  const what = record.kind === 'warning' ? `warning ${record.label}` : record.label;
  switch (record.outcome) {
    case 'sent':
      return `${what} sent to ${record.channel} (${record.channelKind})${record.firedAt !== undefined && record.at - record.firedAt > 60_000 ? `, due since ${when(record.firedAt, zone)}` : ''}`;
    case 'logged':
      return `${what} written to the ${record.channel} channel (${record.channelKind}: the log)`;
    case 'dead-lettered':
      return `${what} to ${record.channel} (${record.channelKind}) failed for good${record.reason ? `: ${record.reason}` : ''}; it is a dead letter to replay`;
    case 'held':
      return `${what} held for ${record.channel}'s quiet hours${record.until !== undefined ? ` until ${when(record.until, zone)}` : ''}`;
  }
}

interface MetricParts {
  readonly drafts: Draft[];
  readonly short: string;
}

function explainMetric(status: MetricStatus, rule: MetricRule, contract: Contract, steps: readonly Step[], input: ExplainInput, zone: string): MetricParts {
  const { now } = input;
  const metric = status.metric;
  const drafts: Draft[] = [];
  const add = (draft: Omit<Draft, 'metric'>) => drafts.push({ ...draft, metric });
  if (status.state === 'not_applicable' || status.state === 'not_started') {
    return { drafts, short: status.reason ?? status.state.replace('_', ' ') };
  }
  const segments = status.segments ?? [];
  const target = status.target!;
  if (status.startedAt !== undefined) {
    // The target it started with: a later priority change re-targets it (its own entry).
    const first = segments[0]?.priority ?? status.priority;
    const initial = resolveTarget(contract, metric, first);
    add({ at: status.startedAt, kind: 'started', text: `${startText(status, rule, steps)}; target ${initial?.text ?? 'none'} at ${first}` });
  }

  // Status pauses: business time they kept off the clock, per reason, for the short form.
  const pausedBy = new Map<string, number>();
  let closedListed = 0;
  let closedLeft = 0;
  segments.forEach((segment, index) => {
    const previous = segments[index - 1];
    const calendar = calendarFor(contract, segment.priority);
    if (previous && previous.to !== null && previous.to < segment.from) {
      add({ at: segment.from, kind: 'resumed', reason: resumeReason(steps, segment.from), text: `clock runs again: ${resumeReason(steps, segment.from)}` });
    }
    // Closed stretches of the calendar while the clock runs; for the running one up to the deadline, since they put it there.
    const until = segment.to ?? Math.max(now, status.deadline ?? now);
    // Past the limit, one more is looked for only to say that there are more.
    for (const closed of closedSpans(calendar, segment.from, until, Math.max(1, MAX_CLOSED_PER_METRIC + 1 - closedListed))) {
      if (closedListed >= MAX_CLOSED_PER_METRIC) {
        closedLeft += 1;
        continue;
      }
      closedListed += 1;
      const reason = closed.reasons.join(', ');
      const verb = closed.from >= now ? 'will not count' : 'not counting';
      add({ at: closed.from, kind: 'closed', reason, text: `${verb} ${span(closed.from, closed.to, zone)}: ${reason}`, mergeKey: `${closed.from}|${closed.to}|${reason}` });
    }
    const next = segments[index + 1];
    if (segment.to === null || (next && next.from === segment.to)) return; // still running, or a priority change (below)
    const facts = factsAt(steps, segment.to);
    if (!facts) return;
    const stop = stopReason(rule, facts);
    if (stop.kind === 'met' && status.metAt === segment.to) return; // the met entry says it
    const resumesAt = next?.from;
    if (stop.kind === 'paused') {
      const business = calendar.between(segment.to, resumesAt ?? now);
      pausedBy.set(stop.reason, (pausedBy.get(stop.reason) ?? 0) + business);
    }
    const range = resumesAt !== undefined ? ` until ${when(resumesAt, zone)}` : status.state === 'paused' ? ', still paused' : '';
    add({ at: segment.to, kind: stop.kind === 'met' ? 'met' : 'paused', reason: stop.reason, text: `${stop.kind === 'met' ? 'met for now' : 'clock paused'}: ${stop.reason}${range}` });
  });
  if (closedLeft > 0) {
    const last = segments[segments.length - 1];
    add({ at: last?.to ?? now, kind: 'closed', reason: 'more', text: `and more closed stretches, not listed (the first ${MAX_CLOSED_PER_METRIC} are)` });
  }

  // Priority changes while the metric was started and unmet: the elapsed time carries over.
  for (const step of steps) {
    if (!step.before || status.startedAt === undefined || step.at < status.startedAt) continue;
    if (status.metAt !== undefined && step.at > status.metAt) continue;
    const from = effectivePriority(contract, step.before);
    const to = effectivePriority(contract, step.after);
    if (from === to) continue;
    const elapsed = elapsedUntil(contract, segments, step.at);
    const oldTarget = resolveTarget(contract, metric, from);
    const newTarget = resolveTarget(contract, metric, to);
    const targets = `target ${oldTarget?.text ?? 'none'} → ${newTarget?.text ?? 'none'}`;
    const left = newTarget ? `, ${leftText(newTarget.ms - elapsed)}` : '';
    add({ at: step.at, kind: 'priority', reason: `${from} → ${to}`, text: `priority ${from} → ${to}: ${formatMs(elapsed)} business time elapsed carries over; ${targets}${left}` });
  }

  // Warnings, breach and repeats: when each was reached, and each message with where it went.
  const routes = input.routes?.(contract);
  const sentLabels = new Set(input.sent?.[metric] ?? []);
  const records = (input.journal ?? []).filter((record): record is NotificationRecord => record.type === 'notification' && record.metric === metric);
  const recorded = new Set(records.map((record) => record.label));
  const points: { label: string; kind: NotificationKind; at: Instant | null; elapsedMs: number }[] = [
    ...(status.warnings ?? []).map((warning) => ({ label: warning.label, kind: 'warning' as const, at: warning.at, elapsedMs: warning.elapsedMs })),
    ...(status.metAt === undefined || (status.deadline != null && status.metAt > status.deadline) ? [{ label: 'breach', kind: 'breach' as const, at: status.deadline ?? null, elapsedMs: target.ms }] : []),
    ...(status.escalations ?? []).map((escalation) => ({ label: escalation.label, kind: 'escalation' as const, at: escalation.at, elapsedMs: escalation.elapsedMs })),
  ];
  for (const point of points) {
    if (point.at === null) continue;
    if (status.metAt !== undefined && point.at > status.metAt) continue;
    const past = point.at <= now;
    // A breach still to come is the deadline entry below.
    if (!past && (status.state !== 'running' || point.kind === 'breach')) continue;
    const channelRoutes = point.kind === 'warning' ? routes?.warnings : routes?.breaches;
    const name = point.kind === 'warning' ? `warning ${point.label}` : point.kind === 'breach' ? 'breach' : point.label;
    const measure = point.kind === 'escalation' ? `${formatMs(point.elapsedMs - target.ms)} after the breach` : point.kind === 'breach' ? `the ${target.text} target used up` : `${formatMs(point.elapsedMs)} of the ${target.text} target`;
    const already = !past && sentLabels.has(point.label) ? ' (its message already went out, when it was due before a change moved it)' : '';
    const planned = past ? 'reached' : `due${channelRoutes ? ` to ${channelRoutes.map((route) => route.id).join(', ')}${quietNote(channelRoutes, point.kind, point.at, zone)}` : ''}${already}`;
    add({ at: point.at, kind: point.kind, text: `${name} ${planned}: ${measure}` });
    if (past && sentLabels.has(point.label) && !recorded.has(point.label)) {
      add({ at: point.at, kind: 'notified', reason: 'not recorded', text: `${name} sent (where and when not recorded: before this bridge kept its journal)` });
    }
  }
  for (const record of records) add({ at: record.at, kind: record.outcome === 'held' ? 'held' : 'notified', reason: record.outcome === 'held' ? 'quiet hours' : record.outcome, text: notificationText(record, zone) });

  if (status.metAt !== undefined) {
    const late = status.state === 'breached';
    add({ at: status.metAt, kind: 'met', reason: status.reason ?? 'met', text: `${status.reason ?? 'met'}: ${formatMs(status.elapsedMs ?? 0)} business time of the ${target.text} target${late ? `, ${formatMs(-(status.remainingMs ?? 0))} late` : ''}` });
  } else if (status.deadline != null && status.deadline > now) {
    const breaches = status.state === 'running' ? routes?.breaches : undefined;
    const message = breaches ? `; the breach message goes to ${breaches.map((route) => route.id).join(', ')}${quietNote(breaches, 'breach', status.deadline, zone)}` : '';
    add({ at: status.deadline, kind: 'deadline', text: `due: ${target.text} business time at ${status.priority} on ${status.calendar}${message}` });
  }

  return { drafts, short: shortText(status, target.text, pausedBy, zone) };
}

function shortText(status: MetricStatus, target: string, pausedBy: ReadonlyMap<string, number>, zone: string): string {
  const pauses = [...pausedBy].filter(([, ms]) => ms > 0).map(([reason, ms]) => `paused ${formatMs(ms)} business time in ${reason}`);
  const tail = pauses.length > 0 ? `; ${pauses.join(', ')}` : '';
  const remaining = status.remainingMs ?? 0;
  switch (status.state) {
    case 'running':
      return `due ${when(status.deadline!, zone)}, ${formatMs(remaining)} business time left${tail}`;
    case 'paused':
      return `paused (${status.reason ?? 'paused'}), ${leftText(remaining)} of ${target} business time when it runs again${tail}`;
    case 'breached':
      if (status.metAt !== undefined) return `met late ${when(status.metAt, zone)} (${status.reason ?? 'met'}), ${formatMs(-remaining)} over the ${target} target${tail}`;
      return `overdue since ${when(status.deadline!, zone)}, ${formatMs(-remaining)} business time over${tail}`;
    case 'met':
      return `met ${when(status.metAt!, zone)} (${status.reason ?? 'met'}), ${formatMs(status.elapsedMs ?? 0)} of ${target} business time${tail}`;
    default:
      return status.reason ?? status.state;
  }
}

/**
 * A metric defined by conditions (its definition's sentence is what `validate` prints): when each
 * cycle ran, stood still and ended, from the engine's own segments and cycles; the reasons are the
 * engine's, not re-derived here.
 */
function customMetricParts(status: ConditionMetricStatus, zone: string): MetricParts {
  const metric = status.metric;
  const drafts: Draft[] = [];
  const add = (draft: Omit<Draft, 'metric'>) => drafts.push({ ...draft, metric });
  for (const [index, cycle] of (status.cycles ?? []).entries()) {
    add({ at: cycle.startedAt, kind: 'started', text: `cycle ${index + 1} started` });
    if (cycle.endedAt !== null) add({ at: cycle.endedAt, kind: cycle.outcome === 'met' ? 'met' : cycle.outcome === 'breached' ? 'breach' : 'paused', reason: cycle.outcome, text: `cycle ${index + 1} ${cycle.outcome} after ${formatMs(cycle.elapsedMs)} business time` });
  }
  if (status.state === 'not_applicable' || status.state === 'not_started') return { drafts, short: status.reason ?? status.state.replace('_', ' ') };
  const segments = status.segments ?? [];
  if (status.startedAt !== undefined && !(status.cycles ?? []).some((cycle) => cycle.startedAt === status.startedAt)) {
    add({ at: status.startedAt, kind: 'started', text: `clock started; target ${status.target?.text ?? 'none'} at ${status.priority}` });
  }
  segments.forEach((segment, index) => {
    const previous = segments[index - 1];
    if (previous && previous.to !== null && previous.to < segment.from) add({ at: segment.from, kind: 'resumed', text: 'clock runs again' });
    const next = segments[index + 1];
    if (segment.to !== null && (next || status.state === 'paused')) add({ at: segment.to, kind: 'paused', ...(status.reason && !next ? { reason: status.reason } : {}), text: `clock paused${status.reason && !next ? `: ${status.reason}` : ''}` });
  });
  if (status.metAt !== undefined) add({ at: status.metAt, kind: 'met', text: `met${status.reason ? `: ${status.reason}` : ''}` });
  else if (status.deadline != null) add({ at: status.deadline, kind: 'deadline', text: `deadline (${status.target?.text ?? 'no'} target)` });
  const short = status.state === 'cancelled' ? `cancelled${status.reason ? ` (${status.reason})` : ''}` : shortText(status as unknown as MetricStatus, status.target?.text ?? 'no', new Map(), zone);
  return { drafts, short };
}

function issueDrafts(steps: readonly Step[], contract: Contract | undefined, journal: readonly JournalRecord[], zone: string): Draft[] {
  const drafts: Draft[] = [];
  const first = steps[0];
  if (first) {
    const priority = contract ? effectivePriority(contract, first.after) : first.after.requested;
    drafts.push({ at: first.at, kind: 'created', text: `reported at ${priority}${priority !== first.after.requested ? ` (${first.after.requested} in the tracker)` : ''}, ${quote(first.after.status)}${first.event.type === 'created' && first.event.synthetic ? ' (first seen mid-life: the bridge took its current fields)' : ''}` });
  }
  for (const step of steps.slice(1)) {
    const status = step.before && step.before.status !== step.after.status ? ` (${quote(step.after.status)})` : '';
    if (step.before && !step.before.resolved && step.after.resolved) drafts.push({ at: step.at, kind: 'resolved', text: `resolved${status}` });
    if (step.before?.resolved && !step.after.resolved) drafts.push({ at: step.at, kind: 'reopened', text: `reopened${status}: the resolution clock resumes with its elapsed time` });
    if (step.before && !step.before.deleted && step.after.deleted) drafts.push({ at: step.at, kind: 'deleted', text: 'deleted in the tracker: every clock stops' });
  }
  for (const record of journal) {
    if (record.type !== 'write-back') continue;
    const nearest = record.nearest === undefined ? '' : record.nearest === null ? ': the SLA fields cleared' : `: nearest deadline ${when(record.nearest, zone)}`;
    const text =
      record.outcome === 'written'
        ? `written back to the tracker (${record.requests} request${record.requests === 1 ? '' : 's'})${nearest}`
        : record.outcome === 'restored'
          ? `written back again: someone had changed the bridge's fields${nearest}`
          : record.outcome === 'gone'
            ? 'write-back found the issue gone from the tracker: marked deleted'
            : `write-back failed for good${record.reason ? `: ${record.reason}` : ''}; it is a dead letter to replay`;
    drafts.push({ at: record.at, kind: 'write-back', reason: record.outcome, text });
  }
  return drafts;
}

/** Identical closed stretches of several metrics become one line without a metric. */
function merged(drafts: readonly Draft[]): Draft[] {
  const byKey = new Map<string, Draft[]>();
  for (const draft of drafts) if (draft.mergeKey) byKey.set(draft.mergeKey, [...(byKey.get(draft.mergeKey) ?? []), draft]);
  const out: Draft[] = [];
  for (const draft of drafts) {
    const group = draft.mergeKey ? byKey.get(draft.mergeKey)! : [draft];
    if (group.length === 1) out.push(draft);
    else if (group[0] === draft) out.push({ at: draft.at, kind: draft.kind, reason: draft.reason!, text: `${draft.text} (${group.map((entry) => entry.metric).join(', ')})` });
  }
  return out;
}

function ordered(drafts: readonly Draft[]): Draft[] {
  const rank = (kind: string) => {
    const index = KIND_ORDER.indexOf(kind);
    return index === -1 ? KIND_ORDER.length : index;
  };
  return drafts
    .map((draft, index) => ({ draft, index }))
    .sort((a, b) => a.draft.at - b.draft.at || rank(a.draft.kind) - rank(b.draft.kind) || a.index - b.index)
    .map(({ draft }) => draft);
}

function plainText(explanation: Omit<Explanation, 'text'>, header: string): string {
  const width = Math.max(0, ...explanation.metrics.map((entry) => entry.metric.length));
  const lines = [header, ...explanation.metrics.map((entry) => `  ${entry.metric.padEnd(width)}  ${entry.short}`)];
  if (explanation.timeline.length > 0) {
    lines.push('', `Timeline (${explanation.zone}):`);
    for (const entry of explanation.timeline) {
      lines.push(`  ${localMinute(Date.parse(entry.at), explanation.zone)}  ${(entry.metric ?? '').padEnd(width)}  ${entry.text}`);
    }
  }
  return lines.join('\n');
}

/** The explanation of every deadline of one issue at `now`. */
export function explainDeadlines(input: ExplainInput): Explanation {
  const steps = replay(input.events);
  const contracts = [...input.contracts];
  const sla = runClock({ source: input.source, events: input.events }, contracts, input.now);
  const journal = input.journal ?? [];
  const finish = (body: Omit<Explanation, 'text'>, header: string): Explanation => ({ ...body, text: plainText(body, header) });
  if (!sla.covered) {
    const timeline = ordered(issueDrafts(steps, undefined, journal, 'UTC')).map((draft) => entry(draft));
    return finish({ source: input.source, key: input.key, contract: null, zone: 'UTC', metrics: [], timeline }, `${input.key} (${input.source}): no SLA clock, ${sla.reason}`);
  }
  const contract = contracts.find((candidate) => candidate.id === sla.contract);
  if (!contract) throw new Error(`contract ${sla.contract} covers the issue but is not among the contracts`);
  const zone = calendarFor(contract, sla.priority.effective).zone;
  const drafts: Draft[] = issueDrafts(steps, contract, journal, zone);
  const metrics: MetricExplanation[] = [];
  for (const status of sla.metrics) {
    const rule = contract.metrics.find((candidate) => candidate.metric === status.metric)!;
    const parts = explainMetric(status, rule, contract, steps, input, zone);
    drafts.push(...parts.drafts);
    const stopped = status.metAt !== undefined || status.state === 'not_started' || status.state === 'not_applicable';
    metrics.push({
      metric: status.metric,
      state: status.state,
      deadline: status.deadline != null ? new Date(status.deadline).toISOString() : null,
      deadlineLocal: status.deadline != null ? localMinute(status.deadline, zone) : null,
      businessLeftMs: stopped ? null : (status.remainingMs ?? null),
      short: parts.short,
    });
  }
  for (const status of sla.custom ?? []) {
    const parts = customMetricParts(status, zone);
    drafts.push(...parts.drafts);
    const stopped = status.metAt !== undefined || ['not_started', 'not_applicable', 'cancelled'].includes(status.state);
    metrics.push({
      metric: status.metric,
      state: status.state,
      deadline: status.deadline != null ? new Date(status.deadline).toISOString() : null,
      deadlineLocal: status.deadline != null ? localMinute(status.deadline, zone) : null,
      businessLeftMs: stopped ? null : (status.remainingMs ?? null),
      short: parts.short,
    });
  }
  const timeline = ordered(merged(drafts)).map((draft) => entry(draft));
  const header = `${input.key} (${input.source}): contract ${contract.id} (${sla.customer}), ${sla.priority.effective} (${sla.priority.reason}), times in ${zone}`;
  return finish({ source: input.source, key: input.key, contract: contract.id, zone, metrics, timeline }, header);
}

function entry(draft: Draft): TimelineEntry {
  return {
    at: new Date(draft.at).toISOString(),
    ...(draft.metric ? { metric: draft.metric } : {}),
    kind: draft.kind,
    ...(draft.reason !== undefined ? { reason: draft.reason } : {}),
    text: draft.text,
  };
}
