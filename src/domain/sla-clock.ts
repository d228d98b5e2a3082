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
import { applyFacts, chosenCreated, initialFacts, type IssueFacts } from './issue-facts.js';
import type { MetricStatus } from './metric-status.js';
import { clampPriority, type Priority } from './priority.js';

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

function decidePriority(contract: Contract, facts: IssueFacts): PriorityDecision {
  const rule = facts.environment ? contract.environments.get(facts.environment.toLowerCase()) : undefined;
  if (rule) {
    const effective = clampPriority(facts.requested, rule.clampTo);
    if (effective !== facts.requested) return { effective, requested: facts.requested, reason: `clamped to ${effective}: ${rule.reason}` };
  }
  return { effective: facts.requested, requested: facts.requested, reason: `${facts.requested} as set in the tracker` };
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
