/**
 * Where a business calendar does not count, between two instants, and why: the stretches between
 * its working intervals, each once however many nights, weekend days and holidays it joins, with
 * the reasons in the order they occur ("outside office hours, weekend"). Only the calendar's own
 * interface is used (add, between, closedReason), so it works for every calendar the same way.
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar, Instant } from './business-calendar.js';

export interface ClosedSpan {
  readonly from: Instant;
  readonly to: Instant;
  readonly reasons: readonly string[];
}

const HOUR = 3_600_000;
/** No working interval of a real calendar is longer (a 24-hour calendar closed on Sundays has six days). */
const LONGEST_INTERVAL = 400 * 24 * HOUR;

/** The end of the working interval that begins at `opening`: the largest L with add(opening, L) = opening + L. */
function closingOf(calendar: BusinessCalendar, opening: Instant): Instant {
  const contiguous = (length: number) => calendar.add(opening, length) === opening + length;
  let good = 0;
  let bad = HOUR;
  while (contiguous(bad)) {
    good = bad;
    bad *= 2;
    if (bad > LONGEST_INTERVAL) return opening + good;
  }
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (contiguous(mid)) good = mid;
    else bad = mid;
  }
  return opening + good;
}

/** Why the calendar counts nothing (or only part) of local dates, cached per date. */
class DateReasons {
  private readonly working = new Map<string, boolean>();

  constructor(private readonly calendar: BusinessCalendar) {}

  private hasWorkingTime(date: DateTime): boolean {
    const key = date.toISODate()!;
    let known = this.working.get(key);
    if (known === undefined) {
      const start = date.startOf('day');
      known = this.calendar.between(start.toMillis(), start.plus({ days: 1 }).toMillis()) > 0;
      this.working.set(key, known);
    }
    return known;
  }

  /** Whether the weekday of `date` is closed anyway: the same weekday a week before or after, when not a holiday, has no working time. */
  private weekdayClosed(date: DateTime): boolean {
    for (const weeks of [-1, 1, -2, 2]) {
      const other = date.plus({ weeks });
      if (this.calendar.closedReason(other.toISODate()!) === undefined) return !this.hasWorkingTime(other);
    }
    return false;
  }

  private closedWeekday(date: DateTime): string {
    return date.weekday >= 6 ? 'weekend' : `no office hours on ${date.setLocale('en-GB').toFormat('cccc')}s`;
  }

  of(date: DateTime, wholeDay: boolean): string[] {
    const holiday = this.calendar.closedReason(date.toISODate()!);
    if (holiday !== undefined) return this.weekdayClosed(date) ? [holiday, this.closedWeekday(date)] : [holiday];
    if (!this.hasWorkingTime(date)) return [this.closedWeekday(date)];
    return wholeDay ? ['closed'] : ['outside office hours'];
  }
}

function reasonsOf(calendar: BusinessCalendar, dates: DateReasons, from: Instant, to: Instant): string[] {
  const reasons: string[] = [];
  const first = DateTime.fromMillis(from, { zone: calendar.zone }).startOf('day');
  const last = DateTime.fromMillis(to - 1, { zone: calendar.zone }).startOf('day');
  for (let date = first; date <= last; date = date.plus({ days: 1 })) {
    const wholeDay = date.toMillis() >= from && date.plus({ days: 1 }).toMillis() <= to;
    for (const reason of dates.of(date, wholeDay)) if (!reasons.includes(reason)) reasons.push(reason);
  }
  return reasons;
}

/**
 * The closed stretches within [from, to), at most `limit` of them (the earliest); a stretch that
 * reaches past `to` is cut there. A 24x7 calendar has none.
 */
export function closedSpans(calendar: BusinessCalendar, from: Instant, to: Instant, limit = 100): ClosedSpan[] {
  if (calendar.is24x7 || to <= from) return [];
  const dates = new DateReasons(calendar);
  const spans: ClosedSpan[] = [];
  let at = from;
  while (at < to && spans.length < limit) {
    const opening = calendar.add(at, 0);
    if (opening > at) {
      const end = Math.min(opening, to);
      spans.push({ from: at, to: end, reasons: reasonsOf(calendar, dates, at, end) });
    }
    if (opening >= to) break;
    at = closingOf(calendar, opening);
  }
  return spans;
}
