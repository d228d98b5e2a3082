/** The hours section of the monthly report, worked out by hand: months in the contract's zone, opening and closing balances, approvals. */
import { expect } from 'chai';
import { TWOVALUE_RULE } from '../../src/domain/hours-billing.js';
import type { HoursCard } from '../../src/domain/hours-card.js';
import type { HoursCall } from '../../src/domain/hours-ledger.js';
import { hoursReportSection } from '../../src/domain/hours-report.js';

const ZONE = 'Europe/Amsterdam';
const H = 3600;
const card: HoursCard = {
  billing: TWOVALUE_RULE,
  call: 'issue',
  work: { default: 'card', card: [], included: [] },
  purchases: [
    { reference: 'INV-1', seconds: 10 * H, at: Date.parse('2026-09-30T22:00:00Z'), date: '2026-10-01' },
    { reference: 'INV-2', seconds: 5 * H, at: Date.parse('2026-10-31T23:00:00Z'), date: '2026-11-01' },
  ],
  corrections: [{ reference: 'CR-1', seconds: -H / 2, at: Date.parse('2026-11-15T23:00:00Z'), date: '2026-11-16' }],
  warnings: [],
  approval: { by: 'status', statuses: ['akkoord'] },
};
const call = (key: string, at: string, minutes: number, approval: HoursCall['approval'], kind: 'card' | 'included' = 'card'): HoursCall => ({
  id: `s:${key}`,
  source: 's',
  issueId: key,
  issueKey: key,
  kind,
  at: Date.parse(at),
  rawSeconds: minutes * 60,
  byAuthor: { ann: minutes * 60 },
  approval,
});
const calls = [
  call('A', '2026-10-10T08:00:00Z', 100, { state: 'approved', at: Date.parse('2026-10-11T08:00:00Z') }), // 1h45m billed
  call('B', '2026-10-31T22:30:00Z', 14, { state: 'pending', since: Date.parse('2026-10-31T22:30:00Z') }), // 23:30 on 31 October: October, 15m
  call('C', '2026-10-31T23:30:00Z', 200, { state: 'approved', at: Date.parse('2026-11-02T08:00:00Z') }), // 00:30 on 1 November: November, 2h30m
  call('D', '2026-11-20T08:00:00Z', 60, { state: 'pending', since: Date.parse('2026-11-20T08:00:00Z') }, 'included'),
];
const later = Date.parse('2027-01-01T00:00:00Z');

describe('hours section of the monthly report', () => {
  it('October: bought 10h, charged 2h, approved 1h45m and 15m waiting', () => {
    const section = hoursReportSection(card, calls, '2026-10', ZONE, later);
    expect([section.openingBalanceSeconds, section.purchasedSeconds, section.chargedSeconds, section.correctedSeconds, section.closingBalanceSeconds]).to.deep.equal([0, 10 * H, 2 * H, 0, 8 * H]);
    expect(section.approval).to.deep.equal({ approvedSeconds: 105 * 60, pendingSeconds: 15 * 60 });
    expect(section.calls.map((c) => [c.key, c.billedSeconds / 60, c.approval])).to.deep.equal([
      ['A', 105, 'approved'],
      ['B', 15, 'pending'],
    ]);
  });

  it('November: opens at 8h, a purchase, a correction and a charge; included work costs nothing', () => {
    const section = hoursReportSection(card, calls, '2026-11', ZONE, later);
    expect(section.movements.map((m) => [m.type, m.seconds / 60, m.balanceSeconds / 60])).to.deep.equal([
      ['purchase', 300, 780],
      ['charge', -150, 630],
      ['correction', -30, 600],
    ]);
    expect([section.openingBalanceSeconds, section.closingBalanceSeconds]).to.deep.equal([8 * H, 10 * H]);
    expect(section.approval).to.deep.equal({ approvedSeconds: 150 * 60, pendingSeconds: 0 });
    expect(section.calls.find((c) => c.key === 'D')).to.include({ kind: 'included', billedSeconds: 0, approval: 'pending' });
  });

  it('a month with no movement carries the balance over; a card without approval says null', () => {
    const december = hoursReportSection({ ...card, approval: undefined }, calls, '2026-12', ZONE, later);
    expect([december.openingBalanceSeconds, december.closingBalanceSeconds, december.movements.length]).to.deep.equal([10 * H, 10 * H, 0]);
    expect(december.approval).to.equal(null);
  });

  it('the running month counts nothing dated after now', () => {
    const midNovember = Date.parse('2026-11-10T00:00:00Z');
    const section = hoursReportSection(card, calls, '2026-11', ZONE, midNovember);
    expect(section.movements.map((m) => m.type)).to.deep.equal(['purchase', 'charge']);
  });
});
