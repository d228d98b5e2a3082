import { expect } from 'chai';
import fc from 'fast-check';
import type { IssueEvent } from '../src/domain/issue-event.js';
import { MATCH_TOLERANCE_MS, missedEvents } from '../src/domain/missed-events.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0);
const s = (seconds: number) => T0 + seconds * 1000;
const created = (at: number, synthetic: boolean, priority: 'P1' | 'P2' = 'P2'): IssueEvent => ({
  type: 'created', at, project: 'SUP', labels: [], environment: null, priority, status: 'Open', paused: false, assignee: null, synthetic,
});
const status = (at: number, to: string): IssueEvent => ({ type: 'status_changed', at, status: to, paused: false });
const comment = (at: number, by: 'agent' | 'customer' = 'agent'): IssueEvent => ({ type: 'commented', at, by, public: true });

/**
 * The slow, obviously-correct reference: the largest pairing of told with known events of the same
 * fact within the tolerance (Kuhn's augmenting paths); whatever cannot be paired is missed.
 */
function fewestMissed(known: readonly IssueEvent[], told: readonly IssueEvent[], tolerance: number): number {
  const same = (a: IssueEvent, b: IssueEvent) => {
    const { at: _a, ...x } = a;
    const { at: _b, ...y } = b;
    return JSON.stringify(x, Object.keys(x).sort()) === JSON.stringify(y, Object.keys(y).sort()) && Math.abs(a.at - b.at) <= tolerance;
  };
  const pairedWith = new Map<number, number>();
  const augment = (t: number, seen: Set<number>): boolean => {
    for (let k = 0; k < known.length; k += 1) {
      if (seen.has(k) || !same(told[t]!, known[k]!)) continue;
      seen.add(k);
      const other = pairedWith.get(k);
      if (other === undefined || augment(other, seen)) {
        pairedWith.set(k, t);
        return true;
      }
    }
    return false;
  };
  let paired = 0;
  for (let t = 0; t < told.length; t += 1) if (augment(t, new Set())) paired += 1;
  return told.length - paired;
}

describe('missed events (reconciliation against the stored log)', () => {
  const cases: { name: string; known: IssueEvent[]; told: IssueEvent[]; missed: IssueEvent[] }[] = [
    { name: 'nothing known: everything is missed', known: [], told: [created(s(0), false), comment(s(60))], missed: [created(s(0), false), comment(s(60))] },
    { name: 'the same facts a few seconds apart are known', known: [created(s(0), false), comment(s(61))], told: [created(s(0), false), comment(s(60))], missed: [] },
    { name: 'the same fact further apart than the tolerance is missed', known: [comment(s(0))], told: [comment(s(0) + MATCH_TOLERANCE_MS + 1)], missed: [comment(s(0) + MATCH_TOLERANCE_MS + 1)] },
    {
      name: 'labels are a set: the same labels in another order are the same fact',
      known: [{ type: 'labels_changed', at: s(0), labels: ['priority/1', 'env/test'] }],
      told: [{ type: 'labels_changed', at: s(1), labels: ['env/test', 'priority/1'] }],
      missed: [],
    },
    { name: 'a different fact at the same time is missed', known: [comment(s(0), 'agent')], told: [comment(s(0), 'customer')], missed: [comment(s(0), 'customer')] },
    { name: 'a real creation replaces a synthetic one', known: [created(s(0), true)], told: [created(s(0), false)], missed: [created(s(0), false)] },
    { name: 'a real creation is known whatever its fields', known: [created(s(0), false, 'P1')], told: [created(s(0), false, 'P2')], missed: [] },
    { name: 'a synthetic creation is never needed once one exists', known: [created(s(0), true)], told: [created(s(5), true)], missed: [] },
    {
      name: 'a lost last change of X, Y, X, Y is missed',
      known: [status(s(0), 'Y'), status(s(10), 'X')],
      told: [status(s(0), 'Y'), status(s(10), 'X'), status(s(20), 'Y')],
      missed: [status(s(20), 'Y')],
    },
    {
      name: 'each known event pairs with one told event, earliest window first',
      known: [status(s(0), 'Y')],
      told: [status(s(40), 'Y'), status(s(70), 'Y')],
      missed: [status(s(70), 'Y')],
    },
  ];
  for (const { name, known, told, missed } of cases) {
    it(name, () => expect(missedEvents(known, told)).to.deep.equal(missed));
  }

  // Few facts and times within a few minutes, so that twins and overlapping windows are common.
  const event = fc
    .tuple(fc.integer({ min: 0, max: 600 }), fc.constantFrom('X', 'Y', 'agent', 'customer'))
    .map(([seconds, kind]): IssueEvent => (kind === 'X' || kind === 'Y' ? status(s(seconds), kind) : comment(s(seconds), kind)));
  const events = fc.array(event, { maxLength: 12 });

  it('misses exactly as few events as the largest pairing allows', () => {
    fc.assert(
      fc.property(events, events, (known, told) => {
        expect(missedEvents(known, told)).to.have.lengthOf(fewestMissed(known, told, MATCH_TOLERANCE_MS));
      }),
      { numRuns: 500 },
    );
  });

  it('adds nothing the second time: reconciling its own result is a no-op', () => {
    fc.assert(
      fc.property(events, events, (known, told) => {
        const afterFirstRun = [...known, ...missedEvents(known, told)];
        expect(missedEvents(afterFirstRun, told)).to.deep.equal([]);
      }),
      { numRuns: 500 },
    );
  });

  it('recognises every stored event when the tracker tells them shifted within the tolerance', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: -MATCH_TOLERANCE_MS, max: MATCH_TOLERANCE_MS }), (known, shift) => {
        expect(missedEvents(known, known.map((e) => ({ ...e, at: e.at + shift })))).to.deep.equal([]);
      }),
      { numRuns: 300 },
    );
  });

  it('only ever returns told events, in the order they were told', () => {
    fc.assert(
      fc.property(events, events, (known, told) => {
        const missed = missedEvents(known, told);
        let from = 0;
        for (const m of missed) {
          const at = told.indexOf(m, from);
          expect(at).to.be.at.least(0);
          from = at + 1;
        }
      }),
      { numRuns: 300 },
    );
  });
});
