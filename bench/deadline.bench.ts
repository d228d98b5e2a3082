/**
 * Deadline throughput on the shipped `nl-office` calendar: our engine against moment-business-time,
 * the library a user would otherwise reach for, on the same start instants and the same holidays.
 * Prints ratios and how often the two agree; the goal from the issue is at least 20x its throughput.
 * It never fails on a missed goal: a benchmark is too noisy to gate a build on.
 *
 * Run with `npm run bench`.
 */
import { cpus } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
// moment-business-time patches `moment.fn` of the one `moment` package that moment-timezone also
// wraps, so zoned moments get addWorkingTime. Every step it takes (clone, add by day, set hour,
// format) respects the moment's zone, so its answers do not depend on the process's TZ: this bench
// prints the same agreement under TZ=UTC and TZ=America/New_York, and plain moment() under
// TZ=Europe/Amsterdam gives the same instants.
import moment from 'moment-timezone';
import 'moment-business-time';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { BusinessCalendar } from '../src/domain/business-calendar.js';
import { projectRoot } from '../src/project-root.js';

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
const BUDGET_NS = 750_000_000n; // per library per target
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
function opsPerSecond(deadline: Deadline, inputs: Float64Array): number {
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
  } while (elapsed < BUDGET_NS || ops < inputs.length);
  return ops / (Number(elapsed) / 1e9);
}

const local = (instant: number): string => DateTime.fromMillis(instant, { zone: ZONE }).toFormat('ccc yyyy-MM-dd HH:mm');

const inputs = makeInputs();
console.log(`deadline bench, nl-office (Mon-Fri 09:00-17:00 ${ZONE}), ${new Date().toISOString()}`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}`);
console.log(`${inputs.length} start instants 2025-2027 (55% in office hours, 10% at 09:00, 10% at 17:00, 5% on holidays, 20% any time)`);
console.log(`${holidays.length} weekday holidays given to both sides\n`);

const rows: string[][] = [];
const samples: string[] = [];
// Shows that the closing-time edge, where the two could differ, is actually in the sample.
const closingEdge: string[] = [];
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
    else disagreements.push(`  ${target.name} from ${local(start)}: ours ${local(a)}, moment-business-time ${local(b)}`);
    if (DateTime.fromMillis(a, { zone: ZONE }).toFormat('HH:mm') === '17:00') dueAtClosing += 1;
  }
  samples.push(...disagreements.slice(0, 3));
  closingEdge.push(`${target.name} ${dueAtClosing}`);

  const oursOps = opsPerSecond(mine, inputs);
  const theirOps = opsPerSecond(other, inputs);
  const ratio = oursOps / theirOps;
  rows.push([
    target.name,
    Math.round(oursOps).toLocaleString('en'),
    Math.round(theirOps).toLocaleString('en'),
    `${ratio.toFixed(1)}x`,
    `${agree}/${inputs.length}`,
    ratio >= GOAL_RATIO ? 'met' : 'not met',
  ]);
}

const header = ['target', 'ours ops/s', 'moment-business-time ops/s', 'ratio', 'agreement', `goal ${GOAL_RATIO}x`];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const line = (cells: string[]): string => cells.map((cell, column) => cell.padStart(widths[column]!)).join(' | ');
console.log(line(header));
console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
for (const row of rows) console.log(line(row));
console.log(`\ndeadlines due exactly at 17:00: ${closingEdge.join(', ')} (of ${inputs.length} each)`);
console.log(samples.length > 0 ? 'sample disagreements (Amsterdam time):' : 'no disagreements');
for (const sample of samples) console.log(sample);
if (Number.isNaN(blackhole)) console.log('(unreachable)');
