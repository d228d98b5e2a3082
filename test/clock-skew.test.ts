/**
 * Events stamped after they arrived (a tracker clock ahead of the bridge's) are taken as happening
 * on arrival. The clamp itself by table and by property; what it means for the clock, event type
 * by event type, against a tracker without skew; and reconciliation recognising a clamped event
 * by the tracker's stamp.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { clampToArrival, trackerTime } from '../src/domain/clock-skew.js';
import { MINUTE_MS } from '../src/domain/duration.js';
import { inEventOrder, issueEventSchema, type IssueEvent, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { missedEvents } from '../src/domain/missed-events.js';
import { runClock } from '../src/domain/sla-clock.js';
import { projectRoot } from '../src/project-root.js';

const event = (input: IssueEventInput): IssueEvent => issueEventSchema.parse(input);
const R = Date.UTC(2026, 10, 30, 8, 20);
const s = (seconds: number) => R + seconds * 1000;
const comment = (at: number): IssueEvent => event({ type: 'commented', at, by: 'agent' });
const status = (at: number, to: string, paused = false): IssueEvent => event({ type: 'status_changed', at, status: to, paused });

describe('clock skew: events stamped after their arrival', () => {
  describe('the clamp', () => {
    const cases: [name: string, events: IssueEvent[], expected: { at: number; stampedAt?: number }[], clamped: number, aheadMs: number][] = [
      ['nothing after the arrival: unchanged', [comment(s(-300)), comment(s(0))], [{ at: s(-300) }, { at: s(0) }], 0, 0],
      ['one stamped ahead moves to the arrival and keeps its stamp', [comment(s(300))], [{ at: s(0), stampedAt: s(300) }], 1, 300_000],
      ['a millisecond ahead is ahead', [comment(s(0) + 1)], [{ at: s(0), stampedAt: s(0) + 1 }], 1, 1],
      ['only the ones ahead move; the skew is the latest stamp', [comment(s(-60)), status(s(120), 'Open'), comment(s(300))], [{ at: s(-60) }, { at: s(0), stampedAt: s(120) }, { at: s(0), stampedAt: s(300) }], 2, 300_000],
      ['an event moved before keeps its first stamp', [{ ...comment(s(0)), stampedAt: s(200) }, { ...comment(s(60)), stampedAt: s(400) }], [{ at: s(0), stampedAt: s(200) }, { at: s(0), stampedAt: s(400) }], 1, 60_000],
    ];
    for (const [name, events, expected, clamped, aheadMs] of cases) {
      it(name, () => {
        const result = clampToArrival(events, R);
        expect(result.events.map(({ at, stampedAt }) => (stampedAt === undefined ? { at } : { at, stampedAt }))).to.deep.equal(expected);
        expect({ clamped: result.clamped, aheadMs: result.aheadMs }).to.deep.equal({ clamped, aheadMs });
        // The rest of each event is untouched, and the input is not changed.
        expect(result.events.map(({ at: _at, stampedAt: _stamped, ...rest }) => rest)).to.deep.equal(events.map(({ at: _at, stampedAt: _stamped, ...rest }) => rest));
        // And the tracker's own time of each stays what it said.
        expect(result.events.map(trackerTime)).to.deep.equal(events.map(trackerTime));
      });
    }

    it('keeps the order the clock applies events in, and moves each to the earlier of its stamp and the arrival', () => {
      // Labels name the events, so the order can be read back whatever the times.
      const stamps = fc.array(fc.integer({ min: -600, max: 600 }), { minLength: 1, maxLength: 12 });
      fc.assert(
        fc.property(stamps, fc.integer({ min: -600, max: 600 }), (seconds, arrival) => {
          const events = seconds.map((second, index) => event({ type: 'labels_changed', at: s(second), labels: [String(index)] }));
          const { events: clamped } = clampToArrival(events, s(arrival));
          const order = (list: IssueEvent[]) => inEventOrder(list).map((item) => (item.type === 'labels_changed' ? item.labels[0] : '?'));
          expect(order(clamped)).to.deep.equal(order(events));
          expect(clamped.map((item) => item.at)).to.deep.equal(seconds.map((second) => Math.min(s(second), s(arrival))));
          expect(clamped.map(trackerTime)).to.deep.equal(seconds.map(s));
        }),
      );
    });
  });

  describe('what it means for the clock: each event type stamped 10 minutes after it arrived', () => {
    // ACME, P1 round the clock: reaction 1 h, resolution 8 h, paused while waiting for the customer.
    const contracts = [...loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.values()];
    const at = (local: string) => parseLocalIso(local, 'Europe/Amsterdam')!;
    const created = (when: number, extra: Partial<IssueEventInput> = {}) => event({ type: 'created', at: when, project: 'ACME', priority: 'P1', status: 'open', ...extra } as IssueEventInput);
    const T0 = at('2026-11-30T09:00');
    const arrival = T0 + 20 * MINUTE_MS;
    const ahead = arrival + 10 * MINUTE_MS;

    // Each: the history before, the event (to be stamped `ahead` or at the arrival), and whether
    // taking the stamp as it is would change the SLA. Where it would, the clamp is what keeps the
    // clock as a tracker without skew has it.
    const cases: [name: string, before: IssueEvent[], stamped: (when: number) => IssueEventInput, changes: boolean][] = [
      ['a creation would start the clocks late', [], (when) => ({ type: 'created', at: when, project: 'ACME', priority: 'P1', status: 'open' }), true],
      ["an agent's comment would meet the reaction late", [created(T0)], (when) => ({ type: 'commented', at: when, by: 'agent' }), true],
      ['a pause would stop the clocks late', [created(T0)], (when) => ({ type: 'status_changed', at: when, status: 'waiting for customer' }), true],
      ['a resume would start them again late', [created(T0), status(T0 + 5 * MINUTE_MS, 'waiting for customer')], (when) => ({ type: 'status_changed', at: when, status: 'open' }), true],
      ['a raise to P1 would count late', [created(T0, { priority: 'P2' })], (when) => ({ type: 'priority_changed', at: when, priority: 'P1' }), true],
      ['a move to the test environment would lower the priority late', [created(T0)], (when) => ({ type: 'environment_changed', at: when, environment: 'test' }), true],
      ['resolving would meet the resolution late', [created(T0)], (when) => ({ type: 'resolved', at: when, status: 'done' }), true],
      ['reopening would run the resolution again late', [created(T0), event({ type: 'resolved', at: T0 + 5 * MINUTE_MS })], (when) => ({ type: 'reopened', at: when, status: 'open' }), true],
      ['an observed pause would stop the clocks late', [created(T0)], (when) => ({ type: 'observed', at: when, status: 'waiting for customer', paused: true }), true],
      ['an assignment meets nothing in this contract', [created(T0)], (when) => ({ type: 'assigned', at: when, assignee: 'ann' }), false],
      ['labels count for nothing here', [created(T0)], (when) => ({ type: 'labels_changed', at: when, labels: ['x'] }), false],
      ['a deletion ends every clock either way', [created(T0)], (when) => ({ type: 'deleted', at: when }), false],
    ];
    for (const [name, before, stamped, changes] of cases) {
      it(`${name}${changes ? '; clamped, it counts on arrival' : ', and the clamp changes nothing'}`, () => {
        const sla = (events: IssueEvent[]) => runClock({ source: 'jira-demo', events }, contracts, arrival);
        const delivered = [...before, event(stamped(ahead))];
        const clamped = sla(clampToArrival(delivered, arrival).events);
        const withoutSkew = sla([...before, event(stamped(arrival))]);
        expect(clamped).to.deep.equal(withoutSkew);
        expect(isDeepStrictEqual(sla(delivered), withoutSkew), 'taken as stamped, the SLA would differ').to.equal(!changes);
      });
    }
  });

  describe('reconciliation', () => {
    it("recognises a clamped event by the tracker's stamp when its API tells it again", () => {
      const told = [status(s(300), 'In Progress')];
      const known = clampToArrival(told, R).events;
      expect(missedEvents(known, told)).to.deep.equal([]);
      // Without the stamp it would be five minutes off, past the tolerance: a second copy.
      expect(missedEvents(known.map(({ stampedAt: _stamped, ...rest }) => rest as IssueEvent), told)).to.have.length(1);
    });
  });
});
