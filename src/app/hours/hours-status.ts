/**
 * What the status API and the dashboard show of a contract's hours card: the balance (negative
 * when overdrawn), every movement, the calls with their raw and billed time, what waits for the
 * customer's approval and since when, and the warning levels already sent.
 */
import type { Contract } from '../../domain/contract.js';
import { billedSeconds } from '../../domain/hours-billing.js';
import { buildLedger, dueCardWarnings } from '../../domain/hours-ledger.js';
import type { HoursStore } from './hours-store.js';

export async function hoursStatus(contract: Contract, store: HoursStore, now: number) {
  const card = contract.hours;
  if (!card) return undefined;
  const calls = await store.loadCalls(contract.id, card);
  const ledger = buildLedger(card, calls, now);
  return {
    contract: contract.id,
    customer: contract.customer,
    balanceSeconds: ledger.balanceSeconds,
    overdrawn: ledger.balanceSeconds < 0,
    purchasedSeconds: ledger.purchasedSeconds,
    chargedSeconds: ledger.chargedSeconds,
    currentPurchase: ledger.currentPurchase,
    billing: card.billing,
    warningLevels: card.warnings.map((level) => level.label),
    levelsReached: dueCardWarnings(card, ledger).map((due) => due.level),
    movements: ledger.movements,
    calls: calls.map((call) => ({ ...call, billedSeconds: call.kind === 'card' ? billedSeconds(card.billing, call.rawSeconds) : 0 })),
    pendingApprovals: calls
      .flatMap((call) => (call.approval?.state === 'pending' ? [{ call: call.id, issueKey: call.issueKey, source: call.source, url: call.url, since: call.approval.since, billedSeconds: call.kind === 'card' ? billedSeconds(card.billing, call.rawSeconds) : 0 }] : []))
      .sort((a, b) => a.since - b.since),
  };
}
