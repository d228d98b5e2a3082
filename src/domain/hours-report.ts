/**
 * The hours card in the monthly report: the balance at the start and end of the month, every
 * movement in it (purchase, charge per call with raw and billed time, correction), and the booked
 * hours of the month's calls that the customer approved and that still wait. A month is local to
 * the contract calendar's zone; a charge counts in the month of its call's first booking.
 */
import { DateTime } from 'luxon';
import { billedSeconds } from './hours-billing.js';
import type { HoursCard } from './hours-card.js';
import { buildLedger, type HoursCall, type Movement } from './hours-ledger.js';

export interface HoursReportCall {
  readonly source: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly kind: 'card' | 'included';
  readonly rawSeconds: number;
  readonly billedSeconds: number;
  readonly approval: 'approved' | 'pending' | 'not-asked';
  /** Since when the approval waits. */
  readonly pendingSince?: number | undefined;
}

export interface HoursReportSection {
  readonly openingBalanceSeconds: number;
  readonly closingBalanceSeconds: number;
  readonly purchasedSeconds: number;
  readonly chargedSeconds: number;
  readonly correctedSeconds: number;
  readonly movements: readonly Movement[];
  readonly calls: readonly HoursReportCall[];
  /** Billed hours of the month's card calls by the customer's approval; null when the card asks none. */
  readonly approval: { readonly approvedSeconds: number; readonly pendingSeconds: number } | null;
}

export function monthBounds(month: string, zone: string): { readonly from: number; readonly until: number } {
  const start = DateTime.fromISO(`${month}-01`, { zone });
  return { from: start.toMillis(), until: start.plus({ months: 1 }).toMillis() };
}

/** `now` bounds what is counted: a report of the running month shows the card as it is today. */
export function hoursReportSection(card: HoursCard, calls: readonly HoursCall[], month: string, zone: string, now: number): HoursReportSection {
  const { from, until } = monthBounds(month, zone);
  const ledger = buildLedger(card, calls, Math.min(now, until - 1));
  const before = ledger.movements.filter((movement) => movement.at < from);
  const within = ledger.movements.filter((movement) => movement.at >= from && movement.at < until);
  const sum = (type: Movement['type']) => within.filter((movement) => movement.type === type).reduce((total, movement) => total + movement.seconds, 0);
  const opening = before.at(-1)?.balanceSeconds ?? 0;
  const monthCalls = calls
    .filter((call) => call.at >= from && call.at < until)
    .map((call): HoursReportCall => ({
      source: call.source,
      key: call.issueKey,
      title: call.title,
      url: call.url,
      kind: call.kind,
      rawSeconds: call.rawSeconds,
      billedSeconds: call.kind === 'card' ? billedSeconds(card.billing, call.rawSeconds) : 0,
      approval: call.approval?.state ?? 'not-asked',
      ...(call.approval?.state === 'pending' ? { pendingSince: call.approval.since } : {}),
    }));
  const approvalTotal = (state: 'approved' | 'pending') => monthCalls.filter((call) => call.approval === state).reduce((total, call) => total + call.billedSeconds, 0);
  return {
    openingBalanceSeconds: opening,
    closingBalanceSeconds: within.at(-1)?.balanceSeconds ?? opening,
    purchasedSeconds: sum('purchase'),
    chargedSeconds: -sum('charge'),
    correctedSeconds: sum('correction'),
    movements: within,
    calls: monthCalls,
    approval: card.approval ? { approvedSeconds: approvalTotal('approved'), pendingSeconds: approvalTotal('pending') } : null,
  };
}
