/** The status API's view of recurring obligations: per contract and obligation, the current (or next) period and its issue. */
import type { Contract } from '../../domain/contract.js';
import { obligationOutcome, resolvedAtOf, type ObligationOutcome } from '../../domain/obligation.js';
import { nextPeriodFrom, periodAt } from '../../domain/obligation-period.js';
import type { IssueStore } from '../store/issue-store.js';
import type { ObligationStore } from './obligation-store.js';

export interface ObligationStatus {
  readonly contract: string;
  readonly obligation: string;
  readonly title: string;
  readonly every: string;
  readonly source: string;
  readonly period: string;
  readonly opensAt: number;
  readonly dueAt: number;
  readonly zone: string;
  readonly issue: { readonly key: string; readonly url?: string | undefined } | null;
  readonly resolvedAt: number | null;
  /** `upcoming`: the period has not opened yet. */
  readonly outcome: ObligationOutcome | 'upcoming';
}

export async function obligationStatuses(contracts: Iterable<Contract>, store: ObligationStore, issues: IssueStore, now: number): Promise<ObligationStatus[]> {
  const statuses: ObligationStatus[] = [];
  for (const contract of contracts) {
    for (const obligation of contract.obligations ?? []) {
      const period = periodAt(obligation.every, obligation.calendar, now) ?? nextPeriodFrom(obligation.every, obligation.calendar, now);
      const record = await store.opened(contract.id, obligation.id, period.key);
      const resolvedAt = record ? resolvedAtOf(await issues.loadEvents(record.source, record.issue.id)) : null;
      statuses.push({
        contract: contract.id,
        obligation: obligation.id,
        title: obligation.title,
        every: obligation.every,
        source: obligation.source,
        period: period.key,
        opensAt: period.opensAt,
        dueAt: period.dueAt,
        zone: obligation.calendar.zone,
        issue: record ? { key: record.issue.key, url: record.issue.url } : null,
        resolvedAt,
        outcome: now < period.opensAt ? 'upcoming' : obligationOutcome(period, record !== undefined, resolvedAt, now),
      });
    }
  }
  return statuses;
}
