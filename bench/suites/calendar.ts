/**
 * `calendar`: deadline throughput on the shipped `nl-office` calendar, our engine against
 * moment-business-time, the library a user would otherwise reach for, on the same start instants
 * and the same holidays. Reports ratios and how often the two agree; the goal is at least 20x its
 * throughput. It never fails on a missed goal: a benchmark is too noisy to gate a build on.
 *
 * Run with `npm run bench -- calendar` (bench/deadline.bench.ts prints the same table alone).
 */
import path from 'node:path';
import { DateTime } from 'luxon';
// moment-business-time patches `moment.fn` of the one `moment` package that moment-timezone also
// wraps, so zoned moments get addWorkingTime. Every step it takes (clone, add by day, set hour,
// format) respects the moment's zone, so its answers do not depend on the process's TZ: this bench
// prints the same agreement under TZ=UTC and TZ=America/New_York, and plain moment() under
// TZ=Europe/Amsterdam gives the same instants.
import moment from 'moment-timezone';
import 'moment-business-time';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { BusinessCalendar } from '../../src/domain/business-calendar.js';
import { projectRoot } from '../../src/project-root.js';
import { type Bench, median, round } from '../lib/report.js';

declare module 'moment' {
  interface Moment {
    addWorkingTime(amount: number, unit: 'hours'): Moment;
  }
}

const ZONE = 'Europe/Amsterdam';
const HOUR_MS = 3_600_000;
const INPUT_COUNT = 2000;
const FIRST_DAY = DateTime.fromISO('2025-01-01', { zone: ZONE });
const INPUT_DAYS = 3 * 365; // 2025-2027
// The latest 2w deadline from a start in 2027 ends in mid-January 2028; checked below.
const HOLIDAYS_UNTIL = DateTime.fromISO('2028-02-01', { zone: ZONE });
// Reading the clock once per chunk keeps its cost out of the fast side's numbers.
const CHUNK = 128;
const GOAL_RATIO = 20;

function nlOffice(): BusinessCalendar {
  const calendar = loadBridgeConfig(path.join(projectRoot(), 'config'), {}, { sources: false }).calendars.get('nl-office');
  if (!calendar) throw new Error('calendar nl-office is missing from config/calendars');
  return calendar;
}
const calendar = nlOffice();

// Ask our calendar for its closed days, so moment-business-time gets exactly the same holidays.
// Weekend ones are left out: they cannot change an answer, and each entry costs moment-business-time
// a glob match on every day it looks at.
const holidays: string[] = [];
for (let day = FIRST_DAY; day < HOLIDAYS_UNTIL; day = day.plus({ days: 1 })) {
  const date = day.toISODate()!;
  if (day.weekday <= 5 && calendar.closedReason(date) !== undefined) holidays.push(date);
}
moment.updateLocale(moment.locale(), {
  workinghours: {
    0: null,
    1: ['09:00:00', '17:00:00'],
    2: ['09:00:00', '17:00:00'],
    3: ['09:00:00', '17:00:00'],
    4: ['09:00:00', '17:00:00'],
    5: ['09:00:00', '17:00:00'],
    6: null,
  },
  holidays,
});

/** mulberry32: a tiny seeded PRNG, so every run and both libraries see the same inputs. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeInputs(): Float64Array {
  const random = prng(20250101);
  const pick = (n: number): number => Math.floor(random() * n);
  const holidaySet = new Set(holidays);
  const anyDay = (): DateTime => FIRST_DAY.plus({ days: pick(INPUT_DAYS) });
  const workingDay = (): DateTime => {
    for (;;) {
      const day = anyDay();
      if (day.weekday <= 5 && !holidaySet.has(day.toISODate()!)) return day;
    }
  };
  const inputHolidays = holidays.filter((date) => date < '2028');
  const at = (day: DateTime, minute: number): number =>
    day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();

  const inputs = new Float64Array(INPUT_COUNT);
  for (let i = 0; i < INPUT_COUNT; i += 1) {
    const kind = random();
    if (kind < 0.55) inputs[i] = at(workingDay(), 9 * 60 + pick(8 * 60)); // during office hours
    else if (kind < 0.65) inputs[i] = at(workingDay(), 9 * 60); // exactly at opening
    else if (kind < 0.75) inputs[i] = at(workingDay(), 17 * 60); // exactly at closing
    else if (kind < 0.8) inputs[i] = at(DateTime.fromISO(inputHolidays[pick(inputHolidays.length)]!, { zone: ZONE }), pick(1440)); // on a holiday
    else inputs[i] = at(anyDay(), pick(1440)); // any time: mostly nights and weekends
  }
  return inputs;
}

type Deadline = (start: number) => number;

const targets = [
  { name: '8h', hours: 8 },
  { name: '2d', hours: 16 },
  { name: '1w', hours: 40 },
  { name: '2w', hours: 80 },
];

function ours(hours: number): Deadline {
  const businessMs = hours * HOUR_MS;
  return (start) => calendar.add(start, businessMs);
}

function theirs(hours: number): Deadline {
  return (start) => moment.tz(start, ZONE).addWorkingTime(hours, 'hours').valueOf();
}

let blackhole = 0; // results feed this so no call can be optimised away

/** Runs for the time budget, and at least once over every input so the slow side is not timed on a subset. */
function opsPerSecond(deadline: Deadline, inputs: Float64Array, budgetNs: bigint): number {
  let ops = 0;
  let next = 0;
  let elapsed = 0n;
  const began = process.hrtime.bigint();
  do {
    for (let k = 0; k < CHUNK; k += 1) {
      blackhole += deadline(inputs[next]!);
      next = next + 1 === inputs.length ? 0 : next + 1;
    }
    ops += CHUNK;
    elapsed = process.hrtime.bigint() - began;
  } while (elapsed < budgetNs || ops < inputs.length);
  return ops / (Number(elapsed) / 1e9);
}

const local = (instant: number): string => DateTime.fromMillis(instant, { zone: ZONE }).toFormat('ccc yyyy-MM-dd HH:mm');

/** Each round times every target on both sides in turn (ours first in odd rounds, theirs in even ones); the medians are reported. */
export const calendarBench: Bench = async ({ quick }) => {
  const inputs = makeInputs();
  const rounds = quick ? 2 : 5;
  const budgetNs = quick ? 40_000_000n : 300_000_000n;
  const rows: string[][] = [];
  const samples: string[] = [];
  const raw: Record<string, unknown>[] = [];
  let agreeAll = 0;
  let comparedAll = 0;
  const ratios: number[] = [];
  for (const target of targets) {
    const mine = ours(target.hours);
    const other = theirs(target.hours);
    // The agreement pass doubles as warm-up: our year tables get built, both sides get JIT-compiled.
    let agree = 0;
    let dueAtClosing = 0;
    const disagreements: string[] = [];
    for (const start of inputs) {
      const a = mine(start);
      const b = other(start);
      if (a >= HOLIDAYS_UNTIL.toMillis()) throw new Error(`deadline ${local(a)} is past the holidays given to moment-business-time`);
      if (a === b) agree += 1;
      else disagreements.push(`${target.name} from ${local(start)}: ours ${local(a)}, moment-business-time ${local(b)}`);
      if (DateTime.fromMillis(a, { zone: ZONE }).toFormat('HH:mm') === '17:00') dueAtClosing += 1;
    }
    samples.push(...disagreements.slice(0, 3));
    agreeAll += agree;
    comparedAll += inputs.length;
    const oursOps: number[] = [];
    const theirOps: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 0) {
        oursOps.push(opsPerSecond(mine, inputs, budgetNs));
        theirOps.push(opsPerSecond(other, inputs, budgetNs));
      } else {
        theirOps.push(opsPerSecond(other, inputs, budgetNs));
        oursOps.push(opsPerSecond(mine, inputs, budgetNs));
      }
    }
    const ratio = median(oursOps) / median(theirOps);
    ratios.push(ratio);
    raw.push({ target: target.name, oursOpsPerS: oursOps, theirOpsPerS: theirOps, agree, inputs: inputs.length, dueAtClosing });
    rows.push([
      target.name,
      Math.round(median(oursOps)).toLocaleString('en'),
      Math.round(median(theirOps)).toLocaleString('en'),
      `${ratio.toFixed(1)}x`,
      `${agree}/${inputs.length}`,
      ratio >= GOAL_RATIO ? 'met' : 'not met',
    ]);
  }
  if (Number.isNaN(blackhole)) samples.push('(unreachable)');
  return {
    headline: { speedup_vs_moment_business_time: round(median(ratios)), agreement: round(agreeAll / comparedAll, 4) },
    table: { header: ['target', 'ours ops/s', 'moment-business-time ops/s', 'ratio', 'agreement', `goal ${GOAL_RATIO}x`], rows },
    raw: { rounds, budgetMs: Number(budgetNs / 1_000_000n), weekdayHolidays: holidays.length, targets: raw, sampleDisagreements: samples },
    notes: [
      `${inputs.length} start instants 2025-2027 (55% in office hours, 10% at 09:00, 10% at 17:00, 5% on holidays, 20% any time), ${holidays.length} weekday holidays given to both sides`,
      `${rounds} interleaved rounds of ${Number(budgetNs / 1_000_000n)} ms per side per target; medians; speedup is the median over the targets`,
      ...(samples.length > 0 ? ['sample disagreements (Amsterdam time):', ...samples.map((sample) => `  ${sample}`)] : ['no disagreements']),
    ],
  };
};
