import { DateTime, IANAZone } from 'luxon';
import { assertDuration, type BusinessCalendar, type Instant } from './business-calendar.js';
import { MINUTE_MS } from './duration.js';

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
 * Everything about one local calendar year, laid out so that a deadline is two binary searches:
 * the start instant of each local day, the business time accumulated before it, and the day's
 * working intervals as real instants (so DST days are exactly as long as they really are).
 */
interface YearTable {
  readonly year: number;
  /** dayStart[i] is local midnight of day i; dayStart[days] is the next year's first midnight. */
  readonly dayStart: Float64Array;
  /** Business ms of the year before day i; businessBefore[days] is the year's total. */
  readonly businessBefore: Float64Array;
  /** Working intervals of day i are intervals [firstInterval[i], firstInterval[i + 1]). */
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
  private readonly years = new Map<number, YearTable>();
  private lastUsed: YearTable | undefined;

  constructor(spec: WindowedCalendarSpec) {
    if (spec.week.length !== 7) throw new Error(`calendar ${spec.id}: a week has 7 days, got ${spec.week.length}`);
    if (!DateTime.local().setZone(spec.zone).isValid) throw new Error(`calendar ${spec.id}: unknown time zone "${spec.zone}"`);
    this.spec = spec;
    this.id = spec.id;
    this.zone = spec.zone;
    this.dayMs = spec.dayMs ?? standardDayMs(spec.week);
    // A `w` is five working days, whatever the number of open days per week.
    this.weekMs = 5 * this.dayMs;
    if (this.dayMs <= 0) throw new Error(`calendar ${spec.id}: has no working hours on any day of the week`);
  }

  add(start: Instant, businessMs: number): Instant {
    assertDuration(this.id, businessMs);
    if (businessMs === 0) return start;
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
    if (last && instant >= last.dayStart[0]! && instant < last.dayStart[last.dayStart.length - 1]!) return last;
    for (const table of this.years.values()) {
      if (instant >= table.dayStart[0]! && instant < table.dayStart[table.dayStart.length - 1]!) {
        this.lastUsed = table;
        return table;
      }
    }
    const table = this.table(DateTime.fromMillis(instant, { zone: this.zone }).year);
    this.lastUsed = table;
    return table;
  }

  private table(year: number): YearTable {
    let table = this.years.get(year);
    if (!table) {
      table = buildYearTable(this.spec, year);
      this.years.set(year, table);
    }
    return table;
  }
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

/** A stretch of a local day during which the zone's UTC offset is constant. */
interface OffsetPiece {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

/** The day [start, end) cut at its DST transition, if it has one (real zones have at most one a day). */
function offsetPieces(zone: IANAZone, start: number, end: number): OffsetPiece[] {
  const first = zone.offset(start);
  const last = zone.offset(end - 1);
  if (first === last) return [{ start, end, offsetMs: first * MINUTE_MS }];
  let low = start;
  let high = end - 1;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (zone.offset(mid) === first) low = mid;
    else high = mid;
  }
  return [
    { start, end: high, offsetMs: first * MINUTE_MS },
    { start: high, end, offsetMs: last * MINUTE_MS },
  ];
}

/**
 * The real intervals of one day during which the wall clock shows a time inside one of the windows,
 * sorted and merged: a window time that does not exist (spring forward) is skipped, one that happens
 * twice (fall back) counts twice. `localMidnight` is the day's 00:00 as if the local time were UTC.
 */
function dayIntervals(windows: readonly WorkingWindow[], localMidnight: number, pieces: readonly OffsetPiece[]): [number, number][] {
  const candidates: [number, number][] = [];
  for (const window of windows) {
    for (const piece of pieces) {
      const start = Math.max(piece.start, localMidnight + window.startMinute * MINUTE_MS - piece.offsetMs);
      const end = Math.min(piece.end, localMidnight + window.endMinute * MINUTE_MS - piece.offsetMs);
      if (end > start) candidates.push([start, end]);
    }
  }
  // On a fall-back day the second pass through the repeated hour comes after later windows' first pass.
  candidates.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of candidates) {
    const previous = merged[merged.length - 1];
    if (previous && previous[1] >= start) previous[1] = Math.max(previous[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function buildYearTable(spec: WindowedCalendarSpec, year: number): YearTable {
  const closed = spec.closedDays(year);
  const zone = IANAZone.create(spec.zone);
  let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: spec.zone }).startOf('day');
  const days = day.daysInYear;
  const dayStart = new Float64Array(days + 1);
  const businessBefore = new Float64Array(days + 1);
  const firstInterval = new Int32Array(days + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  let total = 0;
  for (let i = 0; i < days; i += 1) {
    const next = day.plus({ days: 1 }).startOf('day');
    dayStart[i] = day.toMillis();
    businessBefore[i] = total;
    firstInterval[i] = starts.length;
    const windows = spec.week[day.weekday - 1]!;
    if (windows.length > 0 && !closed.has(day.toISODate()!)) {
      const pieces = offsetPieces(zone, day.toMillis(), next.toMillis());
      const localMidnight = Date.UTC(day.year, day.month - 1, day.day);
      for (const [start, end] of dayIntervals(windows, localMidnight, pieces)) {
        starts.push(start);
        ends.push(end);
        total += end - start;
      }
    }
    day = next;
  }
  dayStart[days] = day.toMillis();
  businessBefore[days] = total;
  firstInterval[days] = starts.length;
  return {
    year,
    dayStart,
    businessBefore,
    firstInterval,
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
  const days = table.dayStart.length - 1;
  const day = lastAtOrBelow(table.dayStart, instant, days - 1);
  let position = table.businessBefore[day]!;
  for (let i = table.firstInterval[day]!; i < table.firstInterval[day + 1]!; i += 1) {
    const start = table.intervalStart[i]!;
    if (instant <= start) break;
    position += Math.min(instant, table.intervalEnd[i]!) - start;
  }
  return position;
}

/** The earliest instant at which `position` (0 < position <= total) business ms of the year have passed. */
function instantAtPosition(table: YearTable, position: number): Instant {
  // First day whose end-of-day business total reaches the position.
  let low = 0;
  let high = table.dayStart.length - 2;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (table.businessBefore[mid + 1]! >= position) high = mid;
    else low = mid + 1;
  }
  let remaining = position - table.businessBefore[low]!;
  for (let i = table.firstInterval[low]!; i < table.firstInterval[low + 1]!; i += 1) {
    const length = table.intervalEnd[i]! - table.intervalStart[i]!;
    if (remaining <= length) return table.intervalStart[i]! + remaining;
    remaining -= length;
  }
  throw new Error('business position outside its day: year table is inconsistent');
}
