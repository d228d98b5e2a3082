/**
 * When to warn that a contract's term ends: `term.warn_before` ahead of the end of `valid.until`
 * (inclusive: the term ends at the next local midnight), in the calendar's zone and in calendar
 * time (a `d` is a day on the wall clock, whatever its length across a DST change), so that
 * managers can renew before the minimum term (six months or a year in the seeds) runs out.
 */
import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';
import { formatDuration, type Duration } from './duration.js';

export interface TermWarning {
  readonly warnBefore: Duration;
}

export interface TermPlan {
  /** The first instant after the term. */
  readonly endsAt: Instant;
  /** When the warning is due. */
  readonly warnAt: Instant;
  /** The lead as written (`8w`), which with the end date makes the warning's identity. */
  readonly lead: string;
}

export function termPlan(validUntil: string, zone: string, warning: TermWarning): TermPlan {
  const end = DateTime.fromISO(validUntil, { zone }).plus({ days: 1 }).startOf('day');
  const { weeks, days, hours, minutes, seconds } = warning.warnBefore;
  return { endsAt: end.toMillis(), warnAt: end.minus({ weeks, days, hours, minutes, seconds }).toMillis(), lead: formatDuration(warning.warnBefore) };
}

/** Whole local days from the day of `at` to the end of the term (the day after valid.until). */
export function daysLeft(validUntil: string, zone: string, at: Instant): number {
  const end = DateTime.fromISO(validUntil, { zone }).plus({ days: 1 }).startOf('day');
  const today = DateTime.fromMillis(at, { zone }).startOf('day');
  return Math.round(end.diff(today, 'days').days);
}
