/**
 * The SLA clock on whole issue histories. Times are Europe/Amsterdam, late November 2026
 * (+01:00); 2026-11-30 is a Monday. Expected instants are worked out by hand.
 */
import { expect } from 'chai';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { Contract } from '../src/domain/contract.js';
import { HOUR_MS, MINUTE_MS } from '../src/domain/duration.js';
import type { IssueEventInput } from '../src/domain/issue-event.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { runClock, type IssueSla } from '../src/domain/sla-clock.js';
import type { MetricStatus } from '../src/domain/metric-status.js';
import { projectRoot } from '../src/project-root.js';
import { shippedConfig } from './support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;
const local = (instant: number | null | undefined) => (instant == null ? instant : toLocalIso(instant, ZONE).slice(0, 16));

const fixture = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});
const acmeContracts = [...fixture.contracts.values()];
const shippedContracts = [...shippedConfig().contracts.values()];

type EventSpec = IssueEventInput extends infer E ? (E extends unknown ? Omit<E, 'at'> & { at: string } : never) : never;
const events = (...specs: EventSpec[]) => specs.map((spec) => issueEventSchema.parse({ ...spec, at: at(spec.at) }));

function clock(source: string, contracts: Contract[], now: string, ...specs: EventSpec[]): IssueSla {
  return runClock({ source, events: events(...specs) }, contracts, at(now));
}

function covered(sla: IssueSla) {
  if (!sla.covered) throw new Error(`not covered: ${sla.reason}`);
  return sla;
}

function metric(sla: IssueSla, name: string): MetricStatus {
  const found = covered(sla).metrics.find((status) => status.metric === name);
  if (!found) throw new Error(`no ${name} metric`);
  return found;
}

const open2bizzCreated = (priority: 'P1' | 'P2' | 'P3' | 'P4', when = '2026-11-30T09:00', extra: Partial<EventSpec> = {}): EventSpec =>
  ({ type: 'created', at: when, project: 'open2bizz/odoo-customer', priority, status: 'open', ...extra }) as EventSpec;
const acmeCreated = (priority: 'P1' | 'P2' | 'P3' | 'P4', when = '2026-11-30T09:00', extra: Partial<EventSpec> = {}): EventSpec =>
  ({ type: 'created', at: when, project: 'ACME', priority, status: 'open', ...extra }) as EventSpec;

describe('SLA clock', () => {
  describe('Open2Bizz: resolution measured from the reaction', () => {
    it('runs the reaction from creation, with the default 50/75/90% warnings', () => {
      const sla = clock('gitea-demo', shippedContracts, '2026-11-30T12:00', open2bizzCreated('P2'));
      expect(covered(sla).contract).to.equal('open2bizz-saas');
      const reaction = metric(sla, 'reaction');
      expect(reaction.state).to.equal('running');
      expect(local(reaction.deadline)).to.equal('2026-11-30T17:00');
      expect(reaction.elapsedMs).to.equal(3 * HOUR_MS);
      expect(reaction.remainingMs).to.equal(5 * HOUR_MS);
      expect(reaction.warnings!.map((w) => [w.label, local(w.at)])).to.deep.equal([
        ['50%', '2026-11-30T13:00'],
        ['75%', '2026-11-30T15:00'],
        ['90%', '2026-11-30T16:12'],
      ]);
      expect(metric(sla, 'resolution')).to.include({ state: 'not_started', reason: 'starts when reaction is met' });
    });

    it('starts the resolution clock at the first public agent comment', () => {
      const sla = clock(
        'gitea-demo',
        shippedContracts,
        '2026-11-30T12:00',
        open2bizzCreated('P2'),
        { type: 'commented', at: '2026-11-30T10:00', by: 'customer' },
        { type: 'commented', at: '2026-11-30T10:30', by: 'agent', public: false },
        { type: 'commented', at: '2026-11-30T11:00', by: 'agent' },
      );
      const reaction = metric(sla, 'reaction');
      expect(reaction).to.include({ state: 'met', reason: 'met by an agent comment' });
      expect(local(reaction.metAt)).to.equal('2026-11-30T11:00');
      const resolution = metric(sla, 'resolution');
      expect(resolution.state).to.equal('running');
      expect(local(resolution.startedAt)).to.equal('2026-11-30T11:00');
      // 2d = 16 business hours from Mon 11:00: 6h Monday, 8h Tuesday, 2h Wednesday.
      expect(local(resolution.deadline)).to.equal('2026-12-02T11:00');
      expect(resolution.elapsedMs).to.equal(HOUR_MS);
    });

    it('clamps a test environment to P4, where there is no handling-time norm', () => {
      const sla = clock('gitea-demo', shippedContracts, '2026-11-30T12:00', open2bizzCreated('P1', '2026-11-30T09:00', { environment: 'Test' }));
      expect(covered(sla).priority).to.deep.equal({ effective: 'P4', requested: 'P1', reason: 'clamped to P4: test environment' });
      expect(local(metric(sla, 'reaction').deadline)).to.equal('2026-12-11T17:00');
      expect(metric(sla, 'resolution')).to.include({ state: 'not_applicable', reason: 'open2bizz-saas sets no resolution target for P4' });
    });

    it('re-targets when the environment changes to production, keeping the elapsed time', () => {
      const sla = clock(
        'gitea-demo',
        shippedContracts,
        '2026-11-30T12:00',
        open2bizzCreated('P1', '2026-11-30T09:00', { environment: 'test' }),
        { type: 'environment_changed', at: '2026-11-30T10:30', environment: 'production' },
      );
      expect(covered(sla).priority.effective).to.equal('P1');
      expect(local(metric(sla, 'reaction').deadline)).to.equal('2026-11-30T11:00');
      expect(metric(sla, 'reaction').state).to.equal('breached');
    });
  });

  describe('priority changes', () => {
    it('keeps the elapsed business time and re-targets', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T10:30', acmeCreated('P3'), {
        type: 'priority_changed',
        at: '2026-11-30T10:00',
        priority: 'P2',
      });
      const reaction = metric(sla, 'reaction');
      expect(reaction.priority).to.equal('P2');
      // 1h elapsed at P3, 4h target at P2: 3h left from 10:00.
      expect(local(reaction.deadline)).to.equal('2026-11-30T13:00');
      expect(reaction.elapsedMs).to.equal(1.5 * HOUR_MS);
      expect(reaction.segments!.map((s) => [local(s.from), local(s.to), s.priority])).to.deep.equal([
        ['2026-11-30T09:00', '2026-11-30T10:00', 'P3'],
        ['2026-11-30T10:00', null, 'P2'],
      ]);
    });

    it('switches to the priority calendar: a P1 runs round the clock', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-27T17:40', acmeCreated('P2', '2026-11-27T16:30'), {
        type: 'priority_changed',
        at: '2026-11-27T17:30',
        priority: 'P1',
      });
      const reaction = metric(sla, 'reaction');
      expect(reaction.calendar).to.equal('round-the-clock');
      // 30 office minutes before 17:00 on Friday, then 30 more wall-clock minutes from 17:30.
      expect(local(reaction.deadline)).to.equal('2026-11-27T18:00');
      expect(reaction.elapsedMs).to.equal(40 * MINUTE_MS);
    });
  });

  describe('pauses', () => {
    const history: EventSpec[] = [
      acmeCreated('P2'),
      { type: 'status_changed', at: '2026-11-30T10:00', status: 'Waiting for Customer' },
      { type: 'status_changed', at: '2026-12-01T10:00', status: 'open' },
    ];

    it('stops the clock in a pausing status, with no deadline while paused', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T12:00', ...history.slice(0, 2));
      const reaction = metric(sla, 'reaction');
      expect(reaction).to.include({ state: 'paused', reason: 'paused in status "Waiting for Customer"', deadline: null });
      expect(reaction.remainingMs).to.equal(3 * HOUR_MS);
      expect(reaction.warnings!.every((w) => w.at === null)).to.equal(true);
    });

    it('extends the deadline by the paused business time on resume', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-12-01T11:00', ...history);
      const reaction = metric(sla, 'reaction');
      expect(reaction.state).to.equal('running');
      expect(local(reaction.deadline)).to.equal('2026-12-01T13:00');
      expect(reaction.elapsedMs).to.equal(2 * HOUR_MS);
      expect(reaction.warnings!.map((w) => [w.label, local(w.at)])).to.deep.equal([
        ['50%', '2026-12-01T11:00'],
        ['75%', '2026-12-01T12:00'],
        ['30m before', '2026-12-01T12:30'],
      ]);
    });
  });

  describe('resolve and reopen', () => {
    it('resumes only resolution on reopen, keeping its elapsed time', () => {
      const sla = clock(
        'jira-demo',
        acmeContracts,
        '2026-12-01T10:00',
        acmeCreated('P2'),
        { type: 'resolved', at: '2026-11-30T13:00', status: 'done' },
        { type: 'reopened', at: '2026-12-01T09:00', status: 'open' },
      );
      expect(metric(sla, 'reaction')).to.include({ state: 'met', reason: 'met by resolving the issue' });
      const resolution = metric(sla, 'resolution');
      expect(resolution.state).to.equal('running');
      // 4h before resolving, 12h left from Tuesday 09:00: 8h Tuesday, 4h Wednesday.
      expect(local(resolution.deadline)).to.equal('2026-12-02T13:00');
      expect(resolution.elapsedMs).to.equal(5 * HOUR_MS);
    });

    it('stands still for a metric that resolving does not meet', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-12-02T09:00', acmeCreated('P2'), { type: 'status_changed', at: '2026-11-30T09:30', status: 'in progress' }, { type: 'resolved', at: '2026-11-30T10:00' });
      expect(metric(sla, 'reaction')).to.include({ state: 'met', reason: 'met by status "in progress"' });
      expect(metric(sla, 'resolution').state).to.equal('met');
    });
  });

  describe('breaches', () => {
    it('is breached once the deadline has passed, even after closing time', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T17:30', acmeCreated('P2', '2026-11-30T13:00'));
      const reaction = metric(sla, 'reaction');
      expect(local(reaction.deadline)).to.equal('2026-11-30T17:00');
      expect(reaction.state).to.equal('breached');
      expect(reaction.remainingMs).to.equal(0);
    });

    it('counts the overdue time in business time', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T14:00', acmeCreated('P2'));
      expect(metric(sla, 'reaction')).to.include({ state: 'breached', remainingMs: -HOUR_MS });
    });

    it('is met on time at exactly the deadline, breached one minute later', () => {
      const onTime = clock('jira-demo', acmeContracts, '2026-11-30T18:00', acmeCreated('P2'), { type: 'commented', at: '2026-11-30T13:00', by: 'agent' });
      expect(metric(onTime, 'reaction').state).to.equal('met');
      const late = clock('jira-demo', acmeContracts, '2026-11-30T18:00', acmeCreated('P2'), { type: 'commented', at: '2026-11-30T13:01', by: 'agent' });
      expect(metric(late, 'reaction')).to.include({ state: 'breached', metAt: at('2026-11-30T13:01') });
    });

    it('stays breached when paused after the deadline', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T16:00', acmeCreated('P2'), {
        type: 'status_changed',
        at: '2026-11-30T14:00',
        status: 'waiting for customer',
      });
      expect(metric(sla, 'reaction').state).to.equal('breached');
    });
  });

  describe('event order', () => {
    const history: EventSpec[] = [
      acmeCreated('P3'),
      { type: 'priority_changed', at: '2026-11-30T10:00', priority: 'P2' },
      { type: 'status_changed', at: '2026-11-30T11:00', status: 'waiting for customer' },
      { type: 'status_changed', at: '2026-11-30T14:00', status: 'open' },
      { type: 'commented', at: '2026-11-30T15:00', by: 'agent' },
      { type: 'assigned', at: '2026-11-30T15:30', assignee: 'ann' },
    ];

    it('uses the events\' own timestamps, whatever order they arrive in, and ignores a repeated created', () => {
      const inOrder = clock('jira-demo', acmeContracts, '2026-12-01T12:00', ...history);
      for (const arrival of [[...history].reverse(), [history[3]!, history[0]!, history[5]!, history[1]!, history[4]!, history[2]!, history[0]!]]) {
        expect(clock('jira-demo', acmeContracts, '2026-12-01T12:00', ...arrival)).to.deep.equal(inOrder);
      }
      expect(local(metric(inOrder, 'reaction').metAt)).to.equal('2026-11-30T15:00');
    });

    it('applies events stamped before creation (clock skew) at creation', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T10:00', acmeCreated('P2'), { type: 'commented', at: '2026-11-30T08:59', by: 'agent' });
      expect(local(metric(sla, 'reaction').metAt)).to.equal('2026-11-30T09:00');
    });
  });

  describe('restated fields and first sight', () => {
    it('meets a status target only when the status is entered, not when a tracker restates it', () => {
      const restated = clock(
        'jira-demo',
        acmeContracts,
        '2026-11-30T12:00',
        acmeCreated('P2', '2026-11-30T09:00', { status: 'in progress' }),
        { type: 'status_changed', at: '2026-11-30T10:00', status: 'In Progress' },
      );
      expect(local(metric(restated, 'reaction').metAt)).to.equal('2026-11-30T09:00');
    });

    it('stops every clock in a status the source marks as pausing', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T12:00', acmeCreated('P2'), {
        type: 'status_changed',
        at: '2026-11-30T10:00',
        status: 'On hold',
        paused: true,
      });
      expect(metric(sla, 'reaction')).to.include({ state: 'paused', reason: 'paused in status "On hold"', remainingMs: 3 * HOUR_MS });
      expect(metric(sla, 'resolution').state).to.equal('paused');
    });

    it('prefers the real created event over one built from an issue first seen mid-life', () => {
      const synthetic = acmeCreated('P1', '2026-11-30T09:00', { synthetic: true } as Partial<EventSpec>);
      const real = acmeCreated('P3', '2026-11-30T09:00');
      const raised: EventSpec = { type: 'priority_changed', at: '2026-11-30T10:00', priority: 'P1' };
      for (const order of [[synthetic, real, raised], [real, synthetic, raised], [raised, synthetic, real]]) {
        const reaction = metric(clock('jira-demo', acmeContracts, '2026-11-30T10:30', ...order), 'reaction');
        expect(reaction.segments!.map((segment) => segment.priority)).to.deep.equal(['P3', 'P1']);
      }
    });

    it('starts from the tracker\'s created time when only a later event was heard', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T10:30', acmeCreated('P2', '2026-11-30T09:00', { synthetic: true } as Partial<EventSpec>), {
        type: 'commented',
        at: '2026-11-30T10:00',
        by: 'customer',
      });
      expect(metric(sla, 'reaction')).to.include({ startedAt: at('2026-11-30T09:00'), elapsedMs: 1.5 * HOUR_MS });
    });
  });

  describe('zero business time (contract zero-time: 2h, warnings "2h before" and "1h before"; P3 0s; P1 round the clock)', () => {
    const zeroCreated = (priority: 'P1' | 'P2' | 'P3', when: string): EventSpec => ({ type: 'created', at: when, project: 'ZERO', priority, status: 'open' });
    const warnings = (status: MetricStatus) => status.warnings!.map((w) => [w.label, w.elapsedMs, local(w.at)]);

    const cases: [why: string, created: string, priority: 'P1' | 'P2', due: string, warned: [string, number, string][]][] = [
      ['in office hours: the "2h before" warning at creation', '2026-11-30T10:00', 'P2', '2026-11-30T12:00', [['2h before', 0, '2026-11-30T10:00'], ['1h before', HOUR_MS, '2026-11-30T11:00']]],
      ['at opening time: at creation', '2026-11-30T09:00', 'P2', '2026-11-30T11:00', [['2h before', 0, '2026-11-30T09:00'], ['1h before', HOUR_MS, '2026-11-30T10:00']]],
      ['at closing time, Friday 17:00: at the next opening, Monday 09:00', '2026-11-27T17:00', 'P2', '2026-11-30T11:00', [['2h before', 0, '2026-11-30T09:00'], ['1h before', HOUR_MS, '2026-11-30T10:00']]],
      ['on a Saturday: at the next opening', '2026-11-28T12:00', 'P2', '2026-11-30T11:00', [['2h before', 0, '2026-11-30T09:00'], ['1h before', HOUR_MS, '2026-11-30T10:00']]],
      ['round the clock (P1), on a Saturday: at creation', '2026-11-28T12:00', 'P1', '2026-11-28T14:00', [['2h before', 0, '2026-11-28T12:00'], ['1h before', HOUR_MS, '2026-11-28T13:00']]],
    ];
    for (const [why, created, priority, due, warned] of cases) {
      it(`keeps a warning at zero elapsed time, due when the clock starts counting: ${why}`, () => {
        const reaction = metric(clock('jira-demo', acmeContracts, created, zeroCreated(priority, created)), 'reaction');
        expect(local(reaction.deadline)).to.equal(due);
        expect(warnings(reaction)).to.deep.equal(warned);
      });
    }

    it('puts a warning at zero at the first working moment the clock runs, not at an opening spent paused', () => {
      const reaction = metric(
        clock(
          'jira-demo',
          acmeContracts,
          '2026-11-30T10:30',
          zeroCreated('P2', '2026-11-27T20:00'),
          { type: 'status_changed', at: '2026-11-28T10:00', status: 'Waiting for Customer' },
          { type: 'status_changed', at: '2026-11-30T10:00', status: 'open' },
        ),
        'reaction',
      );
      expect(warnings(reaction)).to.deep.equal([['2h before', 0, '2026-11-30T10:00'], ['1h before', HOUR_MS, '2026-11-30T11:00']]);
      expect(local(reaction.deadline)).to.equal('2026-11-30T12:00');
      expect(reaction.elapsedMs).to.equal(30 * MINUTE_MS);
    });

    it('has no zero warning yet while paused before any working time', () => {
      const reaction = metric(
        clock('jira-demo', acmeContracts, '2026-11-30T10:30', zeroCreated('P2', '2026-11-27T20:00'), { type: 'status_changed', at: '2026-11-28T10:00', status: 'Waiting for Customer' }),
        'reaction',
      );
      expect(reaction).to.include({ state: 'paused', deadline: null });
      expect(warnings(reaction)).to.deep.equal([['2h before', 0, null], ['1h before', HOUR_MS, null]]);
    });

    it('makes a 0s target due at the next opening outside office hours, with no warnings', () => {
      const before = metric(clock('jira-demo', acmeContracts, '2026-11-30T09:00', zeroCreated('P3', '2026-11-27T17:00')), 'reaction');
      expect(before).to.include({ state: 'running', remainingMs: 0 });
      expect(local(before.deadline)).to.equal('2026-11-30T09:00');
      expect(before.warnings).to.deep.equal([]);
      const after = metric(clock('jira-demo', acmeContracts, '2026-11-30T09:01', zeroCreated('P3', '2026-11-27T17:00')), 'reaction');
      expect(after.state).to.equal('breached');
    });

    it('makes a 0s target due at creation in office hours, met by an answer at that moment', () => {
      const reaction = metric(
        clock('jira-demo', acmeContracts, '2026-11-30T12:00', zeroCreated('P3', '2026-11-30T10:00'), { type: 'commented', at: '2026-11-30T10:00', by: 'agent' }),
        'reaction',
      );
      expect(local(reaction.deadline)).to.equal('2026-11-30T10:00');
      expect(reaction).to.include({ state: 'met', reason: 'met by an agent comment' });
    });
  });

  describe('coverage', () => {
    it('prefers the contract that names the component', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T09:10', acmeCreated('P2', '2026-11-30T09:00', { component: 'billing' }));
      expect(covered(sla).contract).to.equal('acme-billing');
      expect(local(metric(sla, 'reaction').deadline)).to.equal('2026-11-30T09:30');
    });

    it('says why an issue is not covered', () => {
      const other = clock('gitea-demo', shippedContracts, '2026-11-30T10:00', open2bizzCreated('P1', '2026-11-30T09:00', { project: 'other/repo' }));
      expect(other).to.deep.equal({ covered: false, reason: 'no contract covers gitea-demo project "other/repo"', deleted: false });
      const early = clock('jira-demo', acmeContracts, '2025-12-31T10:00', acmeCreated('P1', '2025-12-31T09:00'));
      expect(early).to.deep.equal({
        covered: false,
        reason: 'no contract valid on the creation date covers jira-demo project "ACME": contract acme-support is valid from 2026-01-01',
        deleted: false,
      });
      expect(runClock({ source: 'jira-demo', events: [] }, acmeContracts, 0)).to.deep.equal({ covered: false, reason: 'the issue history has no created event' });
    });

    it('follows an issue moved out of the covered project', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T10:00', acmeCreated('P2'), { type: 'moved', at: '2026-11-30T09:30', project: 'OTHER' });
      expect(sla).to.deep.equal({ covered: false, reason: 'no contract covers jira-demo project "OTHER"', deleted: false });
    });

    it('makes every unmet metric not applicable when the issue is deleted', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T10:00', acmeCreated('P2'), { type: 'deleted', at: '2026-11-30T09:30' });
      expect(metric(sla, 'reaction')).to.include({ state: 'not_applicable', reason: 'issue deleted' });
      expect(covered(sla).deleted).to.equal(true);
    });

    it('says an issue no contract covers any more is deleted, so nothing is written to it', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T10:00', acmeCreated('P2'), { type: 'moved', at: '2026-11-30T09:20', project: 'OTHER' }, { type: 'deleted', at: '2026-11-30T09:30' });
      expect(sla).to.deep.include({ covered: false, deleted: true });
    });
  });

  describe('fields a delivery showed (observed)', () => {
    const seen = (when: string, fields: Partial<{ status: string; paused: boolean; resolved: boolean; priority: 'P1' | 'P2' | 'P3' | 'P4'; assignee: string | null }> = {}): EventSpec =>
      ({ type: 'observed', at: when, status: 'open', paused: false, resolved: false, priority: 'P2', assignee: null, ...fields }) as EventSpec;
    const waiting: EventSpec = { type: 'status_changed', at: '2026-11-30T10:00', status: 'Waiting for Customer' };

    // Each row: what the log holds besides the P2 creation at 09:00, and what the reaction clock then is at `now`.
    const rows: { name: string; now: string; events: EventSpec[]; expect: (sla: IssueSla) => void }[] = [
      {
        name: 'a customer note on a waiting issue that the tracker moved back to open resumes the clocks at the note',
        now: '2026-11-30T13:00',
        events: [waiting, { type: 'commented', at: '2026-11-30T11:00', by: 'customer' }, seen('2026-11-30T11:00', { status: 'assigned' })],
        expect: (sla) => {
          const reaction = metric(sla, 'reaction');
          expect(reaction.state).to.equal('running');
          // 1h before the pause, 2h since 11:00; 4h target: due 14:00.
          expect(reaction.elapsedMs).to.equal(3 * HOUR_MS);
          expect(local(reaction.deadline)).to.equal('2026-11-30T14:00');
          expect(covered(sla).status).to.equal('assigned');
        },
      },
      {
        name: 'the same note without the status it carried leaves the clocks paused',
        now: '2026-11-30T13:00',
        events: [waiting, { type: 'commented', at: '2026-11-30T11:00', by: 'customer' }],
        expect: (sla) => expect(metric(sla, 'reaction').state).to.equal('paused'),
      },
      {
        name: 'fields seen as the log already has them change nothing',
        now: '2026-11-30T13:00',
        events: [waiting, seen('2026-11-30T11:00', { status: 'Waiting for Customer' })],
        expect: (sla) => expect(metric(sla, 'reaction')).to.include({ state: 'paused', remainingMs: 3 * HOUR_MS }),
      },
      {
        name: 'a status seen for the first time meets a status target at that instant',
        now: '2026-11-30T13:00',
        events: [seen('2026-11-30T10:15', { status: 'In Progress' })],
        expect: (sla) => expect(metric(sla, 'reaction')).to.include({ state: 'met', metAt: at('2026-11-30T10:15'), reason: 'met by status "in progress"' }),
      },
      {
        name: 'an issue seen resolved is resolved at that instant',
        now: '2026-11-30T13:00',
        events: [seen('2026-11-30T12:00', { status: 'done', resolved: true })],
        expect: (sla) => {
          expect(metric(sla, 'resolution')).to.include({ state: 'met', metAt: at('2026-11-30T12:00'), reason: 'met by resolving the issue' });
          expect(covered(sla).resolved).to.equal(true);
        },
      },
      {
        name: 'an issue seen unresolved after its resolution is reopened: resolution runs again',
        now: '2026-12-01T10:00',
        events: [{ type: 'resolved', at: '2026-11-30T13:00', status: 'done' }, seen('2026-12-01T09:00', { status: 'open' })],
        expect: (sla) => {
          expect(metric(sla, 'resolution')).to.include({ state: 'running', elapsedMs: 5 * HOUR_MS });
          expect(metric(sla, 'reaction').state).to.equal('met');
        },
      },
      {
        name: 'a priority seen changed re-targets, keeping the elapsed time',
        now: '2026-11-30T10:30',
        events: [seen('2026-11-30T10:00', { priority: 'P1' })],
        expect: (sla) => {
          const reaction = metric(sla, 'reaction');
          expect(reaction.segments!.map((segment) => segment.priority)).to.deep.equal(['P2', 'P1']);
          expect(covered(sla).priority.effective).to.equal('P1');
        },
      },
      {
        name: 'an assignee seen for the first time is an assignment',
        now: '2026-11-30T10:30',
        events: [seen('2026-11-30T10:00', { assignee: 'ann' })],
        expect: (sla) => expect(covered(sla).assignee).to.equal('ann'),
      },
    ];
    for (const row of rows) {
      it(row.name, () => row.expect(clock('jira-demo', acmeContracts, row.now, acmeCreated('P2'), ...row.events)));
    }

    it('gives the same answer whichever order the deliveries arrive in', () => {
      const history: EventSpec[] = [
        acmeCreated('P2'),
        waiting,
        seen('2026-11-30T10:30', { status: 'Waiting for Customer', paused: false }),
        { type: 'commented', at: '2026-11-30T11:00', by: 'customer' },
        seen('2026-11-30T11:00', { status: 'open' }),
        seen('2026-11-30T12:00', { status: 'done', resolved: true }),
      ];
      const inOrder = clock('jira-demo', acmeContracts, '2026-11-30T13:00', ...history);
      expect(metric(inOrder, 'resolution')).to.include({ state: 'met', metAt: at('2026-11-30T12:00') });
      expect(clock('jira-demo', acmeContracts, '2026-11-30T13:00', ...[...history].reverse())).to.deep.equal(inOrder);
    });

    it('never brings a deleted issue back', () => {
      const sla = clock('jira-demo', acmeContracts, '2026-11-30T13:00', acmeCreated('P2'), { type: 'deleted', at: '2026-11-30T10:00' }, seen('2026-11-30T10:00'));
      expect(covered(sla).deleted).to.equal(true);
    });
  });
});
