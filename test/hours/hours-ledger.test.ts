/** The hours card's ledger: purchases, charges per call and corrections, worked out by hand. */
import { expect } from 'chai';
import fc from 'fast-check';
import { TWOVALUE_RULE } from '../../src/domain/hours-billing.js';
import type { HoursCard } from '../../src/domain/hours-card.js';
import { buildLedger, dueCardWarnings, type HoursCall } from '../../src/domain/hours-ledger.js';
import { slowBalance, type SlowEvent } from '../reference/slow-hours-ledger.js';

const MIN = 60;
const H = 3600;
const DAY = 24 * H * 1000;
// Instants relative to the real clock: nothing here depends on the day the test runs.
const T0 = Date.now() - 100 * DAY;

function card(over: Partial<HoursCard> = {}): HoursCard {
  return {
    billing: TWOVALUE_RULE,
    call: 'issue',
    work: { default: 'card', card: [], included: [] },
    purchases: [{ reference: 'INV-1', seconds: 10 * H, at: T0, date: 'd0' }],
    corrections: [],
    warnings: [
      { seconds: 5 * H, label: '5h' },
      { seconds: 0, label: '0h' },
    ],
    ...over,
  };
}

function call(id: string, dayOffset: number, rawMinutes: number, kind: 'card' | 'included' = 'card'): HoursCall {
  return { id, source: 's', issueId: id, issueKey: id, kind, at: T0 + dayOffset * DAY, rawSeconds: rawMinutes * MIN, byAuthor: { ann: rawMinutes * MIN } };
}

describe('hours card ledger', () => {
  const now = Date.now();

  it('charges each call by the rule and keeps raw and billed time side by side', () => {
    const ledger = buildLedger(card(), [call('A', 1, 14), call('B', 2, 16), call('C', 3, 200)], now);
    expect(ledger.movements.map((m) => [m.type, m.seconds / MIN, m.balanceSeconds / MIN])).to.deep.equal([
      ['purchase', 600, 600],
      ['charge', -15, 585],
      ['charge', -30, 555],
      ['charge', -150, 405],
    ]);
    const charges = ledger.movements.filter((m) => m.type === 'charge');
    expect(charges.map((m) => [m.rawSeconds / MIN, m.billedSeconds / MIN])).to.deep.equal([
      [14, 15],
      [16, 30],
      [200, 150],
    ]);
    expect(ledger.balanceSeconds).to.equal(405 * MIN);
    expect(ledger.chargedSeconds).to.equal(195 * MIN);
  });

  it('leaves included work and calls without time off the card', () => {
    const ledger = buildLedger(card(), [call('A', 1, 60, 'included'), call('B', 2, 0)], now);
    expect(ledger.movements.map((m) => m.type)).to.deep.equal(['purchase']);
    expect(ledger.balanceSeconds).to.equal(10 * H);
  });

  it('adds a second purchase and a correction in date order, money in before money out on the same day', () => {
    const ledger = buildLedger(
      card({
        purchases: [
          { reference: 'INV-1', seconds: 2 * H, at: T0, date: 'd0' },
          { reference: 'INV-2', seconds: 5 * H, at: T0 + 5 * DAY, date: 'd5' },
        ],
        corrections: [{ reference: 'CR-1', seconds: -30 * MIN, at: T0 + 5 * DAY, date: 'd5', reason: 'call billed twice' }],
      }),
      [call('A', 1, 150), call('B', 5, 90)],
      now,
    );
    expect(ledger.movements.map((m) => [m.type, m.balanceSeconds / MIN])).to.deep.equal([
      ['purchase', 120],
      ['charge', -30],
      ['purchase', 270],
      ['correction', 240],
      ['charge', 150],
    ]);
    expect(ledger.currentPurchase).to.equal('INV-2');
    expect(ledger.purchasedSeconds).to.equal(7 * H);
  });

  it('shows an overdrawn card as a negative balance', () => {
    const ledger = buildLedger(card({ purchases: [{ reference: 'INV-1', seconds: H, at: T0, date: 'd0' }] }), [call('A', 1, 150)], now);
    expect(ledger.balanceSeconds).to.equal(-90 * MIN);
    expect(ledger.movements.at(-1)!.balanceSeconds).to.equal(-90 * MIN);
  });

  it('counts no purchase or correction dated after now', () => {
    const future = card({
      purchases: [
        { reference: 'INV-1', seconds: H, at: T0, date: 'd0' },
        { reference: 'INV-9', seconds: 20 * H, at: now + DAY, date: 'tomorrow' },
      ],
      corrections: [{ reference: 'CR-9', seconds: H, at: now + DAY, date: 'tomorrow' }],
    });
    const ledger = buildLedger(future, [], now);
    expect(ledger.balanceSeconds).to.equal(H);
    expect(ledger.currentPurchase).to.equal('INV-1');
  });

  describe('warning levels', () => {
    const cases: [name: string, rawMinutes: number[], expected: string[]][] = [
      ['10 h bought, 4h15 billed: above 5 h, no warning', [150, 105], []],
      ['exactly 5 h left warns at 5 h', [150, 150], ['5h']],
      ['4h45 left warns at 5 h only', [150, 150, 15], ['5h']],
      ['exactly 0 h left warns at both', [150, 150, 150, 150], ['5h', '0h']],
      ['overdrawn warns at both', [150, 150, 150, 150, 15], ['5h', '0h']],
    ];
    for (const [name, raws, expected] of cases) {
      it(name, () => {
        const ledger = buildLedger(card(), raws.map((raw, index) => call(`C${index}`, index + 1, raw)), now);
        expect(dueCardWarnings(card(), ledger)).to.deep.equal(expected.map((level) => ({ level, levelSeconds: level === '5h' ? 5 * H : 0, purchase: 'INV-1' })));
      });
    }

    it('a new purchase is a new key for the same level', () => {
      const topped = card({
        purchases: [
          { reference: 'INV-1', seconds: 10 * H, at: T0, date: 'd0' },
          { reference: 'INV-2', seconds: H, at: T0 + 10 * DAY, date: 'd10' },
        ],
      });
      const ledger = buildLedger(topped, [call('A', 1, 150), call('B', 2, 150), call('C', 3, 150)], now);
      expect(dueCardWarnings(topped, ledger).map((due) => `${due.purchase}/${due.level}`)).to.deep.equal(['INV-2/5h']);
    });
  });

  it('the balance equals a day-by-day walk over any purchases, corrections and calls', () => {
    const eventArb = fc.record({
      day: fc.integer({ min: 0, max: 60 }),
      kind: fc.constantFrom('purchase' as const, 'correction' as const, 'call' as const),
      amount: fc.integer({ min: -10 * H, max: 10 * H }),
    });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.integer({ min: 0, max: 70 }), (drawn, nowDay) => {
        const at = (day: number) => T0 + day * DAY;
        const purchases = drawn.flatMap((e, i) => (e.kind === 'purchase' && e.amount > 0 ? [{ reference: `P${i}`, seconds: e.amount, at: at(e.day), date: `${e.day}` }] : []));
        const corrections = drawn.flatMap((e, i) => (e.kind === 'correction' && e.amount !== 0 ? [{ reference: `K${i}`, seconds: e.amount, at: at(e.day), date: `${e.day}` }] : []));
        const calls = drawn.flatMap((e, i) => (e.kind === 'call' ? [call(`C${i}`, e.day, Math.abs(e.amount) / MIN)] : []));
        const slow: SlowEvent[] = [
          ...purchases.map((p) => ({ at: p.at, kind: 'purchase' as const, seconds: p.seconds })),
          ...corrections.map((c) => ({ at: c.at, kind: 'correction' as const, seconds: c.seconds })),
          ...calls.map((c) => ({ at: c.at, kind: 'call' as const, seconds: c.rawSeconds })),
        ];
        const ledger = buildLedger(card({ purchases, corrections }), calls, at(nowDay));
        expect(ledger.balanceSeconds).to.equal(slowBalance({ min: 15 * MIN, max: 150 * MIN, step: 15 * MIN }, slow, at(nowDay)));
        // Each movement's running balance is the one before plus its own amount.
        ledger.movements.reduce((before, m) => {
          expect(m.balanceSeconds).to.equal(before + m.seconds);
          return m.balanceSeconds;
        }, 0);
      }),
    );
  });
});
