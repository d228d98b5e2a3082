/**
 * `reaction`, `response` and `resolution` are presets of the metrics defined by conditions: on
 * random contracts (which metrics, what starts, meets and pauses them, targets, contacts that wait
 * for acceptance) and random event streams (restatements, ties, events stamped before creation,
 * reopenings, deletions, environment clamps), the clock gives exactly the states, deadlines,
 * elapsed times, warnings, escalations and segments that the clock before conditions gave
 * (test/reference/fixed-metrics-clock.ts).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { Contract } from '../src/domain/contract.js';
import type { MetricRule } from '../src/domain/metric-rule.js';
import { parseDuration } from '../src/domain/duration.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { runClock } from '../src/domain/sla-clock.js';
import { PRIORITIES } from '../src/domain/priority.js';
import { projectRoot } from '../src/project-root.js';
import { runClock as referenceClock } from './reference/fixed-metrics-clock.js';

const MINUTE = 60_000;
const STATUSES = ['open', 'in progress', 'waiting for customer', 'on hold', 'Done'];
const PEOPLE = ['ann', 'bob', 'carl'];
const base = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.get('acme-support')!;

const target = fc.constantFrom(null, '0s', '30m', '2h', '1d', '3d').map((text) => (text === null ? null : parseDuration(text)!));
const targets = fc.tuple(target, target, target, target).map(([P1, P2, P3, P4]) => ({ P1, P2, P3, P4 }));
const metBy = fc.subarray(['agent_comment', 'assigned', 'resolved', 'status:in progress', 'status:Done'], { minLength: 1 });
const pausesOn = fc.subarray(['waiting for customer', 'on hold']).map((statuses) => new Set(statuses));

const rules = fc
  .record({
    reaction: fc.option(fc.record({ metBy, pausesOn, targets })),
    response: fc.option(fc.record({ starts: fc.constantFrom('created', 'reaction_met'), metBy, pausesOn, targets })),
    resolution: fc.option(fc.record({ starts: fc.constantFrom('created', 'reaction_met', 'response_met'), metBy, pausesOn, targets })),
  })
  .map(({ reaction, response, resolution }) => {
    const list: MetricRule[] = [];
    if (reaction) list.push({ metric: 'reaction', starts: 'created', ...reaction });
    if (response) list.push({ metric: 'response', ...response } as MetricRule);
    if (resolution) list.push({ metric: 'resolution', ...resolution } as MetricRule);
    return list;
  });

const contract = fc.record({ metrics: rules, acceptance: fc.boolean() }).map(
  ({ metrics, acceptance }): Contract => ({
    ...base,
    metrics,
    contacts: acceptance ? { max: 5, bySource: new Map([['jira-demo', new Set(['ann'])]]), unlistedClock: 'on_acceptance' } : undefined,
  }),
);

const person = fc.constantFrom(...PEOPLE);
const reporter = fc.option(fc.record({ names: fc.array(person, { minLength: 1, maxLength: 1 }) }), { nil: undefined });

/** An event after creation, `minutes` from it; negative ones were stamped before it. */
const later: fc.Arbitrary<(at: number) => unknown> = fc.oneof(
  fc.constantFrom(...PRIORITIES).map((priority) => (at: number) => ({ type: 'priority_changed', at, priority })),
  fc.record({ status: fc.constantFrom(...STATUSES), paused: fc.boolean(), byAgent: fc.option(fc.boolean(), { nil: undefined }) }).map((fields) => (at: number) => ({ type: 'status_changed', at, ...fields })),
  fc.record({ by: fc.constantFrom('agent', 'customer'), public: fc.boolean(), author: reporter }).map((fields) => (at: number) => ({ type: 'commented', at, ...fields })),
  fc.record({ assignee: fc.option(person), toAgent: fc.option(fc.boolean(), { nil: undefined }) }).map((fields) => (at: number) => ({ type: 'assigned', at, ...fields })),
  fc.option(fc.constantFrom(...STATUSES), { nil: undefined }).map((status) => (at: number) => ({ type: 'resolved', at, status })),
  fc.option(fc.constantFrom(...STATUSES), { nil: undefined }).map((status) => (at: number) => ({ type: 'reopened', at, status })),
  fc.constant((at: number) => ({ type: 'deleted', at })),
  fc.option(fc.constant('test')).map((environment) => (at: number) => ({ type: 'environment_changed', at, environment })),
  fc.subarray(['urgent', 'vip']).map((labels) => (at: number) => ({ type: 'labels_changed', at, labels })),
  fc
    .record(
      {
        status: fc.constantFrom(...STATUSES),
        paused: fc.boolean(),
        resolved: fc.boolean(),
        priority: fc.constantFrom(...PRIORITIES),
        assignee: fc.option(person),
      },
      { requiredKeys: [] },
    )
    .map((fields) => (at: number) => ({ type: 'observed', at, ...fields })),
);

const history = fc.record({
  created: fc.record({
    priority: fc.constantFrom(...PRIORITIES),
    status: fc.constantFrom(...STATUSES),
    paused: fc.boolean(),
    assignee: fc.option(person),
    toAgent: fc.option(fc.boolean(), { nil: undefined }),
    reporter,
    environment: fc.option(fc.constant('test')),
  }),
  rest: fc.array(fc.tuple(fc.integer({ min: -60, max: 6 * 24 * 60 }), later), { maxLength: 14 }),
  /** Ties: several events at one instant. */
  snap: fc.constantFrom(1, 30, 240),
  nowAfter: fc.integer({ min: 0, max: 10 * 24 * 60 }),
});

describe('the fixed metrics as presets of metrics defined by conditions', function () {
  this.timeout(120_000);
  // Instants relative to the run's own clock, spread over any weekday and hour.
  const start = Math.floor(Date.now() / MINUTE) * MINUTE;

  it('gives what the clock before conditions gave, on random contracts and event streams', () => {
    fc.assert(
      fc.property(contract, history, fc.integer({ min: 0, max: 14 * 24 * 60 }), (chosen, { created, rest, snap, nowAfter }, shift) => {
        const createdAt = start - shift * MINUTE;
        const events = [
          issueEventSchema.parse({ type: 'created', at: createdAt, project: 'ACME', ...created }),
          ...rest.map(([minutes, make]) => issueEventSchema.parse(make(createdAt + Math.round(minutes / snap) * snap * MINUTE))),
        ];
        const now = createdAt + nowAfter * MINUTE;
        const expected = referenceClock({ source: 'jira-demo', events }, [chosen], now);
        expect(runClock({ source: 'jira-demo', events }, [chosen], now)).to.deep.equal(expected);
      }),
      { numRuns: 1500 },
    );
  });
});
