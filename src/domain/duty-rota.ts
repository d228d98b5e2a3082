/**
 * Who of a team is on duty when. A rota is a rotation pattern on the team's calendar (each person
 * in turn for a number of working half days) or a list of shifts imported from an iCalendar feed,
 * with overrides (swaps) and leave on top. Pure: every instant is passed in.
 *
 * The duty passes at half-day points of working days: a working day's first opening and its
 * midday (the wall-clock midpoint of its first opening and last closing, 13:00 on 09:00-17:00,
 * 12:00 on a 24x7 calendar whatever the DST night does to the day's length). Closed time between
 * two points (evenings, weekends, holidays) stays with the person whose shift began before it, so
 * the duty always passes when work begins and holidays cost nobody a turn.
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar, Instant } from './business-calendar.js';

export interface DutyRange {
  readonly from: Instant;
  /** Exclusive. */
  readonly until: Instant;
}

export interface RotaOverride extends DutyRange {
  /** Who is on duty instead; null: nobody (the team's fallback channel). */
  readonly person: string | null;
}

export interface RotaLeave extends DutyRange {
  readonly person: string;
  /** Who takes over; default the next person of `order` not on leave then. */
  readonly cover?: string;
}

export interface RotaRotation {
  /** How many working half days each shift lasts (2.5 working days: 5). */
  readonly halfDays: number;
  /** The first working day on or after this local date (YYYY-MM-DD) begins the first shift. */
  readonly starting: string;
}

export interface Rota {
  /** The team's people in rotation order; also the order in which cover for leave is found. */
  readonly order: readonly string[];
  readonly rotation?: RotaRotation;
  /** Imported shifts (an iCalendar feed), sorted by start; a later-starting one wins an overlap; gaps have nobody. */
  readonly shifts?: readonly { readonly start: Instant; readonly end: Instant; readonly person: string }[];
  /** Later entries win over earlier ones. */
  readonly overrides: readonly RotaOverride[];
  readonly leave: readonly RotaLeave[];
}

export type DutySource = 'rotation' | 'ical' | 'override' | 'cover' | 'none';

export interface DutyShift {
  readonly start: Instant;
  /** Exclusive. */
  readonly end: Instant;
  readonly person: string | null;
  readonly source: DutySource;
  /** With `cover`: whose shift it is, on leave. */
  readonly replaces?: string;
}

interface WorkingDay {
  readonly open: Instant;
  readonly midday: Instant;
}

/** The working day of a local date, or undefined when the calendar has no business time on it. */
function workingDay(calendar: BusinessCalendar, date: DateTime): WorkingDay | undefined {
  const dayStart = date.startOf('day');
  const start = dayStart.toMillis();
  const end = dayStart.plus({ days: 1 }).startOf('day').toMillis();
  const business = calendar.between(start, end);
  if (business <= 0) return undefined;
  const open = calendar.add(start, 0);
  const close = calendar.add(start, business);
  const openLocal = DateTime.fromMillis(open, { zone: calendar.zone });
  const closeMinute = close >= end ? 24 * 60 : minuteOf(DateTime.fromMillis(close, { zone: calendar.zone }));
  const mid = (minuteOf(openLocal) + closeMinute) / 2;
  let midday = dayStart.set({ hour: Math.floor(mid / 60), minute: Math.floor(mid % 60), second: Math.round((mid % 1) * 60) }).toMillis();
  // A midpoint the clock skips or shows twice still has to fall inside the day's work.
  if (midday <= open || midday >= close) midday = calendar.add(open, business / 2);
  return { open, midday };
}

function minuteOf(time: DateTime): number {
  return time.hour * 60 + time.minute + time.second / 60;
}

/** Half-day points of a rotation, computed once per rota and calendar and extended as asked. */
class HalfDayPoints {
  private readonly points: Instant[] = [];
  private cursor: DateTime;

  constructor(
    private readonly calendar: BusinessCalendar,
    starting: string,
  ) {
    this.cursor = DateTime.fromISO(starting, { zone: calendar.zone });
  }

  /** Point number `index` (0: the first opening on or after `starting`). */
  at(index: number): Instant {
    while (this.points.length <= index) this.extend();
    return this.points[index]!;
  }

  /** The number of points at or before `instant`. */
  countUntil(instant: Instant): number {
    while (this.points.length === 0 || this.points[this.points.length - 1]! <= instant) this.extend();
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.points[mid]! <= instant) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private extend(): void {
    // A calendar closed for a whole year has no duty to hand on: stop rather than loop for ever.
    for (let tries = 0; tries < 366; tries += 1) {
      const day = workingDay(this.calendar, this.cursor);
      this.cursor = this.cursor.plus({ days: 1 }).startOf('day');
      if (day) {
        this.points.push(day.open, day.midday);
        return;
      }
    }
    throw new RangeError(`calendar ${this.calendar.id} has no working day in a year: a rotation on it never passes`);
  }
}

const pointCache = new WeakMap<RotaRotation, Map<BusinessCalendar, HalfDayPoints>>();

function halfDayPoints(rotation: RotaRotation, calendar: BusinessCalendar): HalfDayPoints {
  let byCalendar = pointCache.get(rotation);
  if (!byCalendar) pointCache.set(rotation, (byCalendar = new Map()));
  let points = byCalendar.get(calendar);
  if (!points) byCalendar.set(calendar, (points = new HalfDayPoints(calendar, rotation.starting)));
  return points;
}

type Base = { start: Instant; end: Instant; person: string | null; source: DutySource };

/** The pattern's or the feed's shifts over [from, to), gaps filled with nobody. */
function baseShifts(rota: Rota, calendar: BusinessCalendar, from: Instant, to: Instant): Base[] {
  const out: Base[] = [];
  if (rota.rotation && rota.order.length > 0) {
    const points = halfDayPoints(rota.rotation, calendar);
    const step = rota.rotation.halfDays;
    const first = points.at(0);
    if (from < first) out.push({ start: from, end: Math.min(first, to), person: null, source: 'none' });
    let shift = Math.max(0, Math.floor((points.countUntil(from) - 1) / step));
    while (points.at(shift * step) < to) {
      const start = points.at(shift * step);
      const end = points.at((shift + 1) * step);
      if (end > from) out.push({ start: Math.max(start, from), end: Math.min(end, to), person: rota.order[shift % rota.order.length]!, source: 'rotation' });
      shift += 1;
    }
    return out;
  }
  const edges = new Set<Instant>([from, to]);
  for (const shift of rota.shifts ?? []) for (const edge of [shift.start, shift.end]) if (edge > from && edge < to) edges.add(edge);
  const sorted = [...edges].sort((a, b) => a - b);
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    const at = sorted[i]!;
    let holder: string | null = null;
    for (const shift of rota.shifts ?? []) if (shift.start <= at && at < shift.end) holder = shift.person;
    out.push({ start: at, end: sorted[i + 1]!, person: holder, source: holder === null ? 'none' : 'ical' });
  }
  return out;
}

const covers = (range: DutyRange, at: Instant) => range.from <= at && at < range.until;

function onLeave(rota: Rota, person: string, at: Instant): RotaLeave | undefined {
  return rota.leave.find((leave) => leave.person === person && covers(leave, at));
}

/** Who stands in at `at` for `person` on leave: the leave's cover, else the next in order who is not away. */
function coverFor(rota: Rota, leave: RotaLeave, at: Instant): string | null {
  if (leave.cover && !onLeave(rota, leave.cover, at)) return leave.cover;
  const index = rota.order.indexOf(leave.person);
  for (let step = 1; step < rota.order.length; step += 1) {
    const candidate = rota.order[(index + step + rota.order.length) % rota.order.length]!;
    if (!onLeave(rota, candidate, at)) return candidate;
  }
  return null;
}

/** The duty over [from, to): consecutive shifts that tile the range, each with its person or nobody. */
export function dutyShifts(rota: Rota, calendar: BusinessCalendar, from: Instant, to: Instant): DutyShift[] {
  if (!(to > from)) return [];
  const base = baseShifts(rota, calendar, from, to);
  const edges = new Set<Instant>(base.map((shift) => shift.start));
  for (const range of [...rota.overrides, ...rota.leave]) for (const edge of [range.from, range.until]) if (edge > from && edge < to) edges.add(edge);
  const sorted = [...edges].sort((a, b) => a - b);
  const out: DutyShift[] = [];
  let baseIndex = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const start = sorted[i]!;
    const end = sorted[i + 1] ?? to;
    while (base[baseIndex]!.end <= start) baseIndex += 1;
    const underlying = base[baseIndex]!;
    let piece: DutyShift;
    const override = rota.overrides.findLast((range) => covers(range, start));
    if (override) piece = { start, end, person: override.person, source: override.person === null ? 'none' : 'override' };
    else {
      const leave = underlying.person === null ? undefined : onLeave(rota, underlying.person, start);
      piece = leave ? { start, end, person: coverFor(rota, leave, start), source: 'cover', replaces: leave.person } : { start, end, person: underlying.person, source: underlying.source };
      if (piece.source === 'cover' && piece.person === null) piece = { start, end, person: null, source: 'none', replaces: leave!.person };
    }
    const last = out[out.length - 1];
    if (last && last.person === piece.person && last.source === piece.source && last.replaces === piece.replaces && !isRotationEdge(base, start)) out[out.length - 1] = { ...last, end };
    else out.push(piece);
  }
  return out;
}

/** A shift of the pattern begins here: two turns of one person (a team of one) stay two shifts. */
function isRotationEdge(base: readonly Base[], at: Instant): boolean {
  return base.some((shift, index) => index > 0 && shift.start === at);
}

/** The shift in force at `at`, with its own start and end (cut only at `lookAroundMs` either side of `at`). */
export function onDuty(rota: Rota, calendar: BusinessCalendar, at: Instant, lookAroundMs = 62 * 24 * 3_600_000): DutyShift {
  const shifts = dutyShifts(rota, calendar, at - lookAroundMs, at + lookAroundMs);
  return shifts.find((shift) => shift.start <= at && at < shift.end)!;
}

/** The shift in force at `at` and the next one with another person (or nobody), when there is one within the look-ahead. */
export function dutyNowAndNext(rota: Rota, calendar: BusinessCalendar, at: Instant, lookAroundMs = 62 * 24 * 3_600_000): { now: DutyShift; next?: DutyShift } {
  const shifts = dutyShifts(rota, calendar, at - lookAroundMs, at + lookAroundMs);
  const index = shifts.findIndex((shift) => shift.start <= at && at < shift.end);
  const next = shifts.slice(index + 1).find((shift) => shift.person !== shifts[index]!.person);
  return { now: shifts[index]!, ...(next ? { next } : {}) };
}

/** Instants at which the duty passes from one person to another in (from, to]: the handovers. */
export function dutyHandovers(rota: Rota, calendar: BusinessCalendar, from: Instant, to: Instant): DutyShift[] {
  const shifts = dutyShifts(rota, calendar, from, to + 1);
  return shifts.filter((shift, index) => index > 0 && shift.start > from && shift.person !== null && shift.person !== shifts[index - 1]!.person);
}
