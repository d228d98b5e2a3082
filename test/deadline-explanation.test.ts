/**
 * Why a deadline is where it is (src/domain/deadline-explanation.ts), table-driven on the ACME
 * fixture contract (office calendar: Mon-Fri 09:00-17:00 Europe/Amsterdam, Dutch holidays; P1 on
 * a 24x7 calendar; reaction 1h/4h/1d/2d, resolution 8h/2d/5d; pauses in "Waiting for customer").
 * Every case passes its own `now`: the explanation reads no clock. Expected instants and business
 * times are worked out by hand.
 */
import { expect } from 'chai';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { explainDeadlines, type ExplainInput, type Explanation, type TimelineEntry } from '../src/domain/deadline-explanation.js';
import { HOUR_MS, MINUTE_MS } from '../src/domain/duration.js';
import { issueEventSchema, type IssueEventInput } from '../src/domain/issue-event.js';
import type { JournalRecord } from '../src/domain/issue-journal.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { projectRoot } from '../src/project-root.js';
import { writeConfig } from './support/temp-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (text: string) => parseLocalIso(text, ZONE)!;
const fixture = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});
const office = fixture.calendars.get('office')!;

type EventSpec = IssueEventInput extends infer E ? (E extends unknown ? Omit<E, 'at'> & { at: string } : never) : never;
const created = (when: string, priority: 'P1' | 'P2' | 'P3' | 'P4' = 'P3'): EventSpec => ({ type: 'created', at: when, project: 'ACME', priority, status: 'open' });

interface Case {
  readonly name: string;
  readonly now: string;
  readonly events: readonly EventSpec[];
  readonly journal?: readonly JournalRecord[];
  readonly sent?: ExplainInput['sent'];
  /** Entries the timeline must hold, in this order (others may come between). */
  readonly timeline: readonly (Partial<Omit<TimelineEntry, 'text'>> & { text?: RegExp | string })[];
  readonly metrics: Record<string, { state: string; deadlineLocal: string | null; businessLeftMs: number | null; short: RegExp }>;
}

function explain(row: Pick<Case, 'now' | 'events' | 'journal' | 'sent'>, routes?: ExplainInput['routes']): Explanation {
  return explainDeadlines({
    source: 'jira-demo',
    key: 'ACME-1',
    events: row.events.map((spec) => issueEventSchema.parse({ ...spec, at: at(spec.at) })),
    contracts: fixture.contracts.values(),
    now: at(row.now),
    ...(row.journal ? { journal: row.journal } : {}),
    ...(row.sent ? { sent: row.sent } : {}),
    ...(routes ? { routes } : {}),
  });
}

const iso = (local: string) => new Date(at(local)).toISOString();

const cases: Case[] = [
  {
    name: 'a pause by status: three hours waiting for the customer move the deadline by three business hours',
    now: '2026-11-30T14:00',
    events: [created('2026-11-30T09:00'), { type: 'status_changed', at: '2026-11-30T10:00', status: 'Waiting for customer' }, { type: 'status_changed', at: '2026-11-30T13:00', status: 'Open' }],
    timeline: [
      { at: iso('2026-11-30T09:00'), kind: 'created' },
      { at: iso('2026-11-30T10:00'), metric: 'reaction', kind: 'paused', reason: 'status "Waiting for customer"', text: 'clock paused: status "Waiting for customer" until Mon 30 Nov 13:00' },
      { at: iso('2026-11-30T13:00'), metric: 'reaction', kind: 'resumed', reason: 'status "Open"' },
      // 1 h before the pause and 1 h since: 6 h of the 1d (8 h) target are left, 3 today and 3 tomorrow.
      { at: iso('2026-11-30T17:00'), kind: 'closed', reason: 'outside office hours', text: /^will not count Mon 30 Nov 17:00 – Tue 1 Dec 09:00: outside office hours \(reaction, resolution\)$/ },
      { at: iso('2026-12-01T12:00'), metric: 'reaction', kind: 'deadline' },
    ],
    metrics: {
      reaction: { state: 'running', deadlineLocal: '2026-12-01 12:00', businessLeftMs: 6 * HOUR_MS, short: /^due Tue 1 Dec 12:00, 6h business time left; paused 3h business time in status "Waiting for customer"$/ },
    },
  },
  {
    name: "a Dutch holiday by its name: King's Day (Monday 27 April 2026) after the weekend",
    now: '2026-04-24T16:30',
    events: [created('2026-04-24T16:00', 'P2')],
    timeline: [
      { at: iso('2026-04-24T16:00'), metric: 'reaction', kind: 'started' },
      { at: iso('2026-04-24T17:00'), kind: 'closed', reason: "outside office hours, weekend, King's Day", text: /Fri 24 Apr 17:00 – Tue 28 Apr 09:00: outside office hours, weekend, King's Day/ },
      { at: iso('2026-04-28T12:00'), metric: 'reaction', kind: 'deadline' },
    ],
    metrics: {
      reaction: { state: 'running', deadlineLocal: '2026-04-28 12:00', businessLeftMs: 3.5 * HOUR_MS, short: /^due Tue 28 Apr 12:00, 3h30m business time left$/ },
    },
  },
  {
    name: 'Christmas: Christmas Day on a Friday, Boxing Day on a Saturday, a weekend after it',
    now: '2026-12-28T09:30',
    events: [created('2026-12-24T16:00', 'P2')],
    timeline: [
      { at: iso('2026-12-24T17:00'), kind: 'closed', reason: 'outside office hours, Christmas Day, Boxing Day, weekend', text: /^not counting Thu 24 Dec 17:00 – Mon 28 Dec 09:00/ },
      { at: iso('2026-12-28T10:00'), metric: 'reaction', kind: 'warning', text: 'warning 50% due: 2h of the 4h target' },
    ],
    metrics: {
      reaction: { state: 'running', deadlineLocal: '2026-12-28 12:00', businessLeftMs: 2.5 * HOUR_MS, short: /^due Mon 28 Dec 12:00, 2h30m business time left$/ },
    },
  },
  {
    name: 'a weekend: Friday 17:00 to Monday 09:00 is one stretch, not one line per day',
    now: '2026-11-27T16:30',
    events: [created('2026-11-27T16:00', 'P2')],
    timeline: [{ at: iso('2026-11-27T17:00'), kind: 'closed', reason: 'outside office hours, weekend', text: /Fri 27 Nov 17:00 – Mon 30 Nov 09:00: outside office hours, weekend/ }],
    metrics: {
      reaction: { state: 'running', deadlineLocal: '2026-11-30 12:00', businessLeftMs: 3.5 * HOUR_MS, short: /^due Mon 30 Nov 12:00/ },
    },
  },
  {
    name: 'reported before the office opens: the clock counts from 09:00',
    now: '2026-11-30T08:00',
    events: [created('2026-11-30T07:30', 'P2')],
    timeline: [
      { at: iso('2026-11-30T07:30'), metric: 'reaction', kind: 'started' },
      { at: iso('2026-11-30T07:30'), kind: 'closed', reason: 'outside office hours', text: /^not counting Mon 30 Nov 07:30–09:00: outside office hours/ },
    ],
    metrics: {
      reaction: { state: 'running', deadlineLocal: '2026-11-30 13:00', businessLeftMs: 4 * HOUR_MS, short: /^due Mon 30 Nov 13:00, 4h business time left$/ },
    },
  },
  {
    name: 'a priority change carries the elapsed business time over to the new target',
    now: '2026-11-30T11:00',
    events: [created('2026-11-30T09:00', 'P3'), { type: 'priority_changed', at: '2026-11-30T10:30', priority: 'P2' }],
    timeline: [
      { at: iso('2026-11-30T10:30'), metric: 'reaction', kind: 'priority', reason: 'P3 → P2', text: 'priority P3 → P2: 1h30m business time elapsed carries over; target 1d → 4h, 2h30m left' },
      { at: iso('2026-11-30T10:30'), metric: 'resolution', kind: 'priority', reason: 'P3 → P2', text: 'priority P3 → P2: 1h30m business time elapsed carries over; target 5d → 2d, 14h30m left' },
      { at: iso('2026-11-30T13:00'), metric: 'reaction', kind: 'deadline' },
    ],
    metrics: {
      reaction: { state: 'running', deadlineLocal: '2026-11-30 13:00', businessLeftMs: 2 * HOUR_MS, short: /^due Mon 30 Nov 13:00, 2h business time left$/ },
    },
  },
  {
    name: 'reopening: the resolution clock stood still while resolved and runs on with its elapsed time',
    now: '2026-11-30T15:00',
    events: [created('2026-11-30T09:00'), { type: 'resolved', at: '2026-11-30T11:00', status: 'Done' }, { type: 'reopened', at: '2026-11-30T14:00', status: 'Reopened' }],
    timeline: [
      { at: iso('2026-11-30T11:00'), kind: 'resolved', text: 'resolved (status "Done")' },
      { at: iso('2026-11-30T11:00'), metric: 'reaction', kind: 'met', reason: 'met by resolving the issue' },
      { at: iso('2026-11-30T11:00'), metric: 'resolution', kind: 'met', reason: 'issue resolved', text: 'met for now: issue resolved until Mon 30 Nov 14:00' },
      { at: iso('2026-11-30T14:00'), kind: 'reopened' },
      { at: iso('2026-11-30T14:00'), metric: 'resolution', kind: 'resumed', reason: 'issue reopened' },
    ],
    metrics: {
      reaction: { state: 'met', deadlineLocal: null, businessLeftMs: null, short: /^met Mon 30 Nov 11:00 \(met by resolving the issue\), 2h of 1d business time$/ },
      // 2 h before resolving and 1 h since reopening: 37 of 40 h left.
      resolution: { state: 'running', deadlineLocal: '2026-12-07 12:00', businessLeftMs: 37 * HOUR_MS, short: /^due Mon 7 Dec 12:00, 37h business time left$/ },
    },
  },
  {
    name: 'warnings and the breach with when and where each message went, and one sent before the journal',
    now: '2026-11-30T13:30',
    events: [created('2026-11-30T09:00', 'P2')],
    sent: { reaction: ['50%', '75%', '30m before', 'breach'] },
    journal: [
      { type: 'notification', at: at('2026-11-30T12:00') + 800, metric: 'reaction', kind: 'warning', label: '75%', channel: 'team', channelKind: 'slack', outcome: 'sent', firedAt: at('2026-11-30T12:00') },
      { type: 'notification', at: at('2026-11-30T12:30'), metric: 'reaction', kind: 'warning', label: '30m before', channel: 'team', channelKind: 'slack', outcome: 'dead-lettered', reason: '400 invalid_payload' },
      { type: 'notification', at: at('2026-11-30T13:00') + 300, metric: 'reaction', kind: 'breach', label: 'breach', channel: 'managers', channelKind: 'teams', outcome: 'sent' },
      { type: 'write-back', at: at('2026-11-30T09:00') + 500, outcome: 'written', requests: 1, nearest: at('2026-11-30T13:00') },
    ],
    timeline: [
      { at: new Date(at('2026-11-30T09:00') + 500).toISOString(), kind: 'write-back', reason: 'written', text: 'written back to the tracker (1 request): nearest deadline Mon 30 Nov 13:00' },
      { at: iso('2026-11-30T11:00'), metric: 'reaction', kind: 'warning', text: 'warning 50% reached: 2h of the 4h target' },
      { at: iso('2026-11-30T11:00'), metric: 'reaction', kind: 'notified', reason: 'not recorded' },
      { at: new Date(at('2026-11-30T12:00') + 800).toISOString(), metric: 'reaction', kind: 'notified', reason: 'sent', text: 'warning 75% sent to team (slack)' },
      { at: iso('2026-11-30T12:30'), metric: 'reaction', kind: 'notified', reason: 'dead-lettered', text: /to team \(slack\) failed for good: 400 invalid_payload/ },
      { at: iso('2026-11-30T13:00'), metric: 'reaction', kind: 'breach', text: 'breach reached: the 4h target used up' },
      { at: new Date(at('2026-11-30T13:00') + 300).toISOString(), metric: 'reaction', kind: 'notified', text: 'breach sent to managers (teams)' },
    ],
    metrics: {
      reaction: { state: 'breached', deadlineLocal: '2026-11-30 13:00', businessLeftMs: -30 * MINUTE_MS, short: /^overdue since Mon 30 Nov 13:00, 30m business time over$/ },
    },
  },
];

/** Each expected entry found after the one before it. */
function expectInOrder(timeline: readonly TimelineEntry[], expected: Case['timeline']): void {
  let from = 0;
  for (const want of expected) {
    const index = timeline.findIndex((entry, position) => {
      if (position < from) return false;
      const { text, ...fields } = want;
      if (Object.entries(fields).some(([name, value]) => (entry as unknown as Record<string, unknown>)[name] !== value)) return false;
      return text === undefined || (typeof text === 'string' ? entry.text === text : text.test(entry.text));
    });
    expect(index, `${JSON.stringify(want)} in order in\n${timeline.map((entry) => JSON.stringify(entry)).join('\n')}`).to.be.at.least(0);
    from = index + 1;
  }
}

describe('deadline explanation', () => {
  for (const row of cases) {
    it(row.name, () => {
      const explanation = explain(row);
      expect(explanation).to.include({ source: 'jira-demo', key: 'ACME-1', contract: 'acme-support', zone: ZONE });
      expectInOrder(explanation.timeline, row.timeline);
      for (const [metric, want] of Object.entries(row.metrics)) {
        const got = explanation.metrics.find((entry) => entry.metric === metric);
        expect(got, metric).to.not.equal(undefined);
        expect({ state: got!.state, deadlineLocal: got!.deadlineLocal, businessLeftMs: got!.businessLeftMs }, metric).to.deep.equal({ state: want.state, deadlineLocal: want.deadlineLocal, businessLeftMs: want.businessLeftMs });
        expect(got!.short, metric).to.match(want.short);
        expect(got!.deadline).to.equal(want.deadlineLocal === null ? null : new Date(at(want.deadlineLocal.replace(' ', 'T'))).toISOString());
      }
      // The text says what the JSON says: every short form and every timeline line.
      for (const entry of explanation.metrics) expect(explanation.text).to.include(entry.short);
      for (const entry of explanation.timeline) expect(explanation.text).to.include(entry.text);
    });
  }

  it('says which planned messages quiet hours will hold, and when they go', () => {
    const quietTeam = { id: 'team', kind: 'slack', quietHours: { calendar: office, bypassBreaches: true } };
    // P1 runs round the clock: its 30-minute warning falls at 20:30, when the office calendar is closed.
    const explanation = explain({ now: '2026-11-30T20:05', events: [created('2026-11-30T20:00', 'P1')] }, () => ({ warnings: [quietTeam], breaches: [{ id: 'managers', kind: 'teams' }] }));
    expectInOrder(explanation.timeline, [
      { at: iso('2026-11-30T20:30'), metric: 'reaction', kind: 'warning', text: "warning 50% due to team (held for team's quiet hours until Tue 1 Dec 09:00): 30m of the 1h target" },
      { at: iso('2026-11-30T21:00'), metric: 'reaction', kind: 'deadline', text: 'due: 1h business time at P1 on round-the-clock; the breach message goes to managers' },
    ]);
    // A 24x7 calendar has no closed stretches to list.
    expect(explanation.timeline.filter((entry) => entry.metric === 'reaction' && entry.kind === 'closed')).to.deep.equal([]);
  });

  it('lists a held message with the end of the quiet hours', () => {
    const held: JournalRecord = { type: 'notification', at: at('2026-11-28T12:00'), metric: 'reaction', kind: 'warning', label: '50%', channel: 'team', channelKind: 'slack', outcome: 'held', until: at('2026-11-30T09:00') };
    const explanation = explain({ now: '2026-11-28T12:30', events: [created('2026-11-28T11:00', 'P1')], journal: [held] });
    expectInOrder(explanation.timeline, [{ at: iso('2026-11-28T12:00'), kind: 'held', reason: 'quiet hours', text: "warning 50% held for team's quiet hours until Mon 30 Nov 09:00" }]);
  });

  it('explains an issue no contract covers with the reason, and no metrics', () => {
    const explanation = explainDeadlines({ source: 'jira-demo', key: 'X-1', events: [issueEventSchema.parse({ type: 'created', at: at('2026-11-30T09:00'), project: 'NOPE', priority: 'P1', status: 'open' })], contracts: fixture.contracts.values(), now: at('2026-11-30T10:00') });
    expect(explanation).to.deep.include({ contract: null, metrics: [] });
    expect(explanation.text).to.match(/^X-1 \(jira-demo\): no SLA clock, no contract covers jira-demo project "NOPE"/);
  });
});

describe('deadline explanation of a long-running clock', () => {
  it(`lists the first closed stretches and says there are more, instead of every night for months`, () => {
    // A P4 resolution has no target; its 2d reaction started in January and was never met: breached,
    // running on until `now` in June, over some 150 nights and weekends.
    const explanation = explainDeadlines({
      source: 'jira-demo',
      key: 'ACME-2',
      events: [issueEventSchema.parse({ type: 'created', at: at('2026-01-05T09:00'), project: 'ACME', priority: 'P4', status: 'open' })],
      contracts: fixture.contracts.values(),
      now: at('2026-06-01T09:00'),
    });
    const closed = explanation.timeline.filter((entry) => entry.kind === 'closed');
    expect(closed).to.have.length(61);
    expect(closed[60]).to.deep.include({ reason: 'more', text: 'and more closed stretches, not listed (the first 60 are)' });
    expect(explanation.metrics.find((entry) => entry.metric === 'reaction')).to.deep.include({ state: 'breached', deadlineLocal: '2026-01-06 17:00' });
  });
});

describe('explaining a metric defined by conditions', () => {
  // A 24x7 contract with a custom first-answer metric: starts at creation, pauses under a label, met by an agent's comment.
  const config = loadBridgeConfig(
    writeConfig({
        'calendars/round.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
        'contracts/acme.yaml': [
          'customer: ACME',
          'calendar: round',
          'covers: [{ source: jira-demo, project: ACME }]',
          'policies: { reaction: 4h }',
          'metrics:',
          '  first-answer:',
          '    start: [created]',
          '    stop: ["comment_by:agent"]',
          '    pause: ["label_added:on-hold"]',
          '    resume: ["label_removed:on-hold"]',
          '    targets: 2h',
          '',
        ].join('\n'),
    }),
    {},
  );
  const run = (now: string, events: readonly EventSpec[]) =>
    explainDeadlines({ source: 'jira-demo', key: 'ACME-7', events: events.map((event) => issueEventSchema.parse({ ...event, at: at(event.at) })), contracts: config.contracts.values(), now: at(now) });

  it('lists its state, deadline and time left next to the presets, with when it ran and stood still', () => {
    const explanation = run('2026-11-17T10:30', [
      created('2026-11-17T09:00'),
      { type: 'labels_changed', at: '2026-11-17T09:30', labels: ['on-hold'] },
      { type: 'labels_changed', at: '2026-11-17T10:00', labels: [] },
    ]);
    const custom = explanation.metrics.find((metric) => metric.metric === 'first-answer');
    // 09:00-09:30 and 10:00-10:30 ran: 1h of 2h used, due 11:30.
    expect(custom).to.deep.include({ state: 'running', deadlineLocal: '2026-11-17 11:30', businessLeftMs: HOUR_MS });
    expect(custom!.short).to.match(/due Tue 17 Nov 11:30, 1h business time left/);
    const kinds = explanation.timeline.filter((entry) => entry.metric === 'first-answer').map((entry) => [entry.kind, entry.at]);
    expect(kinds).to.deep.equal([
      ['started', new Date(at('2026-11-17T09:00')).toISOString()],
      ['paused', new Date(at('2026-11-17T09:30')).toISOString()],
      ['resumed', new Date(at('2026-11-17T10:00')).toISOString()],
      ['deadline', new Date(at('2026-11-17T11:30')).toISOString()],
    ]);
    expect(explanation.text).to.match(/first-answer\s+due Tue 17 Nov 11:30/);
  });

  it('says when it was met', () => {
    const explanation = run('2026-11-17T12:00', [created('2026-11-17T09:00'), { type: 'commented', at: '2026-11-17T09:45', by: 'agent', public: true }]);
    const custom = explanation.metrics.find((metric) => metric.metric === 'first-answer');
    expect(custom).to.deep.include({ state: 'met', businessLeftMs: null });
    expect(explanation.timeline.some((entry) => entry.metric === 'first-answer' && entry.kind === 'met' && entry.at === new Date(at('2026-11-17T09:45')).toISOString())).to.equal(true);
  });
});
