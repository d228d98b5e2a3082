/**
 * What metrics defined by conditions do, case by case, on a round-the-clock calendar so that every
 * minute counts: the order of start, pause and stop within one instant, restarts, reopening, reset,
 * cancel and the retroactive start. Instants are minutes from a creation placed relative to the
 * run's clock.
 */
import { expect } from 'chai';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { Contract } from '../src/domain/contract.js';
import { parseDuration } from '../src/domain/duration.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { eventConditionSchema, stateConditionSchema } from '../src/domain/metric-condition.js';
import { explainMetric, presetDefinition, type MetricDefinition } from '../src/domain/metric-definition.js';
import { runClock } from '../src/domain/sla-clock.js';
import { WallClockCalendar } from '../src/domain/wall-clock-calendar.js';
import { projectRoot } from '../src/project-root.js';

const MINUTE = 60_000;
const base = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.get('acme-support')!;
const allDay = new WallClockCalendar('all-day', 'Europe/Amsterdam');
const hour = parseDuration('1h')!;

interface Spec {
  start?: string[];
  stop?: string[];
  pause_while?: string[];
  pause?: string[];
  resume?: string[];
  reset?: string[];
  cancel?: string[];
  retroactive?: boolean;
  restarts?: boolean;
  on_reopen?: MetricDefinition['onReopen'];
}

function definition(name: string, spec: Spec): MetricDefinition {
  const events = (texts: string[] = []) => texts.map((text) => eventConditionSchema.parse(text));
  return {
    name,
    start: events(spec.start ?? ['created']),
    stop: events(spec.stop ?? ['resolved']),
    pauseWhile: (spec.pause_while ?? []).map((text) => stateConditionSchema.parse(text)),
    pause: events(spec.pause),
    resume: events(spec.resume),
    reset: events(spec.reset),
    cancel: events(spec.cancel),
    retroactive: spec.retroactive ?? false,
    restarts: spec.restarts ?? false,
    onReopen: spec.on_reopen ?? 'ignore',
    targets: { P1: hour, P2: hour, P3: hour, P4: hour },
    calendar: allDay,
  };
}

type Event = { minute: number } & Record<string, unknown>;

function run(definitions: MetricDefinition[], events: Event[], nowMinute: number, groups?: Record<string, string[]>) {
  const createdAt = Math.floor(Date.now() / MINUTE) * MINUTE;
  const contract: Contract = { ...base, customMetrics: definitions };
  const parsed = events.map(({ minute, ...event }) => issueEventSchema.parse({ ...event, at: createdAt + minute * MINUTE }));
  const directory = groups && ((group: string) => (groups[group] ? new Set(groups[group]) : undefined));
  const sla = runClock({ source: 'jira-demo', events: parsed }, [contract], createdAt + nowMinute * MINUTE, { groups: directory });
  if (!sla.covered) throw new Error(sla.reason);
  const minutes = (at: number | null | undefined) => (at == null ? at : (at - createdAt) / MINUTE);
  return (sla.custom ?? []).map((status) => ({
    metric: status.metric,
    state: status.state,
    reason: status.reason,
    startedAt: minutes(status.startedAt),
    metAt: minutes(status.metAt),
    deadline: minutes(status.deadline),
    elapsed: status.elapsedMs === undefined ? undefined : status.elapsedMs / MINUTE,
    cycles: status.cycles?.map((cycle) => `${minutes(cycle.startedAt)}-${minutes(cycle.endedAt)} ${cycle.outcome} ${cycle.elapsedMs / MINUTE}m`),
  }));
}

const created = (fields: Record<string, unknown> = {}): Event => ({ minute: 0, type: 'created', project: 'ACME', priority: 'P3', status: 'new', ...fields });

interface Case {
  readonly name: string;
  readonly metrics: MetricDefinition[];
  readonly events: Event[];
  readonly now: number;
  readonly groups?: Record<string, string[]>;
  /** Per metric, the fields that must match. */
  readonly expected: Record<string, unknown>[];
}

const CASES: Case[] = [
  {
    name: 'started and stopped by the same event: met at once, nothing elapsed',
    metrics: [definition('pickup', { stop: ['assigned'] })],
    events: [created({ assignee: 'ann' })],
    now: 30,
    expected: [{ state: 'met', startedAt: 0, metAt: 0, elapsed: 0 }],
  },
  {
    name: 'started while a pause holds: paused from its start',
    metrics: [definition('wait', { pause_while: ['status:waiting'] })],
    events: [created({ status: 'waiting' })],
    now: 30,
    expected: [{ state: 'paused', startedAt: 0, elapsed: 0, reason: 'paused in status "waiting"' }],
  },
  {
    name: 'a stop before the start at one instant meets nothing: the cycle runs on',
    metrics: [definition('pickup', { start: ['assigned'], stop: ['comment_by:agent'] })],
    events: [created(), { minute: 10, type: 'commented', by: 'agent' }, { minute: 10, type: 'assigned', assignee: 'ann' }],
    now: 30,
    expected: [{ state: 'running', startedAt: 10, elapsed: 20 }],
  },
  {
    name: 'a start before the stop at one instant: met at that instant',
    metrics: [definition('pickup', { start: ['assigned'], stop: ['comment_by:agent'] })],
    events: [created(), { minute: 10, type: 'assigned', assignee: 'ann' }, { minute: 10, type: 'commented', by: 'agent' }],
    now: 30,
    expected: [{ state: 'met', startedAt: 10, metAt: 10, elapsed: 0 }],
  },
  {
    name: 'an event that both starts and stops a metric that restarts: each time a new cycle, met at once (start comes before stop)',
    metrics: [definition('handover', { start: ['assigned'], stop: ['assigned'], restarts: true })],
    events: [created(), { minute: 10, type: 'assigned', assignee: 'ann' }, { minute: 25, type: 'assigned', assignee: 'bob' }],
    now: 40,
    expected: [{ state: 'met', startedAt: 25, metAt: 25, elapsed: 0, cycles: ['10-10 met 0m'] }],
  },
  {
    name: 'restarts: one cycle per handover, the earlier ones kept',
    metrics: [definition('handover', { start: ['assigned'], stop: ['comment_by:agent'], restarts: true })],
    events: [
      created(),
      { minute: 5, type: 'assigned', assignee: 'ann' },
      { minute: 15, type: 'commented', by: 'agent' },
      { minute: 20, type: 'assigned', assignee: 'bob' },
      { minute: 100, type: 'commented', by: 'agent' },
      { minute: 110, type: 'assigned', assignee: 'carl' },
    ],
    now: 130,
    expected: [{ state: 'running', startedAt: 110, elapsed: 20, cycles: ['5-15 met 10m', '20-100 breached 80m'] }],
  },
  {
    name: 'without restarts a second start changes nothing',
    metrics: [definition('handover', { start: ['assigned'], stop: ['comment_by:agent'] })],
    events: [created(), { minute: 5, type: 'assigned', assignee: 'ann' }, { minute: 15, type: 'commented', by: 'agent' }, { minute: 20, type: 'assigned', assignee: 'bob' }],
    now: 60,
    expected: [{ state: 'met', startedAt: 5, metAt: 15, elapsed: 10, cycles: undefined }],
  },
  {
    name: 'a restatement of the same assignee is no handover',
    metrics: [definition('handover', { start: ['assigned'], stop: ['comment_by:agent'], restarts: true })],
    events: [created(), { minute: 5, type: 'assigned', assignee: 'ann' }, { minute: 10, type: 'observed', assignee: 'ann' }],
    now: 20,
    expected: [{ state: 'running', startedAt: 5, elapsed: 15 }],
  },
  {
    name: 'reopen resumes: the cycle goes on from where it was met',
    metrics: [definition('fix', { on_reopen: 'resume' })],
    events: [created(), { minute: 20, type: 'resolved' }, { minute: 30, type: 'reopened' }],
    now: 60,
    expected: [{ state: 'running', startedAt: 0, metAt: undefined, elapsed: 50 }],
  },
  {
    name: 'reopen ignored: met stays met',
    metrics: [definition('fix', { on_reopen: 'ignore' })],
    events: [created(), { minute: 20, type: 'resolved' }, { minute: 30, type: 'reopened' }],
    now: 60,
    expected: [{ state: 'met', metAt: 20, elapsed: 20 }],
  },
  {
    name: 'reopen opens a new cycle',
    metrics: [definition('fix', { on_reopen: 'new_cycle' })],
    events: [created(), { minute: 20, type: 'resolved' }, { minute: 30, type: 'reopened' }, { minute: 45, type: 'resolved' }],
    now: 60,
    expected: [{ state: 'met', startedAt: 30, metAt: 45, elapsed: 15, cycles: ['0-20 met 20m'] }],
  },
  {
    name: 'reset: the running cycle starts over, its time dropped',
    metrics: [definition('fix', { reset: ['priority_set:P1'] })],
    events: [created(), { minute: 30, type: 'priority_changed', priority: 'P1' }],
    now: 50,
    expected: [{ state: 'running', startedAt: 30, elapsed: 20, deadline: 90 }],
  },
  {
    name: 'reset of a met cycle changes nothing',
    metrics: [definition('fix', { reset: ['priority_set:P1'] })],
    events: [created(), { minute: 10, type: 'resolved' }, { minute: 30, type: 'priority_changed', priority: 'P1' }],
    now: 50,
    expected: [{ state: 'met', startedAt: 0, metAt: 10 }],
  },
  {
    name: 'cancel: the running cycle ends unmeasured',
    metrics: [definition('fix', { cancel: ['label_added:duplicate'] })],
    events: [created(), { minute: 30, type: 'labels_changed', labels: ['Duplicate'] }],
    now: 90,
    expected: [{ state: 'cancelled', startedAt: 0, elapsed: 30, reason: 'cancelled when label "duplicate" is added' }],
  },
  {
    name: 'cancel before stop at one instant: cancelled, not met',
    metrics: [definition('fix', { cancel: ['resolved'], stop: ['resolved'] })],
    events: [created(), { minute: 30, type: 'resolved' }],
    now: 90,
    expected: [{ state: 'cancelled', metAt: undefined }],
  },
  {
    name: 'cancel is checked before start: the event that starts a cycle does not cancel it',
    metrics: [definition('pickup', { start: ['assigned'], stop: ['comment_by:agent'], cancel: ['assigned_to:nobody'], restarts: true })],
    events: [created(), { minute: 5, type: 'assigned', assignee: 'nobody' }, { minute: 10, type: 'assigned', assignee: 'ann' }],
    now: 30,
    expected: [{ state: 'running', startedAt: 5, elapsed: 25 }],
  },
  {
    name: 'cancelled by an assignment that also starts it: a new cycle from that instant (cancel comes before start)',
    metrics: [definition('pickup', { start: ['assigned'], stop: ['comment_by:agent'], cancel: ['assigned_to:bob'], restarts: true })],
    events: [created(), { minute: 5, type: 'assigned', assignee: 'ann' }, { minute: 10, type: 'assigned', assignee: 'bob' }, { minute: 12, type: 'assigned', assignee: 'carl' }],
    now: 30,
    expected: [{ state: 'running', startedAt: 10, elapsed: 20, cycles: ['5-10 cancelled 5m'] }],
  },
  {
    name: 'a retroactive start counts from creation',
    metrics: [definition('p1', { start: ['priority_set:P1'], retroactive: true })],
    events: [created(), { minute: 40, type: 'priority_changed', priority: 'P1' }],
    now: 50,
    expected: [{ state: 'running', startedAt: 0, elapsed: 50, deadline: 60 }],
  },
  {
    name: 'without a retroactive start the same metric counts from the change',
    metrics: [definition('p1', { start: ['priority_set:P1'] })],
    events: [created(), { minute: 40, type: 'priority_changed', priority: 'P1' }],
    now: 50,
    expected: [{ state: 'running', startedAt: 40, elapsed: 10, deadline: 100 }],
  },
  {
    name: 'a retroactive start past the target is breached at once',
    metrics: [definition('p1', { start: ['priority_set:P1'], retroactive: true })],
    events: [created(), { minute: 90, type: 'priority_changed', priority: 'P1' }],
    now: 95,
    expected: [{ state: 'breached', startedAt: 0, elapsed: 95, deadline: 60 }],
  },
  {
    name: 'pause and resume by events',
    metrics: [definition('fix', { pause: ['label_added:waiting'], resume: ['comment_by:customer'] })],
    events: [created(), { minute: 10, type: 'labels_changed', labels: ['waiting'] }, { minute: 30, type: 'commented', by: 'customer' }],
    now: 60,
    expected: [{ state: 'running', elapsed: 40 }],
  },
  {
    name: 'paused by an event until resumed',
    metrics: [definition('fix', { pause: ['label_added:waiting'], resume: ['comment_by:customer'] })],
    events: [created(), { minute: 10, type: 'labels_changed', labels: ['waiting'] }, { minute: 20, type: 'commented', by: 'agent' }],
    now: 60,
    expected: [{ state: 'paused', elapsed: 10, reason: 'paused since label "waiting" is added' }],
  },
  {
    name: 'stops when the issue leaves a status',
    metrics: [definition('triage', { stop: ['status_left:new'] })],
    events: [created(), { minute: 5, type: 'status_changed', status: 'New' }, { minute: 25, type: 'status_changed', status: 'open' }],
    now: 60,
    expected: [{ state: 'met', metAt: 25, reason: 'met when the issue leaves status "new"' }],
  },
  {
    name: 'any status change after creation stops it; creation in a status does not',
    metrics: [definition('touch', { stop: ['status_changed'] })],
    events: [created({ status: 'open' }), { minute: 5, type: 'observed', status: 'OPEN' }, { minute: 25, type: 'status_changed', status: 'in progress' }],
    now: 60,
    expected: [{ state: 'met', metAt: 25, reason: 'met when the status changes' }],
  },
  {
    name: 'assigned away from a group: to a non-member or to nobody, not within it',
    metrics: [definition('line', { start: ['assigned_to_group:first'], stop: ['comment_by:agent'], cancel: ['assigned_outside_group:first'], restarts: true })],
    events: [
      created(),
      { minute: 5, type: 'assigned', assignee: 'ann' },
      { minute: 10, type: 'assigned', assignee: 'bob' },
      { minute: 20, type: 'assigned', assignee: null },
      { minute: 30, type: 'assigned', assignee: 'ann' },
      { minute: 40, type: 'assigned', assignee: 'carl' },
    ],
    now: 60,
    groups: { first: ['ann', 'bob'] },
    expected: [{ state: 'cancelled', startedAt: 30, cycles: ['5-20 cancelled 15m'] }],
  },
  {
    name: 'stops when the issue enters a paused category',
    metrics: [definition('ask', { stop: ['category_entered:paused'] })],
    events: [created(), { minute: 15, type: 'status_changed', status: 'waiting for customer', paused: true }],
    now: 60,
    expected: [{ state: 'met', metAt: 15 }],
  },
  {
    name: "the reporter's comment, not another customer's",
    metrics: [definition('feedback', { stop: ['comment_by:reporter'] })],
    events: [
      created({ reporter: { names: ['carl'] } }),
      { minute: 10, type: 'commented', by: 'customer', author: { names: ['dora'] } },
      { minute: 20, type: 'commented', by: 'customer', author: { names: ['Carl'] } },
    ],
    now: 60,
    expected: [{ state: 'met', metAt: 20 }],
  },
  {
    name: 'assigned to a group, met by a comment of a member of it',
    metrics: [definition('second', { start: ['assigned_to_group:second-line'], stop: ['comment_by:group:second-line'], restarts: true })],
    events: [
      created(),
      { minute: 5, type: 'assigned', assignee: 'ann' },
      { minute: 10, type: 'assigned', assignee: 'bob' },
      { minute: 20, type: 'commented', by: 'agent', author: { names: ['ann'] } },
      { minute: 35, type: 'commented', by: 'agent', author: { names: ['x'], email: 'Bob@desk.example' } },
    ],
    now: 60,
    groups: { 'second-line': ['bob', 'bob@desk.example'] },
    expected: [{ state: 'met', startedAt: 10, metAt: 35, elapsed: 25 }],
  },
  {
    name: 'a group no source knows has no members',
    metrics: [definition('second', { start: ['assigned_to_group:second-line'] })],
    events: [created(), { minute: 10, type: 'assigned', assignee: 'bob' }],
    now: 60,
    expected: [{ state: 'not_started', reason: 'starts when the issue is assigned to a member of second-line' }],
  },
  {
    name: 'a metric that starts when an earlier one is met starts at that instant',
    metrics: [definition('first', { stop: ['comment_by:agent'] }), definition('then', { start: ['met:first'] })],
    events: [created(), { minute: 10, type: 'commented', by: 'agent' }],
    now: 30,
    expected: [
      { metric: 'first', state: 'met', metAt: 10 },
      { metric: 'then', state: 'running', startedAt: 10, elapsed: 20 },
    ],
  },
  {
    name: 'a deleted issue measures nothing that was not met',
    metrics: [definition('fix', {}), definition('pickup', { stop: ['assigned'] })],
    events: [created(), { minute: 10, type: 'assigned', assignee: 'ann' }, { minute: 20, type: 'deleted' }],
    now: 30,
    expected: [
      { state: 'not_applicable', reason: 'issue deleted' },
      { state: 'met', metAt: 10 },
    ],
  },
];

describe('metrics defined by conditions', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const statuses = run(testCase.metrics, testCase.events, testCase.now, testCase.groups);
      expect(statuses).to.have.length(testCase.expected.length);
      testCase.expected.forEach((expected, index) => expect(statuses[index], testCase.name).to.deep.include(expected));
    });
  }

  describe('in one sentence', () => {
    const cases: [MetricDefinition, string][] = [
      [
        definition('handover', { start: ['assigned_to_group:second-line'], stop: ['comment_by:group:second-line', 'status_entered:in progress'], pause_while: ['category:paused'], restarts: true }),
        'handover starts when the issue is assigned to a member of second-line, pauses while the issue is in a pausing status, stops when a member of second-line comments or the issue enters status "in progress" and starts a new cycle each time it starts again.',
      ],
      [definition('p1', { start: ['priority_set:P1'], retroactive: true, stop: ['resolved'], cancel: ['label_added:duplicate'] }), 'p1 starts when the priority is set to P1 (counted from creation), stops when the issue is resolved, is cancelled when label "duplicate" is added.'],
      [
        presetDefinition({ metric: 'resolution', starts: 'reaction_met', metBy: ['resolved'], pausesOn: new Set(['waiting']), targets: { P1: hour, P2: null, P3: null, P4: null } }),
        'resolution starts when reaction is met, pauses while the issue is in a pausing status or the issue is in status "waiting", stops when the issue is resolved and resumes when the issue is reopened.',
      ],
      [
        definition('ask', { pause: ['label_added:waiting'], resume: ['comment_by:customer'], stop: ['comment_by:agent', 'assigned'] }),
        'ask starts when the issue is created, pauses when label "waiting" is added until the customer comments, stops when an agent comments publicly or the issue is assigned.',
      ],
    ];
    for (const [defined, sentence] of cases) {
      it(defined.name, () => expect(explainMetric(defined)).to.equal(sentence));
    }
  });
});
