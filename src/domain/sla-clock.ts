/**
 * The SLA clock: a pure function from an issue's event history, the contracts and `now` to the
 * state of every metric. The whole history is folded every time, so a late or out-of-order event
 * simply lands in its place and the answer is the same as if events had arrived in order.
 */
import type { Instant } from './business-calendar.js';
import { checkContact, type ContactCheck } from './contacts-rule.js';
import { evaluateSignoff, type SignoffStatus, type SignoffStep } from './signoff-rule.js';
import { ConditionEngine, evaluateTrack, type ConditionMetricStatus, type EngineContext, type GroupDirectory } from './condition-engine.js';
import type { Contract } from './contract.js';
import { findContract } from './coverage.js';
import { presetDefinition, type MetricDefinition } from './metric-definition.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import type { Metric } from './metric.js';
import { clampPriority, type Priority } from './priority.js';

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
      /** The contract's metrics defined by conditions (`metrics:` beyond the three presets). */
      readonly custom?: readonly ConditionMetricStatus[];
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
  /** The watched custom fields by the source's name for them (field_changed). */
  fields: Readonly<Record<string, string | null>>;
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
        fields: event.fields ?? {},
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
    case 'field_changed':
      facts.fields = { ...facts.fields, [event.field]: event.value };
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
    fields: created.fields ?? {},
  };
}

/** A contract's metrics as conditions, the presets first; built once per compiled contract. */
const DEFINITIONS = new WeakMap<Contract, readonly MetricDefinition[]>();
function definitionsOf(contract: Contract): readonly MetricDefinition[] {
  let definitions = DEFINITIONS.get(contract);
  if (!definitions) {
    definitions = [...contract.metrics.map(presetDefinition), ...(contract.customMetrics ?? [])];
    DEFINITIONS.set(contract, definitions);
  }
  return definitions;
}

export interface ClockOptions {
  /** Members of the groups that metric conditions name; without it a group has no members. */
  readonly groups?: GroupDirectory | undefined;
}

const signoffOf = (signoff: SignoffStatus | null) => (signoff ? { signoff } : {});

/**
 * Applies an issue's events in their own time order and evaluates every metric of the contract
 * that covers the issue at `now`.
 */
export function runClock(history: IssueHistory, contracts: Iterable<Contract>, now: Instant, options: ClockOptions = {}): IssueSla {
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
  const context: EngineContext = {
    contract,
    creationStart: contact?.waitsForAcceptance ? 'accepted' : 'created',
    reporter: created.reporter,
    // The contract's support lines first, then what the caller knows of groups.
    groups: (group) => contract.lines?.get(group) ?? options.groups?.(group),
    components: (line) => contract.lineComponents?.get(line),
    priorityOf: (at) => decidePriority(contract, at).effective,
  };
  const definitions = definitionsOf(contract);
  const presets = contract.metrics;
  const engine = new ConditionEngine(definitions, context);
  const facts = initialFacts(created);
  const steps: SignoffStep[] = [];
  for (const event of [created, ...rest]) {
    const before = event === created ? undefined : { ...facts };
    applyFacts(facts, event);
    if (before && contract.signoff) steps.push({ event, before, after: { ...facts } });
    engine.step(event, before, facts);
  }
  const priority = decidePriority(contract, facts);
  const statuses = engine.tracks.map((track) => evaluateTrack(track, context, facts, priority.effective, now));
  const custom = statuses.slice(presets.length);
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
    // The presets never cancel and are named by Metric.
    metrics: statuses.slice(0, presets.length) as MetricStatus[],
    ...(custom.length > 0 ? { custom } : {}),
    ...(contact ? { contact } : {}),
    ...signoffOf(evaluateSignoff(contract, steps, created.reporter, now)),
  };
}
