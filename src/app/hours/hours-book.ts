/**
 * Keeps the hours cards up to date as issues are recomputed: the issue's calls are filed under its
 * contract, the card's ledger is rebuilt from all its calls, and a warning level the balance has
 * reached is handed to the hours queue once per (contract, purchase, level). Runs under the
 * issue's lock; two workers recomputing two issues of one card at once may both find a level
 * reached, and the warning's deterministic job id folds them into one.
 */
import type { Queue } from 'bullmq';
import type { IssueRef } from '../../../connectors/connector.js';
import type { Contract } from '../../domain/contract.js';
import { callsOfIssue } from '../../domain/hours-calls.js';
import { billedSeconds } from '../../domain/hours-billing.js';
import { buildLedger, dueCardWarnings, type HoursCall, type Ledger } from '../../domain/hours-ledger.js';
import type { IssueEvent } from '../../domain/issue-event.js';
import type { IssueSla } from '../../domain/sla-clock.js';
import { APPROVAL_TIMER_JOB, CARD_WARNING_JOB, HOURS_JOB_OPTIONS, approvalTimerId, cardWarningId, type ApprovalTimerJob, type HoursJob } from '../jobs/pipeline.js';
import type { HoursStore } from './hours-store.js';

export interface HoursBookDeps {
  readonly store: HoursStore;
  readonly queue: Queue<HoursJob>;
  readonly contracts: () => Iterable<Contract>;
  /**
   * Files calls without telling anyone (`sla-bridge import`): what the imported logs reach was
   * told before the move, so reached levels and overdue approvals are marked as told instead.
   */
  readonly quiet?: boolean | undefined;
}

export class HoursBook {
  constructor(private readonly deps: HoursBookDeps) {}

  private contract(id: string): Contract | undefined {
    for (const contract of this.deps.contracts()) if (contract.id === id) return contract;
    return undefined;
  }

  /** Where the issue's filing is kept (`HoursStore.filedAt`): read with the log, it is passed back to `afterRecompute`. */
  filedAt(source: string, issueId: string): readonly [string, string] {
    return this.deps.store.filedAt(source, issueId);
  }

  /** The card's ledger at `now`; undefined when the contract has no card. */
  async ledger(contractId: string, now: number): Promise<Ledger | undefined> {
    const card = this.contract(contractId)?.hours;
    if (!card) return undefined;
    return buildLedger(card, await this.deps.store.loadCalls(contractId, card), now);
  }

  /** After an issue was recomputed: its calls filed, the card's warnings handed over when due. */
  async afterRecompute(source: string, issue: IssueRef, sla: IssueSla, events: readonly IssueEvent[], now: number, filedUnder?: string | null): Promise<void> {
    const contract = sla.covered ? this.contract(sla.contract) : undefined;
    const card = contract?.hours;
    const calls = card ? callsOfIssue(card, { source, id: issue.id, key: issue.key, title: issue.title, url: issue.url }, events) : [];
    await this.deps.store.saveIssueCalls(source, issue.id, card ? contract.id : undefined, calls, filedUnder);
    if (!contract || !card) return;
    await this.planApprovalTimers(contract, calls, now);
    const charged = calls.filter((call) => call.kind === 'card' && call.rawSeconds > 0);
    // Only a charge moves the balance down: an issue without one has nothing to warn about.
    if (charged.length === 0) return;
    const ledger = buildLedger(card, await this.deps.store.loadCalls(contract.id, card), now);
    const trigger = charged.at(-1)!;
    for (const due of dueCardWarnings(card, ledger)) {
      const id = cardWarningId(contract.id, due.purchase, due.level);
      if (await this.deps.store.wasWarned(contract.id, id)) continue;
      const job: HoursJob = {
        contract: contract.id,
        purchase: due.purchase,
        level: due.level,
        balanceSeconds: ledger.balanceSeconds,
        call: { source, issueId: issue.id, key: issue.key, title: issue.title, url: issue.url, rawSeconds: trigger.rawSeconds, billedSeconds: billedSeconds(card.billing, trigger.rawSeconds) },
        firedAt: now,
      };
      // Queued before it is marked: a crash in between queues it again under the same id.
      if (!this.deps.quiet) await this.deps.queue.add(CARD_WARNING_JOB, job, { ...HOURS_JOB_OPTIONS, jobId: id });
      await this.deps.store.markWarned(contract.id, id);
    }
  }

  /**
   * A delayed timer per call whose hours wait for approval, at `approval.warn_after` of business
   * time after the wait began. Its id names the wait, so recomputing adds nothing and a new booking
   * a new timer; the timer checks when it fires whether that wait still goes on.
   */
  private async planApprovalTimers(contract: Contract, calls: readonly HoursCall[], now: number): Promise<void> {
    const rule = contract.hours?.approval;
    if (!rule?.warnAfterMs) return;
    for (const call of calls) {
      if (call.approval?.state !== 'pending') continue;
      const since = call.approval.since;
      const dueAt = contract.calendar.add(since, rule.warnAfterMs);
      const job: ApprovalTimerJob = {
        contract: contract.id,
        callId: call.id,
        since,
        dueAt,
        call: { source: call.source, issueId: call.issueId, key: call.issueKey, title: call.title, url: call.url, rawSeconds: call.rawSeconds, billedSeconds: call.kind === 'card' ? billedSeconds(contract.hours!.billing, call.rawSeconds) : 0 },
      };
      const id = approvalTimerId(contract.id, call.id, since);
      if (this.deps.quiet && dueAt <= now) await this.deps.store.markWarned(contract.id, id);
      else await this.deps.queue.add(APPROVAL_TIMER_JOB, job, { ...HOURS_JOB_OPTIONS, jobId: id, delay: Math.max(0, dueAt - now) });
    }
  }
}
