/** The report's obligation rows of a contract and month, from what Redis holds of the opened issues and their logs. */
import { DateTime } from 'luxon';
import type { Contract } from '../../domain/contract.js';
import { resolvedAtOf } from '../../domain/obligation.js';
import { obligationRows, type ObligationRow, type OpenedPeriod } from '../../domain/obligation-report.js';
import type { IssueStore } from '../store/issue-store.js';
import type { ObligationStore } from './obligation-store.js';

export async function loadObligationRows(contract: Contract, month: string, store: ObligationStore, issues: IssueStore, now: number): Promise<ObligationRow[] | undefined> {
  if (!contract.obligations?.length) return undefined;
  const opened = new Map<string, OpenedPeriod>();
  const start = DateTime.fromISO(`${month}-01`, { zone: contract.calendar.zone });
  const [from, until] = [start.toMillis(), start.plus({ months: 1 }).toMillis()];
  for (const obligation of contract.obligations) {
    for (const [period, record] of await store.all(contract.id, obligation.id)) {
      // A daily obligation has years of periods; only the month's issues are read.
      if (record.period.end <= from || record.period.start >= until) continue;
      const resolvedAt = resolvedAtOf(await issues.loadEvents(record.source, record.issue.id));
      opened.set(`${obligation.id}\u0000${period}`, { issue: { source: record.source, key: record.issue.key, url: record.issue.url }, resolvedAt });
    }
  }
  return obligationRows(contract, month, (obligation, period) => opened.get(`${obligation}\u0000${period}`), now);
}
