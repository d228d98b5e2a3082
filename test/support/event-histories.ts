/**
 * Generated issue histories for the property tests of retention: every event type, statuses that
 * pause or meet, restatements, replayed deliveries (exact repeats), events stamped before creation
 * and ties in time, over the contracts of `compactionContracts()`, which meet their metrics in every
 * way a contract can (chains of metrics started by meetings, status and assignment meetings).
 */
import fc from 'fast-check';
import path from 'node:path';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { Contract } from '../../src/domain/contract.js';
import { issueEventSchema, type IssueEvent, type IssueEventInput } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { OFFICE_CALENDAR, writeConfig } from './temp-config.js';

const MINUTE = 60_000;

const CHAIN_CONTRACTS = {
  'calendars/office.yaml': OFFICE_CALENDAR,
  'calendars/always.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  // Each metric starts when the one before is met, met alternately by a comment and by resolving.
  'contracts/chain.yaml': `
customer: Chain
calendar: office
covers: [{ source: jira-demo, project: CHAIN }]
metrics:
  reaction: { met_by: [agent_comment] }
  response: { starts: reaction_met, met_by: [resolved], pauses_on: [waiting for customer] }
  resolution: { starts: response_met, met_by: [agent_comment, assigned], pauses_on: [waiting for customer] }
policies: { reaction: 1h, response: 4h, resolution: 1d }
warnings: ["50%", "1h before"]
`,
  // Met by statuses and assignment; P1 round the clock; a test environment clamped; escalations.
  'contracts/status.yaml': `
customer: Status
calendar: office
priority_calendars: { P1: always }
covers: [{ source: jira-demo, project: STATUS }, { source: jira-demo, project: ACME, label: vip }]
environments: { test: { clamp_to: P4 } }
metrics:
  reaction: { met_by: ["status:in progress", assigned] }
  response: { met_by: [agent_comment, "status:Done"], pauses_on: [waiting for customer] }
  resolution: { starts: reaction_met, met_by: ["status:done", resolved], pauses_on: [on hold] }
policies:
  reaction: { P1: 30m, P2: 2h, P3: 1d, P4: none }
  response: 1d
  resolution: { P1: 4h, P2: 2d, P3: 1w, P4: 2w }
escalation: { every: 2h, max: 4 }
`,
};

let contracts: Contract[] | undefined;

/** The clock-config test contracts (ACME, ACME Billing, ZERO) and the two above (CHAIN, STATUS). */
export function compactionContracts(): Contract[] {
  contracts ??= [
    ...loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}, { sources: false }).contracts.values(),
    ...loadBridgeConfig(writeConfig(CHAIN_CONTRACTS), {}, { sources: false }).contracts.values(),
  ];
  return contracts;
}

const STATUSES = ['open', 'Open', 'in progress', 'waiting for customer', 'on hold', 'done', 'Done', 'closed'];
const status = fc.constantFrom(...STATUSES);
const priority = fc.constantFrom('P1', 'P2', 'P3', 'P4');
const assignee = fc.constantFrom(null, 'ann', 'bob');
const labels = fc.constantFrom<string[]>([], [], ['x'], ['billing'], ['vip'], ['x', 'vip']);
const environment = fc.constantFrom(null, 'test', 'prod');
const component = fc.constantFrom(undefined, undefined, undefined, 'Billing');
const project = fc.constantFrom('ACME', 'CHAIN', 'STATUS', 'ZERO', 'OTHER');

/** Minutes after the base instant: a few shared instants make ties likely, the rest spread over two weeks. */
const offset = fc.oneof(fc.constantFrom(-20, 0, 30, 60, 600), fc.integer({ min: -60, max: 14 * 24 * 60 }));

function eventAt(base: number, minutes: fc.Arbitrary<number> = offset): fc.Arbitrary<IssueEventInput> {
  const at = minutes.map((value) => base + value * MINUTE);
  return fc.oneof(
    fc.record({ type: fc.constant('priority_changed' as const), at, priority }),
    fc.record({ type: fc.constant('status_changed' as const), at, status, paused: fc.boolean() }),
    fc.record({ type: fc.constant('commented' as const), at, by: fc.constantFrom('agent' as const, 'customer' as const), public: fc.boolean() }),
    fc.record({ type: fc.constant('commented' as const), at, by: fc.constant('agent' as const) }),
    fc.record({ type: fc.constant('assigned' as const), at, assignee }),
    fc.record({ type: fc.constant('resolved' as const), at, status: fc.option(status, { nil: undefined }) }),
    fc.record({ type: fc.constant('reopened' as const), at, status: fc.option(status, { nil: undefined }) }),
    fc.record({ type: fc.constant('moved' as const), at, project, component }),
    fc.record({ type: fc.constant('deleted' as const), at }),
    fc.record({ type: fc.constant('environment_changed' as const), at, environment }),
    fc.record({ type: fc.constant('labels_changed' as const), at, labels }),
    fc.record(
      {
        type: fc.constant('observed' as const),
        at,
        status,
        paused: fc.boolean(),
        resolved: fc.boolean(),
        priority,
        assignee,
      },
      { requiredKeys: ['type', 'at'] },
    ),
  );
}

function createdAt(base: number): fc.Arbitrary<IssueEventInput> {
  return fc.record({
    type: fc.constant('created' as const),
    at: fc.constantFrom(0, 5, 30).map((minutes) => base + minutes * MINUTE),
    project,
    component,
    labels,
    environment,
    priority,
    status: fc.constantFrom('open', 'Open', 'waiting for customer'),
    paused: fc.boolean(),
    assignee,
    synthetic: fc.boolean(),
  });
}

const parse = (events: readonly IssueEventInput[]): IssueEvent[] => events.map((event) => issueEventSchema.parse(event));

/** A log in arrival order: one or two created events, other events, and some of them delivered again. */
export function issueLog(base: number): fc.Arbitrary<IssueEvent[]> {
  return fc
    .tuple(fc.array(createdAt(base), { minLength: 1, maxLength: 2 }), fc.array(eventAt(base), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 6 }))
    .chain(([created, events, repeats]) => {
      const all = [...created, ...events];
      const again = repeats.map((index) => all[index % all.length]!);
      return fc.shuffledSubarray([...all, ...again], { minLength: all.length + again.length, maxLength: all.length + again.length });
    })
    .map(parse);
}

/** Events that come after a log: none older than its latest event (a reopen, a comment, a priority change...). */
export function laterEvents(from: number): fc.Arbitrary<IssueEvent[]> {
  return fc.array(eventAt(from, fc.integer({ min: 0, max: 10 * 24 * 60 })), { maxLength: 8 }).map(parse);
}

export const latestAt = (events: readonly IssueEvent[]) => events.reduce((latest, event) => Math.max(latest, event.at), -Infinity);
