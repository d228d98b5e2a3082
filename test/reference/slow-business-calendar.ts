/**
 * A slow, deliberately dumb reference for business-time arithmetic, used by the property tests to
 * check the production engine (src/domain/windowed-calendar.ts). It shares no code with the engine
 * and knows nothing about time-zone transitions: it only asks the wall clock.
 *
 * The whole definition is `isBusinessInstant`: the instant t is business time when the wall clock of
 * the calendar's zone at t (the platform's Intl.DateTimeFormat, asked directly) shows a date that is
 * not closed, on a weekday one of whose windows [startMinute, endMinute) contains the hour * 60 +
 * minute it shows. Business time is the real time during which that holds. So everything about
 * skipped and repeated local time follows without being written down: a date the clock skips is
 * never shown and never counts (Pacific/Apia, 2011-12-30), a window time the clock shows twice
 * counts twice (America/St_Johns, 2010-11-06 23:01-24:00), a window time it never shows is
 * skipped, and a closed date is closed however often it is shown.
 *
 * The walk goes through real time in runs during which the wall clock shows one local minute, each
 * asked once: from t the clock reaches its next whole minute after d ms; when it shows exactly d ms
 * more at t + d, its offset did not change in between and the run is [t, t + d). Otherwise the
 * offset changed within that minute, and the run ends at the next whole real second instead: the tz
 * database changes offsets only at whole seconds, and its offsets (LMT ones included) are whole
 * seconds, so the wall clock shows one minute throughout a real second. (Two changes that cancel
 * out within one minute would fool the check; the nearest two changes of any zone are days apart.)
 * Nothing is compiled, cached or searched: it is slow, and obviously right.
 *
 * `referenceAdd` is the earliest instant at which the business time since `start` reaches the
 * amount. For zero it is the first business instant at or after `start`: the start itself in
 * working hours, else the next opening ("reaction and handling time start at the beginning of the
 * next working day"), also from exactly closing time, which is outside its window.
 */
import { DateTime } from 'luxon';

export const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

export interface ReferenceWindow {
  readonly startMinute: number;
  /** Exclusive; 1440 is the end of the day. */
  readonly endMinute: number;
}

export interface ReferenceCalendarSpec {
  readonly zone: string;
  /** Seven lists of windows, Monday first. */
  readonly week: ReadonlyArray<ReadonlyArray<ReferenceWindow>>;
  /** Whether a local date (YYYY-MM-DD) is closed all day. */
  readonly isClosed: (localDate: string) => boolean;
  /** Guard against a runaway walk, in real ms; the tests keep their walks well below it. Default: 60 days. */
  readonly maxWalkMs?: number;
}

export interface SlowBusinessCalendar {
  readonly zone: string;
  /** Whether the instant t (any ms) lies in business time. */
  isBusinessInstant(t: number): boolean;
  /** The earliest instant at which `ms` business ms counted from `start` have passed; for 0 the first business instant at or after `start`. */
  referenceAdd(start: number, ms: number): number;
  /** Business ms in [a, b), negative when b < a. */
  referenceBetween(a: number, b: number): number;
  /** `result[k]` is `referenceAdd(start, k minutes)` for every k from 0 to `minutes`, from one walk. */
  referenceAddAll(start: number, minutes: number): number[];
  /** `result[i]` is `referenceBetween(a, a + i minutes)` for every whole minute from a to b (b - a whole minutes, b >= a), from one walk. */
  referenceBetweenAll(a: number, b: number): number[];
}

/** What the wall clock shows at one instant. */
interface WallClock {
  readonly date: string;
  /** Monday 0 to Sunday 6. */
  readonly weekday: number;
  readonly minuteOfDay: number;
  /** The local date-time written as if it were UTC, in ms. */
  readonly localMs: number;
}

interface Run {
  readonly start: number;
  readonly end: number;
  readonly business: boolean;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const modulo = (value: number, divisor: number): number => ((value % divisor) + divisor) % divisor;

export function slowBusinessCalendar(spec: ReferenceCalendarSpec): SlowBusinessCalendar {
  if (spec.week.length !== 7) throw new Error('reference: a week has 7 days');
  const maxWalkMs = spec.maxWalkMs ?? 60 * 24 * 60 * MINUTE_MS;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: spec.zone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

  const wallClock = (t: number): WallClock => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(t)) parts[part.type] = part.value;
    const [year, month, day, hour, minute, second] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number) as [number, number, number, number, number, number];
    const weekday = WEEKDAYS.indexOf(parts.weekday!);
    if (weekday < 0 || [year, month, day, hour, minute, second].some(Number.isNaN)) throw new Error(`reference: cannot read the wall clock of ${spec.zone} at ${t}`);
    return {
      date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      weekday,
      minuteOfDay: hour * 60 + minute,
      localMs: Date.UTC(year, month - 1, day, hour, minute, second) + modulo(t, SECOND_MS),
    };
  };

  const isBusiness = (clock: WallClock): boolean =>
    spec.week[clock.weekday]!.some((w) => w.startMinute <= clock.minuteOfDay && clock.minuteOfDay < w.endMinute) && !spec.isClosed(clock.date);

  const isBusinessInstant = (t: number): boolean => isBusiness(wallClock(t));

  /** The runs of real time from `from` on, each showing one local minute. */
  function* runs(from: number): Generator<Run> {
    if (!Number.isInteger(from)) throw new Error(`reference: instants are whole ms, got ${from}`);
    let t = from;
    let here = wallClock(t);
    for (;;) {
      if (t - from > maxWalkMs) throw new Error(`reference: walked more than ${maxWalkMs} ms from ${new Date(from).toISOString()}`);
      const toNextMinute = MINUTE_MS - modulo(here.localMs, MINUTE_MS);
      const there = wallClock(t + toNextMinute);
      const steady = there.localMs - here.localMs === toNextMinute;
      const end = steady ? t + toNextMinute : t + SECOND_MS - modulo(t, SECOND_MS);
      yield { start: t, end, business: isBusiness(here) };
      t = end;
      here = steady ? there : wallClock(t);
    }
  }

  const referenceAddAll = (start: number, minutes: number): number[] => {
    if (!Number.isInteger(minutes) || minutes < 0) throw new Error(`reference: minutes must be a whole number >= 0, got ${minutes}`);
    const result: number[] = [];
    let counted = 0;
    for (const run of runs(start)) {
      if (!run.business) continue;
      // Every whole minute of business time reached within this run (0 at its start).
      while (result.length <= minutes && result.length * MINUTE_MS - counted <= run.end - run.start) {
        result.push(run.start + result.length * MINUTE_MS - counted);
      }
      if (result.length > minutes) return result;
      counted += run.end - run.start;
    }
    throw new Error('reference: unreachable');
  };

  const referenceAdd = (start: number, ms: number): number => {
    if (!Number.isInteger(ms) || ms < 0) throw new Error(`reference: ms must be a whole number >= 0, got ${ms}`);
    let counted = 0;
    for (const run of runs(start)) {
      if (!run.business) continue;
      if (ms - counted <= run.end - run.start) return run.start + ms - counted;
      counted += run.end - run.start;
    }
    throw new Error('reference: unreachable');
  };

  const referenceBetween = (a: number, b: number): number => {
    if (b < a) return -referenceBetween(b, a);
    let counted = 0;
    for (const run of runs(a)) {
      if (run.start >= b) return counted;
      if (run.business) counted += Math.min(b, run.end) - run.start;
    }
    throw new Error('reference: unreachable');
  };

  const referenceBetweenAll = (a: number, b: number): number[] => {
    if (b < a || (b - a) % MINUTE_MS !== 0) throw new Error('reference: referenceBetweenAll needs b >= a, whole minutes apart');
    const steps = (b - a) / MINUTE_MS;
    const result = [0];
    let counted = 0;
    for (const run of runs(a)) {
      // The whole minutes after a that this run reaches, each with the business time before it.
      for (let point = a + result.length * MINUTE_MS; result.length <= steps && point <= run.end; point += MINUTE_MS) {
        result.push(counted + (run.business ? point - run.start : 0));
      }
      if (result.length > steps) return result;
      if (run.business) counted += run.end - run.start;
    }
    throw new Error('reference: unreachable');
  };

  return { zone: spec.zone, isBusinessInstant, referenceAdd, referenceBetween, referenceAddAll, referenceBetweenAll };
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
