/**
 * Property tests of the business-time engine (WindowedCalendar, WallClockCalendar) against the slow
 * reference in test/reference/slow-business-calendar.ts, which walks real time asking the wall clock.
 *
 * Windows and DST. Every zone under test changes its UTC offset between 01:00 and 03:00 local time
 * (Europe/Amsterdam 02:00/03:00, America/New_York 02:00/01:00, Australia/Sydney 02:00/03:00;
 * Asia/Kolkata and UTC never), so a local time of day in [01:00, 03:00) may not exist or may exist
 * twice. The random calendars of the main properties therefore put every window edge at 00:00 or in
 * [04:00, 24:00]: such an edge exists exactly once on every day, so "real elapsed time inside the
 * window" is unambiguous. Windows may still *span* the DST hours (a window from 00:00 to 04:00 or
 * later is generated on purpose), which checks that a window's business length on a DST day is its
 * real length. Edges *inside* the DST hours are tested on their own at the end of this file; there
 * the engine and the reference share one definition: a moment is working time when the wall clock
 * shows a time inside a window, so a window time that does not exist is skipped and one that
 * happens twice counts twice. The shipped calendars have no such edges.
 *
 * Days the clock skips or shows twice. The last part of this file runs random calendars, with
 * window edges anywhere, in zones whose history has such days: a skipped date (Pacific/Apia
 * 2011-12-30, Pacific/Kiritimati 1994-12-31, Pacific/Kwajalein 1993-08-21), a date shown twice
 * (Kwajalein 1969-09-30), changes at 00:01 (America/St_Johns) or at midnight (America/Santiago,
 * America/Havana, Pacific/Apia 2010), back across New Year (America/Phoenix 1944), a change at New
 * Year (Asia/Kathmandu 1986, to +05:45), half-hour DST (Australia/Lord_Howe), Asia/Gaza, and LMT
 * offsets with seconds (America/New_York 1883, Europe/Dublin 1916, Africa/Monrovia 1972). Another
 * property does the same around a random offset change of any IANA zone in any year from 1850.
 *
 * Properties are numbered as in the task: 1 add vs reference (nl-office), 2 add vs reference (random
 * calendars), 3 between vs reference, 4 round trip, 5 monotonicity, 6 earliest instant, 7 additivity,
 * 8 24x7, 9 year boundary.
 *
 * Runtime: the reference reads the wall clock about once per minute walked (~4 µs), so the reference
 * comparisons keep their walks to about three working days and check every duration / every end
 * point of one walk.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../src/domain/business-calendar.js';
import { WallClockCalendar } from '../src/domain/wall-clock-calendar.js';
import { WindowedCalendar, type WorkingWindow } from '../src/domain/windowed-calendar.js';
import {
  MINUTE_MS,
  NL_OFFICE_REFERENCE,
  NL_REFERENCE_YEARS,
  isDutchHoliday,
  slowBusinessCalendar,
  type SlowBusinessCalendar,
} from './reference/slow-business-calendar.js';
import { shippedConfig } from './support/shipped-config.js';

const HOUR_MS = 60 * MINUTE_MS;
const DAY_MINUTES = 24 * 60;
const FIRST_YEAR = 2025;
const LAST_YEAR = 2028;
const RANGE_START = Date.UTC(FIRST_YEAR, 0, 1);
const RANGE_END = Date.UTC(LAST_YEAR + 1, 0, 1);
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'] as const;
const DST_ZONES = ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney'] as const;

/**
 * Runs per fc.assert. Two things cost: the reference walk (~7 µs per minute walked) and building a
 * random calendar's year table (~25 ms per calendar and year). So the reference comparisons run a few
 * dozen walks of up to about three working days each (checking every duration / every end point of
 * the walk), and the laws on random calendars try LAW_SAMPLES start/duration pairs per calendar.
 */
const RUNS = {
  nlAdd: 30,
  randomAdd: 20,
  nlBetween: 20,
  randomBetween: 20,
  nlYearEnd: 12,
  randomYearEnd: 10,
  nlBetweenMs: 60,
  randomBetweenMs: 20,
  nlRoundTrip: 500,
  nlLongRoundTrip: 200,
  nlLaw: 300,
  randomLaws: 12,
  wallClock: 300,
  wallClockDst: 50,
  dstEdges: 25,
  clockChanges: 60,
  anyZone: 30,
  clockChangesWallClock: 100,
} as const;
const LAW_SAMPLES = 25;

const config = shippedConfig();
function shippedCalendar(id: string): BusinessCalendar {
  const calendar = config.calendars.get(id);
  if (!calendar) throw new Error(`config has no calendar ${id}`);
  return calendar;
}
const nlOffice = shippedCalendar('nl-office');
const nlReference = slowBusinessCalendar(NL_OFFICE_REFERENCE);

const local = (t: number, zone: string): string => DateTime.fromMillis(t, { zone }).toISO() ?? `invalid(${t})`;

// ---------------------------------------------------------------------------------------------
// Instants

/** Local midnight of every day of the years on which the zone's UTC offset changes. */
function dstTransitionDays(zone: string, firstYear: number, lastYear: number): number[] {
  const days: number[] = [];
  let day = DateTime.fromObject({ year: firstYear, month: 1, day: 1 }, { zone }).startOf('day');
  while (day.year <= lastYear) {
    const next = day.plus({ days: 1 }).startOf('day');
    if (day.offset !== next.offset) days.push(day.toMillis());
    day = next;
  }
  return days;
}

function yearEnds(zone: string, firstYear: number, lastYear: number): number[] {
  const ends: number[] = [];
  for (let year = firstYear; year <= lastYear; year += 1) ends.push(DateTime.fromObject({ year, month: 12, day: 31 }, { zone }).toMillis());
  return ends;
}

const minuteBetween = (from: number, to: number): fc.Arbitrary<number> =>
  fc.integer({ min: Math.ceil(from / MINUTE_MS), max: Math.floor(to / MINUTE_MS) - 1 }).map((minute) => minute * MINUTE_MS);

/** A whole minute within three days before to two days after one of the anchors. */
const minuteNear = (anchors: readonly number[]): fc.Arbitrary<number> =>
  fc
    .tuple(fc.constantFrom(...anchors), fc.integer({ min: -3 * DAY_MINUTES, max: 2 * DAY_MINUTES }))
    .map(([anchor, offset]) => anchor + offset * MINUTE_MS);

const anchorCache = new Map<string, number[]>();
/** DST transition days and year ends of the zone in the tested years (Dutch holidays too for Amsterdam). */
function interestingDays(zone: string): number[] {
  let anchors = anchorCache.get(zone);
  if (!anchors) {
    anchors = [...dstTransitionDays(zone, FIRST_YEAR, LAST_YEAR), ...yearEnds(zone, FIRST_YEAR, LAST_YEAR)];
    if (zone === 'Europe/Amsterdam') {
      for (let day = DateTime.fromMillis(RANGE_START, { zone }).startOf('day'); day.year <= LAST_YEAR; day = day.plus({ days: 1 })) {
        if (isDutchHoliday(day.toISODate()!)) anchors.push(day.toMillis());
      }
    }
    anchorCache.set(zone, anchors);
  }
  return anchors;
}

/** A whole minute in 2025-2028: uniformly, or near a DST change, a year end or (Amsterdam) a holiday. */
const startMinute = (zone: string): fc.Arbitrary<number> =>
  fc.oneof({ weight: 1, arbitrary: minuteBetween(RANGE_START, RANGE_END) }, { weight: 2, arbitrary: minuteNear(interestingDays(zone)) });

/** Any millisecond, built the same way. */
const startMs = (zone: string): fc.Arbitrary<number> =>
  fc.tuple(startMinute(zone), fc.integer({ min: 0, max: MINUTE_MS - 1 })).map(([minute, ms]) => minute + ms);

/** The instant of local time `minute` on the local day of `day`; `minute` must exist exactly once (00:00, or 04:00-24:00). */
function atLocalMinute(day: number, zone: string, minute: number): number {
  const midnight = DateTime.fromMillis(day, { zone }).startOf('day');
  if (minute === DAY_MINUTES) return midnight.plus({ days: 1 }).startOf('day').toMillis();
  return midnight.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
}

/** An instant at a window edge, one ms or one minute before or after it, on the local day of `day`. */
const msNearEdge = (zone: string, day: fc.Arbitrary<number>, edges: readonly number[]): fc.Arbitrary<number> =>
  fc
    .tuple(day, fc.constantFrom(...edges), fc.constantFrom(-MINUTE_MS, -1, 0, 1, MINUTE_MS))
    .map(([d, edge, delta]) => atLocalMinute(d, zone, edge) + delta);

// ---------------------------------------------------------------------------------------------
// Random calendars

interface Scenario {
  readonly zone: string;
  readonly week: WorkingWindow[][];
  /** A whole minute; samples start near it and closed dates are around it. */
  readonly base: number;
  readonly closedDates: readonly string[];
}

interface Sizes {
  /** Business minutes of a week without closed dates. */
  readonly weekMinutes: number;
  /** Business minutes of the longest open day. */
  readonly longestDayMinutes: number;
}

interface Built extends Sizes {
  readonly scenario: Scenario;
  readonly calendar: WindowedCalendar;
  readonly reference: SlowBusinessCalendar;
}

/** Window edges at 00:00 or in [04:00, 24:00] (see the header), biased to office-like times and to 24:00. */
const safeEdge = fc.oneof(fc.integer({ min: 240, max: DAY_MINUTES }), fc.constantFrom(240, 480, 540, 720, 780, 1020, DAY_MINUTES));

/** 1-3 sorted, non-overlapping windows; neighbours may touch, the first may open at 00:00. */
function windowsFrom(edge: fc.Arbitrary<number>, midnightStart: fc.Arbitrary<boolean>): fc.Arbitrary<WorkingWindow[]> {
  return fc
    .record({
      edges: fc.uniqueArray(edge, { minLength: 2, maxLength: 6 }),
      touching: fc.tuple(fc.boolean(), fc.boolean()),
      fromMidnight: midnightStart,
    })
    .map(({ edges, touching, fromMidnight }) => {
      const sorted = [...edges].sort((x, y) => x - y);
      const windows: WorkingWindow[] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) windows.push({ startMinute: sorted[i]!, endMinute: sorted[i + 1]! });
      for (let i = 0; i + 1 < windows.length; i += 1) {
        if (touching[i]) windows[i] = { startMinute: windows[i]!.startMinute, endMinute: windows[i + 1]!.startMinute };
      }
      if (fromMidnight && windows[0]!.startMinute > 0) windows[0] = { startMinute: 0, endMinute: windows[0]!.endMinute };
      return windows;
    });
}

const sometimes = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

function weekFrom(day: fc.Arbitrary<WorkingWindow[]>): fc.Arbitrary<WorkingWindow[][]> {
  return fc
    .array(fc.oneof({ weight: 1, arbitrary: fc.constant<WorkingWindow[]>([]) }, { weight: 3, arbitrary: day }), { minLength: 7, maxLength: 7 })
    .map((week) => (week.some((windows) => windows.length > 0) ? week : [[{ startMinute: 540, endMinute: 1020 }], ...week.slice(1)]));
}

const safeWeek = weekFrom(windowsFrom(safeEdge, sometimes));

function localDate(base: number, zone: string, dayOffset: number): string {
  return DateTime.fromMillis(base, { zone }).plus({ days: dayOffset }).toISODate()!;
}

interface ScenarioOptions {
  readonly zones?: readonly string[];
  readonly base?: (zone: string) => fc.Arbitrary<number>;
  readonly week?: fc.Arbitrary<WorkingWindow[][]>;
  /** Local dates closed in every scenario, from its base. */
  readonly alwaysClosed?: (base: number, zone: string) => string[];
  /** The days around the base that may be closed; default two before to twelve after. */
  readonly closedWithin?: readonly [number, number];
}

/** Random zone, random week, up to four random closed dates from two days before to twelve after the base (or `closedWithin`). */
function scenario(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  return fc.constantFrom(...(options.zones ?? ZONES)).chain((zone) =>
    fc
      .record({
        week: options.week ?? safeWeek,
        base: (options.base ?? startMinute)(zone),
        closedOffsets: fc.uniqueArray(fc.integer({ min: options.closedWithin?.[0] ?? -2, max: options.closedWithin?.[1] ?? 12 }), { maxLength: 4 }),
      })
      .map(({ week, base, closedOffsets }) => ({
        zone,
        week,
        base,
        closedDates: [...new Set([...closedOffsets.map((offset) => localDate(base, zone, offset)), ...(options.alwaysClosed?.(base, zone) ?? [])])].sort(),
      })),
  );
}

function build(s: Scenario): Built {
  const closed = new Set(s.closedDates);
  const calendar = new WindowedCalendar({
    id: 'random',
    zone: s.zone,
    week: s.week,
    closedDays: (year) => new Map(s.closedDates.filter((date) => date.startsWith(`${year}-`)).map((date) => [date, 'closed'])),
  });
  const reference = slowBusinessCalendar({ zone: s.zone, week: s.week, isClosed: (date) => closed.has(date) });
  return { scenario: s, calendar, reference, ...sizes(s) };
}

/** Every window edge of the scenario's week. */
function edgesOf(s: Scenario): number[] {
  return [...new Set(s.week.flatMap((windows) => windows.flatMap((w) => [w.startMinute, w.endMinute])))];
}

function sizes(s: Scenario): Sizes {
  const dayMinutes = s.week.map((windows) => windows.reduce((sum, w) => sum + w.endMinute - w.startMinute, 0));
  return { weekMinutes: dayMinutes.reduce((sum, minutes) => sum + minutes, 0), longestDayMinutes: Math.max(...dayMinutes) };
}

const describeScenario = (s: Scenario): string =>
  `zone ${s.zone}, week ${JSON.stringify(s.week.map((day) => day.map((w) => [w.startMinute, w.endMinute])))}, closed ${JSON.stringify(s.closedDates)}`;

/** Reference walks on random calendars: about three of its longest working days, at most one week of business time. */
const referenceBudget = (b: Built): number => Math.min(b.weekMinutes, 3 * b.longestDayMinutes);

/** A fraction in [0, 1] with the ends and the middle likely. */
const fraction = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0, 500, 1000)).map((n) => n / 1000);

// ---------------------------------------------------------------------------------------------
// Checks shared by the properties

/** add(start, k minutes) equals the reference for every k from 0 to `minutes` (one walk); returns the reference's answers. */
function checkAddAgainstReference(calendar: BusinessCalendar, reference: SlowBusinessCalendar, start: number, minutes: number, what: string): number[] {
  const expected = reference.referenceAddAll(start, minutes);
  for (let k = 0; k <= minutes; k += 1) {
    const actual = calendar.add(start, k * MINUTE_MS);
    if (actual !== expected[k]) {
      expect.fail(
        `${what}: add(${local(start, reference.zone)} [${start}], ${k} min) = ${local(actual, reference.zone)} [${actual}], ` +
          `reference ${local(expected[k]!, reference.zone)} [${expected[k]}]`,
      );
    }
  }
  return expected;
}

/** between(a, t), between(t, b) and their negations equal the reference for every whole minute t in [a, b]. */
function checkBetweenAgainstReference(calendar: BusinessCalendar, reference: SlowBusinessCalendar, x: number, y: number, what: string): void {
  const [a, b] = x <= y ? [x, y] : [y, x];
  const prefix = reference.referenceBetweenAll(a, b);
  const total = prefix[prefix.length - 1]!;
  const show = (from: number, to: number, actual: number, expected: number) =>
    `${what}: between(${local(from, reference.zone)} [${from}], ${local(to, reference.zone)} [${to}]) = ${actual} ms, reference ${expected} ms`;
  for (let i = 0; i < prefix.length; i += 1) {
    const t = a + i * MINUTE_MS;
    const count = prefix[i]!;
    const pairs: [number, number, number][] = [
      [a, t, count],
      [t, a, -count],
      [t, b, total - count],
      [b, t, count - total],
    ];
    for (const [from, to, expected] of pairs) {
      const actual = calendar.between(from, to);
      if (actual !== expected) expect.fail(show(from, to, actual, expected));
    }
  }
  expect(calendar.between(x, y), `${what}: between(${x}, ${y})`).to.equal(reference.referenceBetween(x, y));
}

// ---------------------------------------------------------------------------------------------

describe('business time: slow reference', () => {
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toMillis();

  it('computes office-hours deadlines by hand-checkable examples', () => {
    // Friday 2026-11-27 16:00 + 2 h -> Monday 2026-11-30 10:00.
    expect(nlReference.referenceAdd(at('2026-11-27T16:00'), 120 * MINUTE_MS)).to.equal(at('2026-11-30T10:00'));
    // Due exactly at closing time, not at the next opening.
    expect(nlReference.referenceAdd(at('2026-11-27T09:00'), 480 * MINUTE_MS)).to.equal(at('2026-11-27T17:00'));
    // Outside hours counts from the next opening; Christmas and Boxing Day are closed.
    expect(nlReference.referenceAdd(at('2026-12-24T20:00'), MINUTE_MS)).to.equal(at('2026-12-28T09:01'));
    // Zero business time is due when work can begin: the start in working hours, else the next
    // opening, also from exactly closing time (outside the window [09:00, 17:00)).
    expect(nlReference.referenceAdd(at('2026-12-24T20:00'), 0)).to.equal(at('2026-12-28T09:00'));
    expect(nlReference.referenceAdd(at('2026-11-27T17:00'), 0)).to.equal(at('2026-11-30T09:00'));
    expect(nlReference.referenceAdd(at('2026-11-27T16:59'), 0)).to.equal(at('2026-11-27T16:59'));
    expect(nlReference.referenceAddAll(at('2026-11-27T17:00'), 1)).to.deep.equal([at('2026-11-30T09:00'), at('2026-11-30T09:01')]);
    expect(nlReference.referenceBetween(at('2026-11-27T16:00'), at('2026-11-30T10:00'))).to.equal(120 * MINUTE_MS);
    expect(nlReference.referenceBetween(at('2026-11-30T10:00'), at('2026-11-27T16:00'))).to.equal(-120 * MINUTE_MS);
    expect(nlReference.referenceAddAll(at('2026-11-27T16:00'), 120)[120]).to.equal(at('2026-11-30T10:00'));
    expect(nlReference.referenceBetweenAll(at('2026-11-27T16:00'), at('2026-11-30T10:00'))).to.have.length(66 * 60 + 1); // 66 hours of minutes, both ends
  });

  it('gives a window its real length on DST nights', () => {
    const night = slowBusinessCalendar({
      zone: 'Europe/Amsterdam',
      week: Array.from({ length: 7 }, () => [{ startMinute: 0, endMinute: 240 }]),
      isClosed: () => false,
    });
    const day = (iso: string) => night.referenceBetween(at(iso), at(iso) + 24 * HOUR_MS - HOUR_MS) / MINUTE_MS;
    expect(day('2026-03-29T00:00')).to.equal(180); // spring forward: 02:00-03:00 does not exist
    expect(day('2026-10-25T00:00')).to.equal(300); // fall back: 02:00-03:00 happens twice
    expect(day('2026-06-01T00:00')).to.equal(240);
  });

  it('knows the same Dutch holidays on working days as the shipped nl-office calendar', () => {
    for (let year = NL_REFERENCE_YEARS.first; year <= NL_REFERENCE_YEARS.last; year += 1) {
      for (let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'UTC' }); day.year === year; day = day.plus({ days: 1 })) {
        if (day.weekday > 5) continue;
        const date = day.toISODate()!;
        expect(nlOffice.closedReason(date) !== undefined, `${date}: shipped ${nlOffice.closedReason(date)}`).to.equal(isDutchHoliday(date));
      }
    }
  });
});

describe('business time: engine against the reference', () => {
  it('1. add matches referenceAdd on the shipped nl-office calendar', () => {
    fc.assert(
      fc.property(startMinute('Europe/Amsterdam'), fc.integer({ min: 0, max: 3 * 480 }), (start, minutes) => {
        checkAddAgainstReference(nlOffice, nlReference, start, minutes, 'nl-office');
      }),
      { numRuns: RUNS.nlAdd },
    );
  });

  it('2. add matches referenceAdd on random calendars', () => {
    fc.assert(
      fc.property(
        scenario(),
        fc.integer({ min: -DAY_MINUTES, max: 3 * DAY_MINUTES }),
        fraction,
        (s, offset, share) => {
          const b = build(s);
          checkAddAgainstReference(b.calendar, b.reference, s.base + offset * MINUTE_MS, Math.round(share * referenceBudget(b)), describeScenario(s));
        },
      ),
      { numRuns: RUNS.randomAdd },
    );
  });

  it('3. between matches referenceBetween on nl-office and on random calendars', () => {
    fc.assert(
      fc.property(startMinute('Europe/Amsterdam'), fc.integer({ min: -3 * DAY_MINUTES, max: 3 * DAY_MINUTES }), (a, span) => {
        checkBetweenAgainstReference(nlOffice, nlReference, a, a + span * MINUTE_MS, 'nl-office');
      }),
      { numRuns: RUNS.nlBetween },
    );
    fc.assert(
      fc.property(scenario(), fc.integer({ min: -DAY_MINUTES, max: 2 * DAY_MINUTES }), fc.integer({ min: -3 * DAY_MINUTES, max: 3 * DAY_MINUTES }), (s, offset, span) => {
        const b = build(s);
        const a = s.base + offset * MINUTE_MS;
        checkBetweenAgainstReference(b.calendar, b.reference, a, a + span * MINUTE_MS, describeScenario(s));
      }),
      { numRuns: RUNS.randomBetween },
    );
  });

  it('3. between matches the reference to the ms, for any ms near window edges', () => {
    const check = (calendar: BusinessCalendar, reference: SlowBusinessCalendar, a: number, length: number, what: string) => {
      const b = a + length;
      const expected = reference.referenceBetween(a, b);
      const at = `${what}: between(${local(a, reference.zone)} [${a}], ${local(b, reference.zone)} [${b}])`;
      expect(calendar.between(a, b), at).to.equal(expected);
      expect(calendar.between(b, a), `${at} reversed`).to.equal(-expected);
      for (const x of [a - 1, a, a + 1]) {
        expect(calendar.between(x, x + 1), `${what}: between(x, x + 1) at x = ${local(x, reference.zone)} [${x}]`).to.equal(reference.isBusinessInstant(x) ? 1 : 0);
      }
    };
    const nlNearEdge = fc.oneof(
      { weight: 1, arbitrary: startMs('Europe/Amsterdam') },
      { weight: 3, arbitrary: msNearEdge('Europe/Amsterdam', startMinute('Europe/Amsterdam'), [540, 1020]) },
    );
    const length = fc.oneof(fc.integer({ min: 0, max: 2 * DAY_MINUTES * MINUTE_MS }), fc.integer({ min: 0, max: 2 * MINUTE_MS }));
    fc.assert(
      fc.property(nlNearEdge, length, (a, ms) => check(nlOffice, nlReference, a, ms, 'nl-office')),
      { numRuns: RUNS.nlBetweenMs },
    );
    fc.assert(
      fc.property(
        scenario().chain((s) => fc.tuple(fc.constant(s), randomStart(s), length)),
        ([s, a, ms]) => {
          const b = build(s);
          check(b.calendar, b.reference, a, ms, describeScenario(s));
        },
      ),
      { numRuns: RUNS.randomBetweenMs },
    );
  });

  it('9. deadlines across the year boundary (New Year closed) agree with the reference', () => {
    const newYearsEves = (zone: string) => fc.constantFrom(...yearEnds(zone, 2024, LAST_YEAR));
    // nl-office: starts from three days before to one day after New Year's Day, up to three working days.
    fc.assert(
      fc.property(
        newYearsEves('Europe/Amsterdam'),
        fc.integer({ min: -3 * DAY_MINUTES, max: DAY_MINUTES }),
        fc.integer({ min: 0, max: 3 * 480 }),
        fc.integer({ min: 0, max: 1.5 * DAY_MINUTES }),
        (eve, offset, minutes, span) => {
          const start = eve + DAY_MINUTES * MINUTE_MS + offset * MINUTE_MS;
          checkAddAgainstReference(nlOffice, nlReference, start, minutes, 'nl-office');
          checkBetweenAgainstReference(nlOffice, nlReference, start - span * MINUTE_MS, start + span * MINUTE_MS, 'nl-office');
        },
      ),
      { numRuns: RUNS.nlYearEnd },
    );
    // Random calendars whose base is 31 December, with 1 January of the next year closed.
    fc.assert(
      fc.property(
        scenario({
          base: (zone) => newYearsEves(zone),
          alwaysClosed: (base, zone) => [localDate(base, zone, 1)],
        }),
        fc.integer({ min: -2 * DAY_MINUTES, max: DAY_MINUTES }),
        fraction,
        (s, offset, share) => {
          const b = build(s);
          const start = s.base + offset * MINUTE_MS;
          const minutes = Math.round(share * referenceBudget(b));
          const expected = checkAddAgainstReference(b.calendar, b.reference, start, minutes, describeScenario(s));
          checkBetweenAgainstReference(b.calendar, b.reference, start, expected[expected.length - 1]!, describeScenario(s));
        },
      ),
      { numRuns: RUNS.randomYearEnd },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Algebraic properties: any millisecond, long durations, no reference walk (except one minute).

/** Business ms up to `maxMs`: any ms, whole hours, or whole multiples of `unitMs` (a working day). */
const businessMs = (maxMs: number, unitMs: number): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: 0, max: maxMs }),
    fc.integer({ min: 0, max: Math.floor(maxMs / HOUR_MS) }).map((hours) => hours * HOUR_MS),
    fc.integer({ min: 0, max: Math.max(1, Math.floor(maxMs / unitMs)) }).map((units) => units * unitMs),
    fc.constantFrom(0, 1, MINUTE_MS),
  );

const NL_DAY_MS = 8 * HOUR_MS;
const nlDuration = businessMs(4 * 5 * NL_DAY_MS, NL_DAY_MS); // up to four working weeks
const nlStart = fc.oneof(startMs('Europe/Amsterdam'), msNearEdge('Europe/Amsterdam', startMinute('Europe/Amsterdam'), [0, 540, 1020]));

/** A random calendar and some start/duration pairs on it (the calendar is the costly part to build). */
interface LawCase {
  readonly calendar: BusinessCalendar;
  readonly reference: SlowBusinessCalendar;
  readonly name: string;
}

const randomLawCases = <T>(sample: (s: Scenario) => fc.Arbitrary<T>, count: number): fc.Arbitrary<[Scenario, T[]]> =>
  scenario().chain((s) => fc.tuple(fc.constant(s), fc.array(sample(s), { minLength: count, maxLength: count })));

/** Starts near the scenario's base (any ms, or near a window edge), durations up to four weeks of its business time. */
const randomStart = (s: Scenario): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: -2 * DAY_MINUTES * MINUTE_MS, max: 5 * DAY_MINUTES * MINUTE_MS }).map((offset) => s.base + offset),
    msNearEdge(s.zone, fc.integer({ min: -2, max: 5 }).map((days) => s.base + days * DAY_MINUTES * MINUTE_MS), edgesOf(s)),
  );
const randomDuration = (s: Scenario): fc.Arbitrary<number> =>
  businessMs(4 * sizes(s).weekMinutes * MINUTE_MS, Math.max(1, sizes(s).longestDayMinutes) * MINUTE_MS);

describe('business time: laws', () => {
  const nlCase: LawCase = { calendar: nlOffice, reference: nlReference, name: 'nl-office' };
  const caseOf = (s: Scenario): LawCase => {
    const b = build(s);
    return { calendar: b.calendar, reference: b.reference, name: describeScenario(s) };
  };

  const roundTrip = ({ calendar, name }: LawCase, a: number, d: number) => {
    expect(calendar.between(a, calendar.add(a, d)), `${name}: between(a, add(a, ${d})) from ${local(a, calendar.zone)} [${a}]`).to.equal(d);
  };
  const monotoneInDuration = ({ calendar, name }: LawCase, a: number, d1: number, d2: number) => {
    const [small, large] = d1 <= d2 ? [d1, d2] : [d2, d1];
    expect(calendar.add(a, small), `${name}: add(${a}, ${small}) <= add(${a}, ${large})`).to.be.at.most(calendar.add(a, large));
  };
  const monotoneInStart = ({ calendar, name }: LawCase, a1: number, a2: number, d: number) => {
    const [early, late] = a1 <= a2 ? [a1, a2] : [a2, a1];
    expect(calendar.add(early, d), `${name}: add(${early}, ${d}) <= add(${late}, ${d})`).to.be.at.most(calendar.add(late, d));
  };
  const earliest = ({ calendar, reference, name }: LawCase, a: number, d: number) => {
    const due = calendar.add(a, d);
    const at = `${name}: due = add(${local(a, calendar.zone)} [${a}], ${d}) = ${local(due, calendar.zone)} [${due}]`;
    if (d === 0) {
      // When work can begin: no business time before it, and working time from it on.
      expect(calendar.between(a, due), `${at}: between(a, due)`).to.equal(0);
      expect(reference.isBusinessInstant(due), `${at}: it is business time (reference)`).to.equal(true);
      expect(due, `${at}: where the first business ms begins`).to.equal(calendar.add(a, 1) - 1);
      return;
    }
    expect(reference.isBusinessInstant(due - 1), `${at}: the ms before it is business time (reference)`).to.equal(true);
    expect(calendar.between(due - 1, due), `${at}: between(due - 1, due)`).to.equal(1);
    expect(calendar.between(a, due - 1), `${at}: between(a, due - 1) < d`).to.be.below(d);
  };
  const additive = ({ calendar, name }: LawCase, a: number, d1: number, d2: number) => {
    const twoSteps = calendar.add(calendar.add(a, d1), d2);
    if (d2 > 0) expect(twoSteps, `${name}: add(add(${a}, ${d1}), ${d2}) = add(${a}, ${d1 + d2})`).to.equal(calendar.add(a, d1 + d2));
    else expect(twoSteps, `${name}: add(add(${a}, ${d1}), 0) = add(${a}, ${d1} + 1) - 1`).to.equal(calendar.add(a, d1 + 1) - 1);
  };

  it('4. round trip: between(a, add(a, d)) = d', () => {
    fc.assert(fc.property(nlStart, nlDuration, (a, d) => roundTrip(nlCase, a, d)), { numRuns: RUNS.nlRoundTrip });
    // Durations of up to three years of working time, so add and between cross several years.
    const years = businessMs(3 * 52 * 5 * NL_DAY_MS, 5 * NL_DAY_MS);
    fc.assert(fc.property(nlStart, years, (a, d) => roundTrip(nlCase, a, d)), { numRuns: RUNS.nlLongRoundTrip });
    fc.assert(
      fc.property(randomLawCases((s) => fc.tuple(randomStart(s), randomDuration(s)), LAW_SAMPLES), ([s, samples]) => {
        const c = caseOf(s);
        for (const [a, d] of samples) roundTrip(c, a, d);
      }),
      { numRuns: RUNS.randomLaws },
    );
  });

  it('5. monotonicity: in the duration and in the start', () => {
    fc.assert(fc.property(nlStart, nlDuration, nlDuration, (a, d1, d2) => monotoneInDuration(nlCase, a, d1, d2)), { numRuns: RUNS.nlLaw });
    fc.assert(
      fc.property(nlStart, fc.integer({ min: 0, max: 7 * DAY_MINUTES * MINUTE_MS }), nlDuration, (a1, gap, d) => monotoneInStart(nlCase, a1, a1 + gap, d)),
      { numRuns: RUNS.nlLaw },
    );
    fc.assert(
      fc.property(
        randomLawCases((s) => fc.tuple(randomStart(s), randomStart(s), randomDuration(s), randomDuration(s)), LAW_SAMPLES),
        ([s, samples]) => {
          const c = caseOf(s);
          for (const [a1, a2, d1, d2] of samples) {
            monotoneInDuration(c, a1, d1, d2);
            monotoneInStart(c, a1, a2, d1);
          }
        },
      ),
      { numRuns: RUNS.randomLaws },
    );
  });

  it('6. earliest instant: add(a, d) is business time just before it, and not a ms earlier reaches d', () => {
    fc.assert(fc.property(nlStart, nlDuration, (a, d) => earliest(nlCase, a, d)), { numRuns: RUNS.nlLaw });
    fc.assert(
      fc.property(randomLawCases((s) => fc.tuple(randomStart(s), randomDuration(s)), LAW_SAMPLES), ([s, samples]) => {
        const c = caseOf(s);
        for (const [a, d] of samples) earliest(c, a, d);
      }),
      { numRuns: RUNS.randomLaws },
    );
  });

  it('7. additivity: add(add(a, d1), d2) = add(a, d1 + d2) for d2 > 0, d1 = 0 included', () => {
    // d1 = 0: add(a, 0) is where work can begin, a itself or the next opening, and counting d2 from
    // there is counting it from a. The interesting case is d1 landing exactly on a closing time
    // (whole working days and hours are likely durations): the second add must count from the
    // next opening, as the single add does. d2 = 0 is not additive there: zero more work is due
    // when work can begin again, the next opening, which is where the ms after d1 begins.
    fc.assert(fc.property(nlStart, nlDuration, nlDuration, (a, d1, d2) => additive(nlCase, a, d1, d2)), { numRuns: RUNS.nlLaw });
    fc.assert(
      fc.property(
        randomLawCases((s) => fc.tuple(randomStart(s), randomDuration(s), randomDuration(s)), LAW_SAMPLES),
        ([s, samples]) => {
          const c = caseOf(s);
          for (const [a, d1, d2] of samples) additive(c, a, d1, d2);
        },
      ),
      { numRuns: RUNS.randomLaws },
    );
  });

  it('7. additivity of between: between(a, c) = between(a, b) + between(b, c), over years', () => {
    const splits = ({ calendar, name }: LawCase, a: number, b: number, c: number) => {
      expect(calendar.between(a, b) + calendar.between(b, c), `${name}: between(${a}, ${b}) + between(${b}, ${c})`).to.equal(calendar.between(a, c));
    };
    // Anywhere in 2025-2030 on nl-office, so between() also sums whole years in between.
    const anyMs = fc.integer({ min: RANGE_START, max: Date.UTC(LAST_YEAR + 3, 0, 1) });
    fc.assert(fc.property(anyMs, anyMs, anyMs, (a, b, c) => splits(nlCase, a, b, c)), { numRuns: RUNS.nlLaw });
    fc.assert(
      fc.property(randomLawCases((s) => fc.tuple(randomStart(s), randomStart(s), randomStart(s)), LAW_SAMPLES), ([s, samples]) => {
        const c = caseOf(s);
        for (const [a1, a2, a3] of samples) splits(c, a1, a2, a3);
      }),
      { numRuns: RUNS.randomLaws },
    );
  });
});

describe('business time: 24x7', () => {
  const zone = 'Europe/Amsterdam';
  const shipped = shippedCalendar('nl-24x7');
  const wallClock = new WallClockCalendar('wall', zone);
  const allWeek = Array.from({ length: 7 }, () => [{ startMinute: 0, endMinute: DAY_MINUTES }]);
  const windowed = new WindowedCalendar({ id: 'windowed-24x7', zone, week: allWeek, closedDays: () => new Map() });
  const reference = slowBusinessCalendar({ zone, week: allWeek, isClosed: () => false });

  it('8. add(a, d) = a + d and between(a, b) = b - a, also for a windowed 00:00-24:00 calendar', () => {
    fc.assert(
      fc.property(startMs(zone), fc.integer({ min: 0, max: 60 * 24 * HOUR_MS }), fc.integer({ min: -30 * 24 * HOUR_MS, max: 30 * 24 * HOUR_MS }), (a, d, span) => {
        for (const calendar of [shipped, wallClock, windowed]) {
          expect(calendar.add(a, d), calendar.id).to.equal(a + d);
          expect(calendar.between(a, a + span), calendar.id).to.equal(span);
        }
      }),
      { numRuns: RUNS.wallClock },
    );
    fc.assert(
      fc.property(minuteNear(dstTransitionDays(zone, FIRST_YEAR, LAST_YEAR)), fc.integer({ min: 0, max: 6 * 60 }), (a, minutes) => {
        expect(reference.referenceAdd(a, minutes * MINUTE_MS)).to.equal(a + minutes * MINUTE_MS);
        expect(windowed.add(a, minutes * MINUTE_MS)).to.equal(a + minutes * MINUTE_MS);
      }),
      { numRuns: RUNS.wallClockDst },
    );
  });

  it('8. 4 h from 00:30 on the night the clocks go back (2026-10-25) ends at 03:30 +01:00', () => {
    const start = DateTime.fromISO('2026-10-25T00:30', { zone }).toMillis();
    expect(local(start, zone)).to.equal('2026-10-25T00:30:00.000+02:00');
    for (const calendar of [shipped, wallClock, windowed]) {
      expect(local(calendar.add(start, 4 * HOUR_MS), zone), calendar.id).to.equal('2026-10-25T03:30:00.000+01:00');
      expect(calendar.between(start, DateTime.fromISO('2026-10-25T03:30', { zone }).toMillis()), calendar.id).to.equal(4 * HOUR_MS);
    }
    expect(local(reference.referenceAdd(start, 240 * MINUTE_MS), zone)).to.equal('2026-10-25T03:30:00.000+01:00');
  });
});

describe('business time: window edges inside the DST hours', () => {
  // Edges anywhere in the day (biased to 00:55-03:05), on the DST change days of Amsterdam, New York
  // and Sydney. The reference's definition: a minute is business time when its local time of day is
  // inside a window. So an edge in the skipped hour (spring forward) takes effect at the first local
  // time after the gap (a window from or until 02:30, which does not exist, starts or ends at 03:00),
  // and in the repeated hour (fall back) every minute whose local time is inside the window counts,
  // both times round: a window until 02:30 runs until the second 02:30; a window from 02:30 counts
  // 02:30-03:00 summer time, not the repeated 02:00-02:30, then 02:30 on in winter time.
  const anyEdge = fc.oneof(fc.integer({ min: 0, max: DAY_MINUTES }), fc.integer({ min: 55, max: 185 }), fc.constantFrom(60, 90, 120, 150, 180));
  const dstWeek = weekFrom(windowsFrom(anyEdge, sometimes));

  it('add and between match the reference', function () {
    this.timeout(120_000); // only a failure takes long: shrinking it
    fc.assert(
      fc.property(
        scenario({ zones: DST_ZONES, base: (zone) => fc.constantFrom(...dstTransitionDays(zone, FIRST_YEAR, LAST_YEAR)), week: dstWeek }),
        fc.integer({ min: -20 * 60, max: 60 }), // the day checked by between() contains the change
        fraction,
        (s, offset, share) => {
          const b = build(s);
          const start = s.base + offset * MINUTE_MS;
          checkAddAgainstReference(b.calendar, b.reference, start, Math.round(share * Math.min(referenceBudget(b), 2 * b.longestDayMinutes)), describeScenario(s));
          checkBetweenAgainstReference(b.calendar, b.reference, start, start + DAY_MINUTES * MINUTE_MS, describeScenario(s));
        },
      ),
      { numRuns: RUNS.dstEdges },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Days the clock skips or shows twice

/** Zones and local years whose days are not all one stretch of 24 hours (see the header). */
const CLOCK_CHANGE_YEARS: readonly (readonly [zone: string, firstYear: number, lastYear: number])[] = [
  ['Pacific/Apia', 2010, 2012],
  ['America/St_Johns', 2010, 2011],
  ['Pacific/Kiritimati', 1994, 1995],
  ['Pacific/Kwajalein', 1969, 1969],
  ['Pacific/Kwajalein', 1993, 1993],
  ['America/Phoenix', 1943, 1944],
  ['Asia/Kathmandu', 1985, 1986],
  ['Australia/Lord_Howe', 2025, 2026],
  ['America/Santiago', 2024, 2025],
  ['America/Havana', 2024, 2025],
  ['Asia/Gaza', 2024, 2025],
  ['America/New_York', 1883, 1883],
  ['Europe/Dublin', 1916, 1916],
  ['Africa/Monrovia', 1972, 1972],
  ['Europe/Amsterdam', 2025, 2026],
];
const CLOCK_CHANGE_ZONES = [...new Set(CLOCK_CHANGE_YEARS.map(([zone]) => zone))];

/** Every instant in the years at which the zone's offset changes, found by sampling every 6 h and bisecting (changes are days apart). */
function offsetChanges(zone: string, firstYear: number, lastYear: number): number[] {
  const offsetAt = (t: number) => DateTime.fromMillis(t, { zone }).offset;
  const changes: number[] = [];
  const step = 6 * HOUR_MS;
  for (let t = Date.UTC(firstYear, 0, 1) - DAY_MINUTES * MINUTE_MS; t < Date.UTC(lastYear + 1, 0, 2); t += step) {
    let low = t;
    let high = t + step;
    if (offsetAt(low) === offsetAt(high)) continue;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle) === offsetAt(low)) low = middle;
      else high = middle;
    }
    changes.push(high);
  }
  return changes;
}

const clockChangeAnchors = new Map<string, number[]>();
/** The zone's offset changes and New Years in its years under test. */
function clockChangeAnchorsOf(zone: string): number[] {
  let anchors = clockChangeAnchors.get(zone);
  if (!anchors) {
    anchors = CLOCK_CHANGE_YEARS.filter(([name]) => name === zone).flatMap(([, first, last]) => [
      ...offsetChanges(zone, first, last),
      ...yearEnds(zone, first, last).map((eve) => DateTime.fromMillis(eve, { zone }).plus({ days: 1 }).startOf('day').toMillis()),
    ]);
    clockChangeAnchors.set(zone, anchors);
  }
  return anchors;
}

/** A whole minute (now and then with some ms) from 30 h before to 6 h after one of the zone's anchors. */
const nearClockChange = (zone: string): fc.Arbitrary<number> =>
  fc
    .tuple(fc.constantFrom(...clockChangeAnchorsOf(zone)), fc.integer({ min: -30 * 60, max: 6 * 60 }), fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: MINUTE_MS - 1 }) }))
    .map(([anchor, minutes, ms]) => anchor - (anchor % MINUTE_MS) + minutes * MINUTE_MS + ms);

/** Window edges anywhere, biased to the times around midnight and the hours clocks change at. */
const anyTimeEdge = fc.oneof(
  fc.integer({ min: 0, max: DAY_MINUTES }),
  fc.constantFrom(0, 1, 15, 30, 45, 60, 61, 90, 120, 150, 180, 240, 540, 1020, 1380, 1381, 1410, 1439, DAY_MINUTES),
);

describe('business time: days the clock skips or shows twice', () => {
  it('add and between match the reference in zones with skipped, repeated and broken days', function () {
    this.timeout(120_000); // only a failure takes long: shrinking it
    fc.assert(
      fc.property(
        scenario({ zones: CLOCK_CHANGE_ZONES, base: nearClockChange, week: weekFrom(windowsFrom(anyTimeEdge, sometimes)), closedWithin: [-2, 2] }),
        fraction,
        (s, share) => {
          const b = build(s);
          checkAddAgainstReference(b.calendar, b.reference, s.base, Math.round(share * Math.min(referenceBudget(b), 2 * b.longestDayMinutes)), describeScenario(s));
          checkBetweenAgainstReference(b.calendar, b.reference, s.base, s.base + 2 * DAY_MINUTES * MINUTE_MS, describeScenario(s));
        },
      ),
      { numRuns: RUNS.clockChanges },
    );
  });

  it('add and between match the reference around an offset change of any IANA zone, in any year from 1850', function () {
    this.timeout(120_000); // only a failure takes long: shrinking it
    // A year without a change falls back to its New Year.
    const anyChange = (zone: string): fc.Arbitrary<number> =>
      fc
        .tuple(fc.integer({ min: 1850, max: 2037 }), fc.nat(), fc.integer({ min: -30 * 60, max: 6 * 60 }))
        .map(([year, pick, minutes]) => {
          const changes = offsetChanges(zone, year, year);
          const anchor = changes.length > 0 ? changes[pick % changes.length]! : DateTime.fromObject({ year }, { zone }).toMillis();
          return anchor - (anchor % MINUTE_MS) + minutes * MINUTE_MS;
        });
    fc.assert(
      fc.property(
        scenario({ zones: Intl.supportedValuesOf('timeZone'), base: anyChange, week: weekFrom(windowsFrom(anyTimeEdge, sometimes)), closedWithin: [-2, 2] }),
        fraction,
        (s, share) => {
          const b = build(s);
          checkAddAgainstReference(b.calendar, b.reference, s.base, Math.round(share * Math.min(referenceBudget(b), 2 * b.longestDayMinutes)), describeScenario(s));
          checkBetweenAgainstReference(b.calendar, b.reference, s.base, s.base + 2 * DAY_MINUTES * MINUTE_MS, describeScenario(s));
        },
      ),
      { numRuns: RUNS.anyZone },
    );
  });

  it('8. a 00:00-24:00 calendar is real elapsed time there too', () => {
    const allWeek = Array.from({ length: 7 }, () => [{ startMinute: 0, endMinute: DAY_MINUTES }]);
    const calendars = new Map(CLOCK_CHANGE_ZONES.map((zone) => [zone, new WindowedCalendar({ id: `all-day-${zone}`, zone, week: allWeek, closedDays: () => new Map() })]));
    fc.assert(
      fc.property(
        fc.constantFrom(...CLOCK_CHANGE_ZONES).chain((zone) => fc.tuple(fc.constant(zone), nearClockChange(zone), fc.integer({ min: 0, max: 4 * 24 * HOUR_MS }))),
        ([zone, a, d]) => {
          const calendar = calendars.get(zone)!;
          expect(calendar.add(a, d), `${zone}: add(${local(a, zone)}, ${d})`).to.equal(a + d);
          expect(calendar.between(a, a + d), `${zone}: between(${local(a, zone)}, +${d})`).to.equal(d);
        },
      ),
      { numRuns: RUNS.clockChangesWallClock },
    );
  });
});
