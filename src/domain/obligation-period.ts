/**
 * The periods of a recurring obligation (quarterly maintenance, reading the backup logs every
 * working day): calendar periods in the obligation calendar's zone, each opening at its first
 * business instant and due at its last. A period without business time (a working day that is a
 * holiday) is no period at all: nothing is owed then.
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar, Instant } from './business-calendar.js';

export const OBLIGATION_EVERY = ['working-day', 'month', 'quarter'] as const;
export type ObligationEvery = (typeof OBLIGATION_EVERY)[number];

export interface ObligationPeriod {
  /** `2027-Q1`, `2027-01`, `2027-01-04`: unique per obligation, part of the marker and the job ids. */
  readonly key: string;
  /** Local midnight starting the calendar period, and the one ending it. */
  readonly start: Instant;
  readonly end: Instant;
  /** The first business instant of the period: when the issue is opened. */
  readonly opensAt: Instant;
  /** The end of the period's last business window: the deadline. */
  readonly dueAt: Instant;
}

/** Calendar periods never need more steps than this to find one with business time (a year of closed days). */
const MAX_EMPTY_PERIODS = 400;

function span(every: ObligationEvery, local: DateTime): { readonly start: DateTime; readonly end: DateTime; readonly key: string } {
  switch (every) {
    case 'working-day': {
      const start = local.startOf('day');
      return { start, end: start.plus({ days: 1 }), key: start.toISODate()! };
    }
    case 'month': {
      const start = local.startOf('month');
      return { start, end: start.plus({ months: 1 }), key: start.toFormat('yyyy-MM') };
    }
    case 'quarter': {
      const start = local.startOf('quarter');
      return { start, end: start.plus({ months: 3 }), key: `${start.year}-Q${start.quarter}` };
    }
  }
}

function withBusinessTime(calendar: BusinessCalendar, key: string, start: Instant, end: Instant): ObligationPeriod | undefined {
  const total = calendar.between(start, end);
  if (total <= 0) return undefined;
  return { key, start, end, opensAt: calendar.add(start, 0), dueAt: calendar.add(start, total) };
}

/** The period whose calendar span holds `at`; undefined when that span has no business time. */
export function periodAt(every: ObligationEvery, calendar: BusinessCalendar, at: Instant): ObligationPeriod | undefined {
  const local = DateTime.fromMillis(at, { zone: calendar.zone });
  if (!local.isValid) throw new RangeError(`calendar ${calendar.id}: cannot read instant ${at} in zone ${calendar.zone}`);
  const { start, end, key } = span(every, local);
  return withBusinessTime(calendar, key, start.toMillis(), end.toMillis());
}

/** The first period with business time whose span starts at or after `at`. */
export function nextPeriodFrom(every: ObligationEvery, calendar: BusinessCalendar, at: Instant): ObligationPeriod {
  let local: DateTime = DateTime.fromMillis(at, { zone: calendar.zone });
  for (let step = 0; step < MAX_EMPTY_PERIODS; step += 1) {
    const { start, end, key } = span(every, local);
    if (start.toMillis() >= at) {
      const period = withBusinessTime(calendar, key, start.toMillis(), end.toMillis());
      if (period) return period;
    }
    local = end;
  }
  throw new RangeError(`calendar ${calendar.id} has no business time in ${MAX_EMPTY_PERIODS} ${every} periods after ${new Date(at).toISOString()}`);
}

/** Every period with business time whose span overlaps [from, until), in order. */
export function periodsBetween(every: ObligationEvery, calendar: BusinessCalendar, from: Instant, until: Instant): ObligationPeriod[] {
  const periods: ObligationPeriod[] = [];
  const first = periodAt(every, calendar, from);
  if (first) periods.push(first);
  let cursor = first?.end ?? from;
  while (cursor < until) {
    const next = nextPeriodFrom(every, calendar, cursor);
    if (next.start >= until) break;
    periods.push(next);
    cursor = next.end;
  }
  return periods;
}

/**
 * When to warn that the period's deadline is near: `beforeMs` of business time before it, or when
 * the period opens if it has less business time than that.
 */
export function warningAt(calendar: BusinessCalendar, period: ObligationPeriod, beforeMs: number): Instant {
  const total = calendar.between(period.opensAt, period.dueAt);
  return beforeMs >= total ? period.opensAt : calendar.add(period.opensAt, total - beforeMs);
}
