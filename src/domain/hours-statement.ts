/**
 * The quarterly statement per associate (seed 001: associates are paid per handled call, "per
 * call: min 1 kwartier max. 2,5 uur tegen 60 euro", invoiced every three months): per person who
 * booked time, the calls they handled in the quarter, their own time on each billed by the card's
 * per-call rule, and the amount at the card's rate. Card and included work alike: the associate is
 * paid for the call either way. A call counts in the quarter of its first booking, local to the
 * contract calendar's zone.
 */
import { DateTime } from 'luxon';
import { billedSeconds } from './hours-billing.js';
import type { HoursCard } from './hours-card.js';
import type { HoursCall } from './hours-ledger.js';

export const QUARTER = /^(\d{4})-Q([1-4])$/;

export interface StatementCall {
  readonly source: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly kind: 'card' | 'included';
  readonly at: number;
  readonly rawSeconds: number;
  readonly billedSeconds: number;
  /** Null when the card names no rate. */
  readonly amount: number | null;
}

export interface AssociateStatement {
  readonly associate: string;
  readonly calls: readonly StatementCall[];
  readonly rawSeconds: number;
  readonly billedSeconds: number;
  readonly amount: number | null;
}

export interface HoursStatement {
  readonly contract: string;
  readonly customer: string;
  readonly quarter: string;
  readonly zone: string;
  readonly from: number;
  readonly until: number;
  readonly rate: { readonly perHour: number; readonly currency: string } | null;
  readonly associates: readonly AssociateStatement[];
  readonly totals: { readonly calls: number; readonly rawSeconds: number; readonly billedSeconds: number; readonly amount: number | null };
}

export function quarterBounds(quarter: string, zone: string): { readonly from: number; readonly until: number } {
  const match = QUARTER.exec(quarter);
  if (!match) throw new RangeError(`"${quarter}" is not a quarter (use YYYY-Qn, e.g. 2027-Q1)`);
  const start = DateTime.fromObject({ year: Number(match[1]), month: (Number(match[2]) - 1) * 3 + 1, day: 1 }, { zone });
  return { from: start.toMillis(), until: start.plus({ months: 3 }).toMillis() };
}

/** In cents, rounded half up: what an invoice shows. */
const money = (seconds: number, perHour: number) => Math.round((seconds / 3600) * perHour * 100) / 100;

export function buildStatement(contract: { readonly id: string; readonly customer: string }, card: HoursCard, calls: readonly HoursCall[], quarter: string, zone: string): HoursStatement {
  const { from, until } = quarterBounds(quarter, zone);
  const rate = card.rate ?? null;
  const byAssociate = new Map<string, StatementCall[]>();
  for (const call of calls) {
    if (call.at < from || call.at >= until) continue;
    for (const [associate, raw] of Object.entries(call.byAuthor)) {
      const billed = billedSeconds(card.billing, raw);
      const line: StatementCall = { source: call.source, key: call.issueKey, title: call.title, url: call.url, kind: call.kind, at: call.at, rawSeconds: raw, billedSeconds: billed, amount: rate && money(billed, rate.perHour) };
      byAssociate.set(associate, [...(byAssociate.get(associate) ?? []), line]);
    }
  }
  const sumOf = (lines: readonly StatementCall[], key: 'rawSeconds' | 'billedSeconds') => lines.reduce((total, line) => total + line[key], 0);
  const associates = [...byAssociate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([associate, lines]): AssociateStatement => {
      const sorted = [...lines].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
      return { associate, calls: sorted, rawSeconds: sumOf(sorted, 'rawSeconds'), billedSeconds: sumOf(sorted, 'billedSeconds'), amount: rate && Math.round(sorted.reduce((total, line) => total + (line.amount ?? 0), 0) * 100) / 100 };
    });
  const all = associates.flatMap((associate) => associate.calls);
  return {
    contract: contract.id,
    customer: contract.customer,
    quarter,
    zone,
    from,
    until,
    rate,
    associates,
    totals: { calls: all.length, rawSeconds: sumOf(all, 'rawSeconds'), billedSeconds: sumOf(all, 'billedSeconds'), amount: rate && Math.round(associates.reduce((total, a) => total + (a.amount ?? 0), 0) * 100) / 100 },
  };
}
