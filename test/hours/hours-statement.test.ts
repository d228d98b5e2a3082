/** The quarterly associate statement, worked out by hand: quarters in the contract's zone, the per-call rule per associate, amounts at 60 EUR an hour. */
import { expect } from 'chai';
import { TWOVALUE_RULE } from '../../src/domain/hours-billing.js';
import type { HoursCard } from '../../src/domain/hours-card.js';
import type { HoursCall } from '../../src/domain/hours-ledger.js';
import { buildStatement, quarterBounds } from '../../src/domain/hours-statement.js';

const ZONE = 'Europe/Amsterdam';
const card: HoursCard = { billing: TWOVALUE_RULE, call: 'issue', work: { default: 'card', card: [], included: [] }, purchases: [], corrections: [], warnings: [], rate: { perHour: 60, currency: 'EUR' } };
const call = (key: string, at: string, byAuthor: Record<string, number>, kind: 'card' | 'included' = 'card'): HoursCall => ({
  id: `mantis-demo:${key}`,
  source: 'mantis-demo',
  issueId: key,
  issueKey: key,
  kind,
  at: Date.parse(at),
  rawSeconds: Object.values(byAuthor).reduce((a, b) => a + b, 0),
  byAuthor,
});
const MIN = 60;

describe('quarterly associate statement', () => {
  it('takes quarters in the contract calendar’s zone', () => {
    const cases: [quarter: string, from: string, until: string][] = [
      ['2026-Q1', '2025-12-31T23:00:00Z', '2026-03-31T22:00:00Z'],
      ['2026-Q3', '2026-06-30T22:00:00Z', '2026-09-30T22:00:00Z'],
      ['2026-Q4', '2026-09-30T22:00:00Z', '2026-12-31T23:00:00Z'],
    ];
    for (const [quarter, from, until] of cases) expect(quarterBounds(quarter, ZONE), quarter).to.deep.equal({ from: Date.parse(from), until: Date.parse(until) });
    expect(() => quarterBounds('2026-Q5', ZONE)).to.throw('"2026-Q5" is not a quarter');
  });

  const calls = [
    call('101', '2026-09-30T21:30:00Z', { ann: 14 * MIN }), // 23:30 in Amsterdam: Q3
    call('102', '2026-09-30T22:30:00Z', { ann: 16 * MIN }), // 00:30 on 1 October: Q4
    call('103', '2026-10-05T08:00:00Z', { ann: 3 * 3600, bob: 20 * MIN }),
    call('104', '2026-11-02T08:00:00Z', { bob: 15 * MIN }, 'included'),
    call('105', '2027-01-04T08:00:00Z', { bob: 60 * MIN }),
  ];

  it('bills each associate’s own time per call by the rule, at the rate, card and included work alike', () => {
    const statement = buildStatement({ id: '2value-basic', customer: '2Value SLA Basic customer' }, card, calls, '2026-Q4', ZONE);
    expect(statement.associates.map((a) => [a.associate, a.calls.map((c) => [c.key, c.rawSeconds / MIN, c.billedSeconds / MIN, c.amount])])).to.deep.equal([
      ['ann', [['102', 16, 30, 30], ['103', 180, 150, 150]]],
      ['bob', [['103', 20, 30, 30], ['104', 15, 15, 15]]],
    ]);
    expect(statement.associates.map((a) => [a.associate, a.billedSeconds / MIN, a.amount])).to.deep.equal([
      ['ann', 180, 180],
      ['bob', 45, 45],
    ]);
    expect(statement.totals).to.deep.equal({ calls: 4, rawSeconds: (16 + 180 + 20 + 15) * MIN, billedSeconds: 225 * MIN, amount: 225 });
  });

  it('the quarter before holds the call booked at 23:30 on 30 September', () => {
    const statement = buildStatement({ id: 'c', customer: 'C' }, card, calls, '2026-Q3', ZONE);
    expect(statement.associates.map((a) => [a.associate, a.calls.map((c) => [c.key, c.billedSeconds / MIN, c.amount])])).to.deep.equal([['ann', [['101', 15, 15]]]]);
  });

  it('rounds amounts to cents and leaves them out without a rate', () => {
    const odd = { ...card, billing: { ...card.billing, stepSeconds: MIN, minSeconds: MIN }, rate: { perHour: 55, currency: 'EUR' } };
    const [line] = buildStatement({ id: 'c', customer: 'C' }, odd, [call('9', '2026-10-05T08:00:00Z', { ann: 7 * MIN })], '2026-Q4', ZONE).associates[0]!.calls;
    expect(line!.amount).to.equal(6.42); // 7/60 h × 55 = 6.4166…
    const noRate = buildStatement({ id: 'c', customer: 'C' }, { ...card, rate: undefined }, calls, '2026-Q4', ZONE);
    expect(noRate.totals.amount).to.equal(null);
    expect(noRate.associates[0]!.calls[0]!.amount).to.equal(null);
  });
});
