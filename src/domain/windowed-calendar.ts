import { DateTime } from 'luxon';
import { assertDuration, type BusinessCalendar, type Instant } from './business-calendar.js';
import { MINUTE_MS } from './duration.js';
import { ZoneOffsets } from './zone-offsets.js';

/** One opening of a working day, in minutes after local midnight; `endMinute` may be 1440 (24:00). */
export interface WorkingWindow {
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface WindowedCalendarSpec {
  readonly id: string;
  readonly zone: string;
  /** Seven lists of sorted, non-overlapping windows, Monday first. */
  readonly week: ReadonlyArray<ReadonlyArray<WorkingWindow>>;
  /** Overrides the standard working day length used for `d`. */
  readonly dayMs?: number;
  /** Closed local dates (YYYY-MM-DD) of one year with the reason: holidays, extra closures. */
  readonly closedDays: (year: number) => ReadonlyMap<string, string>;
}

/** No calendar legitimately needs more than this many years to fit one deadline. */
const MAX_YEARS_SCANNED = 50;

/**
 * Everything about one local calendar year, laid out so that a deadline is two binary searches.
 * The year is what the wall clock really does: the real time from the first instant it shows
 * 1 January 00:00 until the first instant it shows the next 1 January, cut into pieces during
 * which it shows one local date at one UTC offset. A date the clock skips has no piece; one it shows
 * twice (the clock goes back across midnight) has two; a day with a DST change is cut at the
 * change. Each piece has the business time of the year before it and its working intervals as real
 * instants, so every stretch is exactly as long as it really is.
 */
interface YearTable {
  readonly year: number;
  /** pieceStart[i] is where piece i begins; pieceStart[pieces] is where the next year begins. */
  readonly pieceStart: Float64Array;
  /** Business ms of the year before piece i; businessBefore[pieces] is the year's total. */
  readonly businessBefore: Float64Array;
  /** Working intervals of piece i are intervals [firstInterval[i], firstInterval[i + 1]). */
  readonly firstInterval: Int32Array;
  readonly intervalStart: Float64Array;
  readonly intervalEnd: Float64Array;
  readonly total: number;
}

/**
 * Office-hours calendar. Local years are compiled once into `YearTable`s on first use, so the
 * cost of a deadline does not grow with its length beyond the number of years it crosses.
 */
export class WindowedCalendar implements BusinessCalendar {
  readonly is24x7 = false;
  readonly id: string;
  readonly zone: string;
  readonly dayMs: number;
  readonly weekMs: number;
  private readonly spec: WindowedCalendarSpec;
  private readonly offsets: ZoneOffsets;
  private readonly years = new Map<number, YearTable>();
  private lastUsed: YearTable | undefined;

  constructor(spec: WindowedCalendarSpec) {
    if (spec.week.length !== 7) throw new Error(`calendar ${spec.id}: a week has 7 days, got ${spec.week.length}`);
    if (!DateTime.local().setZone(spec.zone).isValid) throw new Error(`calendar ${spec.id}: unknown time zone "${spec.zone}"`);
    this.spec = spec;
    this.offsets = new ZoneOffsets(spec.zone);
    this.id = spec.id;
    this.zone = spec.zone;
    this.dayMs = spec.dayMs ?? standardDayMs(spec.week);
    // A `w` is five working days, whatever the number of open days per week.
    this.weekMs = 5 * this.dayMs;
    if (this.dayMs <= 0) throw new Error(`calendar ${spec.id}: has no working hours on any day of the week`);
  }

  add(start: Instant, businessMs: number): Instant {
    assertDuration(this.id, businessMs);
    if (businessMs === 0) return this.workBegins(start);
    let table = this.tableFor(start);
    let target = positionInYear(table, start) + businessMs;
    for (let scanned = 0; target > table.total; scanned += 1) {
      if (scanned >= MAX_YEARS_SCANNED) {
        throw new RangeError(`calendar ${this.id}: no ${businessMs} ms of working time within ${MAX_YEARS_SCANNED} years`);
      }
      target -= table.total;
      table = this.table(table.year + 1);
    }
    return instantAtPosition(table, target);
  }

  /**
   * Where no business time at all is due: when work can begin, so `start` itself in working time
   * and the next opening outside it (also at closing time, the first moment after the window).
   */
  private workBegins(start: Instant): Instant {
    let table = this.tableFor(start);
    let position = positionInYear(table, start);
    for (let scanned = 0; position >= table.total; scanned += 1) {
      if (scanned >= MAX_YEARS_SCANNED) throw new RangeError(`calendar ${this.id}: no working time within ${MAX_YEARS_SCANNED} years`);
      position = 0;
      table = this.table(table.year + 1);
    }
    return openingAtPosition(table, position);
  }

  between(from: Instant, to: Instant): number {
    if (to < from) return -this.between(to, from);
    const first = this.tableFor(from);
    const last = this.tableFor(to);
    if (first === last) return positionInYear(last, to) - positionInYear(first, from);
    let sum = first.total - positionInYear(first, from);
    for (let year = first.year + 1; year < last.year; year += 1) sum += this.table(year).total;
    return sum + positionInYear(last, to);
  }

  closedReason(localDate: string): string | undefined {
    return this.spec.closedDays(Number(localDate.slice(0, 4))).get(localDate);
  }

  private tableFor(instant: Instant): YearTable {
    const last = this.lastUsed;
    if (last && covers(last, instant)) return last;
    for (const table of this.years.values()) {
      if (covers(table, instant)) {
        this.lastUsed = table;
        return table;
      }
    }
    // The year of the instant's local date has begun by then; it may have ended already when the
    // clock went back across New Year (America/Phoenix, 1944) and shows the old year once more.
    let table = this.table(new Date(instant + this.offsets.offsetAt(instant)).getUTCFullYear());
    while (instant >= table.pieceStart[table.pieceStart.length - 1]!) table = this.table(table.year + 1);
    this.lastUsed = table;
    return table;
  }

  private table(year: number): YearTable {
    let table = this.years.get(year);
    if (!table) {
      table = buildYearTable(this.spec, this.offsets, year);
      this.years.set(year, table);
    }
    return table;
  }
}

function covers(table: YearTable, instant: Instant): boolean {
  return instant >= table.pieceStart[0]! && instant < table.pieceStart[table.pieceStart.length - 1]!;
}

/** The most common length of an open weekday; on a tie the longer one. */
function standardDayMs(week: ReadonlyArray<ReadonlyArray<WorkingWindow>>): number {
  const counts = new Map<number, number>();
  for (const windows of week) {
    const minutes = windows.reduce((sum, w) => sum + (w.endMinute - w.startMinute), 0);
    if (minutes > 0) counts.set(minutes, (counts.get(minutes) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [minutes, count] of counts) {
    if (count > bestCount || (count === bestCount && minutes > best)) {
      best = minutes;
      bestCount = count;
    }
  }
  return best * MINUTE_MS;
}

const DAY_MS = 24 * 60 * MINUTE_MS;

/** The local date of a day number (days since 1970-01-01, local time) as YYYY-MM-DD. */
function isoDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** Monday 0 to Sunday 6; 1970-01-01 was a Thursday. */
function weekdayIndex(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

function buildYearTable(spec: WindowedCalendarSpec, offsets: ZoneOffsets, year: number): YearTable {
  const closedByYear = new Map<number, ReadonlyMap<string, string>>();
  const isClosed = (date: string): boolean => {
    const dateYear = Number(date.slice(0, 4));
    let closed = closedByYear.get(dateYear);
    if (!closed) {
      closed = spec.closedDays(dateYear);
      closedByYear.set(dateYear, closed);
    }
    return closed.has(date);
  };
  const pieceStart: number[] = [];
  const businessBefore: number[] = [];
  const firstInterval: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let total = 0;
  const yearStart = offsets.firstInstantShowing(Date.UTC(year, 0, 1));
  const yearEnd = offsets.firstInstantShowing(Date.UTC(year + 1, 0, 1));
  for (const { start, end, offsetMs } of offsets.stretches(yearStart, yearEnd)) {
    // Within a stretch local time runs with real time; cut it at each local midnight.
    for (let from = start; from < end; ) {
      const dayNumber = Math.floor((from + offsetMs) / DAY_MS);
      const midnight = dayNumber * DAY_MS - offsetMs; // where this date's 00:00 would be at this offset
      const to = Math.min(end, midnight + DAY_MS);
      pieceStart.push(from);
      businessBefore.push(total);
      firstInterval.push(starts.length);
      const windows = spec.week[weekdayIndex(dayNumber)]!;
      if (windows.length > 0 && !isClosed(isoDate(dayNumber))) {
        // Window times outside [from, to) do not happen in this piece: skipped, or in another piece.
        for (const window of windows) {
          const open = Math.max(from, midnight + window.startMinute * MINUTE_MS);
          const close = Math.min(to, midnight + window.endMinute * MINUTE_MS);
          if (close > open) {
            starts.push(open);
            ends.push(close);
            total += close - open;
          }
        }
      }
      from = to;
    }
  }
  pieceStart.push(yearEnd);
  businessBefore.push(total);
  firstInterval.push(starts.length);
  return {
    year,
    pieceStart: Float64Array.from(pieceStart),
    businessBefore: Float64Array.from(businessBefore),
    firstInterval: Int32Array.from(firstInterval),
    intervalStart: Float64Array.from(starts),
    intervalEnd: Float64Array.from(ends),
    total,
  };
}

/** Index of the last element <= value in a sorted array (value must not be below the first). */
function lastAtOrBelow(sorted: Float64Array, value: number, limit: number): number {
  let low = 0;
  let high = limit;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (sorted[mid]! <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Business ms of the table's year that lie before `instant`. */
function positionInYear(table: YearTable, instant: Instant): number {
  const piece = lastAtOrBelow(table.pieceStart, instant, table.pieceStart.length - 2);
  let position = table.businessBefore[piece]!;
  for (let i = table.firstInterval[piece]!; i < table.firstInterval[piece + 1]!; i += 1) {
    const start = table.intervalStart[i]!;
    if (instant <= start) break;
    position += Math.min(instant, table.intervalEnd[i]!) - start;
  }
  return position;
}

/** The earliest instant at which `position` (0 < position <= total) business ms of the year have passed. */
function instantAtPosition(table: YearTable, position: number): Instant {
  const piece = firstPieceReaching(table, position);
  let remaining = position - table.businessBefore[piece]!;
  for (let i = table.firstInterval[piece]!; i < table.firstInterval[piece + 1]!; i += 1) {
    const length = table.intervalEnd[i]! - table.intervalStart[i]!;
    if (remaining <= length) return table.intervalStart[i]! + remaining;
    remaining -= length;
  }
  throw new Error('business position outside its piece: year table is inconsistent');
}

/** The earliest instant at which `position` (0 <= position < total) business ms of the year have passed and working time goes on. */
function openingAtPosition(table: YearTable, position: number): Instant {
  const piece = firstPieceBeyond(table, position);
  let remaining = position - table.businessBefore[piece]!;
  for (let i = table.firstInterval[piece]!; i < table.firstInterval[piece + 1]!; i += 1) {
    const length = table.intervalEnd[i]! - table.intervalStart[i]!;
    if (remaining < length) return table.intervalStart[i]! + remaining;
    remaining -= length;
  }
  throw new Error('business position outside its piece: year table is inconsistent');
}

/** The first piece whose business total at its end is beyond the position. */
function firstPieceBeyond(table: YearTable, position: number): number {
  let low = 0;
  let high = table.pieceStart.length - 2;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (table.businessBefore[mid + 1]! > position) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The first piece whose business total at its end reaches the position. */
function firstPieceReaching(table: YearTable, position: number): number {
  let low = 0;
  let high = table.pieceStart.length - 2;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (table.businessBefore[mid + 1]! >= position) high = mid;
    else low = mid + 1;
  }
  return low;
}
