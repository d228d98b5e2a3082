/**
 * The monthly report's obligations section: per obligation, every period overlapping the month that
 * has begun, with the issue opened for it and whether it was resolved by the period's end.
 */
import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';
import type { Contract } from './contract.js';
import { obligationOutcome, type ObligationOutcome } from './obligation.js';
import { periodsBetween, type ObligationEvery } from './obligation-period.js';

export interface ObligationRow {
  readonly obligation: string;
  readonly title: string;
  readonly every: ObligationEvery;
  readonly period: string;
  readonly opensAt: Instant;
  readonly dueAt: Instant;
  readonly issue: { readonly source: string; readonly key: string; readonly url?: string | undefined } | null;
  readonly resolvedAt: Instant | null;
  readonly outcome: ObligationOutcome;
}

export interface OpenedPeriod {
  readonly issue: { readonly source: string; readonly key: string; readonly url?: string | undefined };
  readonly resolvedAt: Instant | null;
}

/** `opened(obligation, period)` is what the bridge opened for a period, if anything. */
export function obligationRows(contract: Contract, month: string, opened: (obligation: string, period: string) => OpenedPeriod | undefined, now: Instant): ObligationRow[] {
  const zone = contract.calendar.zone;
  const start = DateTime.fromISO(`${month}-01`, { zone });
  const from = start.toMillis();
  const until = start.plus({ months: 1 }).toMillis();
  return (contract.obligations ?? []).flatMap((obligation) =>
    periodsBetween(obligation.every, obligation.calendar, from, until)
      .filter((period) => period.opensAt <= now)
      .map((period) => {
        const found = opened(obligation.id, period.key);
        return {
          obligation: obligation.id,
          title: obligation.title,
          every: obligation.every,
          period: period.key,
          opensAt: period.opensAt,
          dueAt: period.dueAt,
          issue: found?.issue ?? null,
          resolvedAt: found?.resolvedAt ?? null,
          outcome: obligationOutcome(period, found !== undefined, found?.resolvedAt ?? null, now),
        };
      }),
  );
}
