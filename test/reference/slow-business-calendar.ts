/**
 * A slow, deliberately dumb reference for business-time arithmetic, used by the property tests to
 * check the production engine (src/domain/windowed-calendar.ts).
 *
 * The whole definition is `isBusinessMinute`: the minute [t, t + 60 s) is business time when, in
 * the calendar's zone, the local date of t is not closed and the local time of day of t (hour * 60 +
 * minute, as luxon reads it) lies in one of that weekday's windows [startMinute, endMinute).
 * `referenceAdd` and `referenceBetween` only walk real time minute by minute and count such minutes.
 * Nothing is compiled, cached or searched, so it is slow, and obviously right.
 *
 * Why minute steps are exact: every instant the tests use is a whole minute, window boundaries are
 * whole minutes, and every UTC offset of the zones under test is a whole number of minutes whose
 * changes (DST) happen at whole hours. A minute therefore never straddles a window edge, a local
 * midnight or a DST transition, and is either entirely business time or entirely not.
 *
 * DST: the walk is in real time, so a window's business length on a DST day is whatever real time
 * its local times really cover (a 00:00-04:00 window lasts 3 h on a spring-forward night and 5 h on
 * a fall-back night in Europe/Amsterdam). A window *edge* inside the DST hours follows from the same
 * rule, minute by minute: an edge in the skipped hour (spring forward) takes effect at the first
 * existing local time after it (02:30 -> 03:00 in Amsterdam), and in the repeated hour (fall back)
 * every minute whose local time is inside the window counts, both times round; the repeated minutes
 * before a start edge in that hour do not (02:30-05:00 in Amsterdam on the fall-back night is 02:30-
 * 03:00 summer time plus 02:30-05:00 winter time: 3 h).
 */
import { DateTime } from 'luxon';

export const MINUTE_MS = 60_000;

export interface ReferenceWindow {
  readonly startMinute: number;
  /** Exclusive; 1440 is the end of the day. */
  readonly endMinute: number;
}

export interface ReferenceCalendarSpec {
  readonly zone: string;
  /** Seven lists of windows, Monday first (luxon weekday 1 = Monday). */
  readonly week: ReadonlyArray<ReadonlyArray<ReferenceWindow>>;
  /** Whether a local date (YYYY-MM-DD) is closed all day. */
  readonly isClosed: (localDate: string) => boolean;
  /** Guard against a runaway walk; the tests keep their durations well below it. Default: 60 days. */
  readonly maxSteps?: number;
}

export interface SlowBusinessCalendar {
  readonly zone: string;
  /** Whether the minute [t, t + 1 min) is business time; t must be a whole minute. */
  isBusinessMinute(t: number): boolean;
  /** Whether the instant t (any ms) lies in business time: the minute containing it does. */
  isBusinessInstant(t: number): boolean;
  /** The instant right after the business minute that completes `minutes` business minutes counted from `start`; `start` itself for 0. */
  referenceAdd(start: number, minutes: number): number;
  /** Business minutes in [a, b), negative when b < a. */
  referenceBetween(a: number, b: number): number;
  /** Business ms in [a, b) for any ms a <= b: the overlap with [a, b) of every business minute. */
  referenceBetweenMs(a: number, b: number): number;
  /** `result[k]` is `referenceAdd(start, k)` for every k from 0 to `minutes`, from one walk. */
  referenceAddAll(start: number, minutes: number): number[];
  /** `result[i]` is `referenceBetween(a, a + i minutes)` for every whole minute from a to b (b >= a), from one walk. */
  referenceBetweenAll(a: number, b: number): number[];
}

function assertWholeMinute(what: string, t: number): void {
  if (!Number.isInteger(t) || t % MINUTE_MS !== 0) throw new Error(`reference: ${what} must be a whole minute, got ${t}`);
}

export function slowBusinessCalendar(spec: ReferenceCalendarSpec): SlowBusinessCalendar {
  if (spec.week.length !== 7) throw new Error('reference: a week has 7 days');
  const maxSteps = spec.maxSteps ?? 60 * 24 * 60;

  const isBusinessMinute = (t: number): boolean => {
    assertWholeMinute('minute', t);
    const local = DateTime.fromMillis(t, { zone: spec.zone });
    if (!local.isValid) throw new Error(`reference: invalid zone ${spec.zone}`);
    const minuteOfDay = local.hour * 60 + local.minute;
    const windows = spec.week[local.weekday - 1]!;
    const inWindow = windows.some((w) => w.startMinute <= minuteOfDay && minuteOfDay < w.endMinute);
    return inWindow && !spec.isClosed(local.toISODate()!);
  };

  const isBusinessInstant = (t: number): boolean => isBusinessMinute(t - (((t % MINUTE_MS) + MINUTE_MS) % MINUTE_MS));

  const referenceAdd = (start: number, minutes: number): number => {
    assertWholeMinute('start', start);
    if (!Number.isInteger(minutes) || minutes < 0) throw new Error(`reference: minutes must be a whole number >= 0, got ${minutes}`);
    let counted = 0;
    let t = start;
    for (let steps = 0; counted < minutes; steps += 1) {
      if (steps >= maxSteps) throw new Error(`reference: more than ${maxSteps} minutes walked from ${new Date(start).toISOString()}`);
      if (isBusinessMinute(t)) counted += 1;
      t += MINUTE_MS;
    }
    return t;
  };

  const referenceBetween = (a: number, b: number): number => {
    assertWholeMinute('a', a);
    assertWholeMinute('b', b);
    if (b < a) return -referenceBetween(b, a);
    if ((b - a) / MINUTE_MS > maxSteps) throw new Error(`reference: more than ${maxSteps} minutes between the instants`);
    let counted = 0;
    for (let t = a; t < b; t += MINUTE_MS) if (isBusinessMinute(t)) counted += 1;
    return counted;
  };

  const referenceBetweenMs = (a: number, b: number): number => {
    if (!Number.isInteger(a) || !Number.isInteger(b) || b < a) throw new Error('reference: referenceBetweenMs needs whole ms a <= b');
    if ((b - a) / MINUTE_MS > maxSteps) throw new Error(`reference: more than ${maxSteps} minutes between the instants`);
    let counted = 0;
    for (let minute = a - (((a % MINUTE_MS) + MINUTE_MS) % MINUTE_MS); minute < b; minute += MINUTE_MS) {
      if (isBusinessMinute(minute)) counted += Math.min(b, minute + MINUTE_MS) - Math.max(a, minute);
    }
    return counted;
  };

  const referenceAddAll = (start: number, minutes: number): number[] => {
    assertWholeMinute('start', start);
    if (!Number.isInteger(minutes) || minutes < 0) throw new Error(`reference: minutes must be a whole number >= 0, got ${minutes}`);
    const result = [start];
    let t = start;
    for (let steps = 0; result.length <= minutes; steps += 1) {
      if (steps >= maxSteps) throw new Error(`reference: more than ${maxSteps} minutes walked from ${new Date(start).toISOString()}`);
      const business = isBusinessMinute(t);
      t += MINUTE_MS;
      if (business) result.push(t);
    }
    return result;
  };

  const referenceBetweenAll = (a: number, b: number): number[] => {
    assertWholeMinute('a', a);
    assertWholeMinute('b', b);
    if (b < a) throw new Error('reference: referenceBetweenAll needs a <= b');
    if ((b - a) / MINUTE_MS > maxSteps) throw new Error(`reference: more than ${maxSteps} minutes between the instants`);
    const result = [0];
    let counted = 0;
    for (let t = a; t < b; t += MINUTE_MS) {
      if (isBusinessMinute(t)) counted += 1;
      result.push(counted);
    }
    return result;
  };

  return { zone: spec.zone, isBusinessMinute, isBusinessInstant, referenceAdd, referenceBetween, referenceBetweenMs, referenceAddAll, referenceBetweenAll };
}

// ---------------------------------------------------------------------------------------------
// The shipped nl-office calendar (config/calendars/nl-office.yaml), written out independently:
// Monday-Friday 09:00-17:00 Europe/Amsterdam, closed on the Dutch "algemeen erkende feestdagen".

/** Easter Sunday per year, from published tables (not computed). */
const EASTER_SUNDAY: Readonly<Record<number, string>> = {
  2024: '2024-03-31',
  2025: '2025-04-20',
  2026: '2026-04-05',
  2027: '2027-03-28',
  2028: '2028-04-16',
  2029: '2029-04-01',
  2030: '2030-04-21',
};

export const NL_REFERENCE_YEARS = { first: 2024, last: 2030 } as const;

function dutchHolidays(year: number): Set<string> {
  const easterDate = EASTER_SUNDAY[year];
  if (easterDate === undefined) throw new Error(`reference: no Dutch holidays written out for ${year}`);
  const easter = DateTime.fromISO(easterDate, { zone: 'UTC' });
  const kingsDay = DateTime.fromObject({ year, month: 4, day: 27 }, { zone: 'UTC' });
  return new Set([
    `${year}-01-01`, // New Year's Day
    easter.plus({ days: 1 }).toISODate()!, // Easter Monday
    (kingsDay.weekday === 7 ? kingsDay.minus({ days: 1 }) : kingsDay).toISODate()!, // King's Day (26th when the 27th is a Sunday)
    `${year}-05-05`, // Liberation Day
    easter.plus({ days: 39 }).toISODate()!, // Ascension Day
    easter.plus({ days: 50 }).toISODate()!, // Whit Monday
    `${year}-12-25`, // Christmas Day
    `${year}-12-26`, // Boxing Day
  ]);
}

const dutchHolidayCache = new Map<number, Set<string>>();

export function isDutchHoliday(localDate: string): boolean {
  const year = Number(localDate.slice(0, 4));
  let holidays = dutchHolidayCache.get(year);
  if (!holidays) {
    holidays = dutchHolidays(year);
    dutchHolidayCache.set(year, holidays);
  }
  return holidays.has(localDate);
}

const NINE_TO_FIVE: readonly ReferenceWindow[] = [{ startMinute: 9 * 60, endMinute: 17 * 60 }];

export const NL_OFFICE_REFERENCE: ReferenceCalendarSpec = {
  zone: 'Europe/Amsterdam',
  week: [NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE, [], []],
  isClosed: isDutchHoliday,
};
