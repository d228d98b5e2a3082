/**
 * The movements of an hours card and its balance: purchases and corrections from the contract,
 * one charge per call from the time its issue has booked. Pure: the calls come in, the ledger
 * comes out, and `now` decides which purchases and corrections are in force.
 */
import { billedSeconds } from './hours-billing.js';
import type { Approval } from './hours-approval.js';
import type { HoursCard } from './hours-card.js';

/** One call as the card sees it: what was booked on it and by whom. */
export interface HoursCall {
  /** `<source>:<issue id>`, with `#<record id>` when every booking is a call. */
  readonly id: string;
  readonly source: string;
  readonly issueId: string;
  readonly issueKey: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly kind: 'card' | 'included';
  /** When its first booking was made: the charge's date. */
  readonly at: number;
  readonly rawSeconds: number;
  /** Raw seconds per person who booked time, for the associate statement. */
  readonly byAuthor: Readonly<Record<string, number>>;
  /** What decided `kind`: the issue's labels and component when it was filed, so that a reloaded card sorts it anew. */
  readonly labels?: readonly string[] | undefined;
  readonly component?: string | undefined;
  /** The customer's approval of the booked hours, when the card asks for one (hours-approval.ts). */
  readonly approval?: Approval | undefined;
}

export type Movement =
  | { readonly type: 'purchase'; readonly at: number; readonly reference: string; readonly seconds: number; readonly balanceSeconds: number }
  | { readonly type: 'correction'; readonly at: number; readonly reference: string; readonly reason?: string | undefined; readonly seconds: number; readonly balanceSeconds: number }
  | {
      readonly type: 'charge';
      readonly at: number;
      readonly callId: string;
      readonly issueKey: string;
      readonly rawSeconds: number;
      readonly billedSeconds: number;
      /** Negative: what the charge took off the card. */
      readonly seconds: number;
      readonly balanceSeconds: number;
    };

export interface Ledger {
  readonly movements: readonly Movement[];
  /** Negative when more was charged than bought: shown as it is. */
  readonly balanceSeconds: number;
  readonly purchasedSeconds: number;
  readonly chargedSeconds: number;
  /** The latest purchase in force: warnings are once per level and purchase. */
  readonly currentPurchase: string | null;
}

/** The sort rank of movements at the same instant: money in before money out. */
const RANK = { purchase: 0, correction: 1, charge: 2 } as const;

export function buildLedger(card: HoursCard, calls: readonly HoursCall[], now: number): Ledger {
  type Pending = (Movement extends infer M ? (M extends Movement ? Omit<M, 'balanceSeconds'> : never) : never) & { readonly order: string };
  const pending: Pending[] = [];
  for (const purchase of card.purchases) {
    if (purchase.at <= now) pending.push({ type: 'purchase', at: purchase.at, reference: purchase.reference, seconds: purchase.seconds, order: purchase.reference });
  }
  for (const correction of card.corrections) {
    if (correction.at <= now) {
      pending.push({ type: 'correction', at: correction.at, reference: correction.reference, reason: correction.reason, seconds: correction.seconds, order: correction.reference });
    }
  }
  for (const call of calls) {
    if (call.kind !== 'card') continue;
    const billed = billedSeconds(card.billing, call.rawSeconds);
    if (billed === 0) continue;
    pending.push({ type: 'charge', at: call.at, callId: call.id, issueKey: call.issueKey, rawSeconds: call.rawSeconds, billedSeconds: billed, seconds: -billed, order: call.id });
  }
  pending.sort((a, b) => a.at - b.at || RANK[a.type] - RANK[b.type] || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  let balance = 0;
  let purchased = 0;
  let charged = 0;
  let currentPurchase: string | null = null;
  const movements: Movement[] = pending.map(({ order: _order, ...movement }) => {
    balance += movement.seconds;
    if (movement.type === 'purchase') {
      purchased += movement.seconds;
      currentPurchase = movement.reference;
    }
    if (movement.type === 'charge') charged += movement.billedSeconds;
    return { ...movement, balanceSeconds: balance } as Movement;
  });
  return { movements, balanceSeconds: balance, purchasedSeconds: purchased, chargedSeconds: charged, currentPurchase };
}

/**
 * The card warnings due for a balance: one per configured level at or above it, keyed by the
 * purchase in force, so that a new purchase lets each level warn again once.
 */
export function dueCardWarnings(card: HoursCard, ledger: Ledger): { readonly level: string; readonly levelSeconds: number; readonly purchase: string }[] {
  const purchase = ledger.currentPurchase ?? '(no purchase)';
  return card.warnings.filter((level) => ledger.balanceSeconds <= level.seconds).map((level) => ({ level: level.label, levelSeconds: level.seconds, purchase }));
}
