/**
 * `npm run bench` runs every benchmark, `npm run bench -- <name> [<name>…]` the ones named;
 * `--quick` runs each in seconds (the test suite does that once, so no benchmark rots), `--out
 * DIR` writes the results elsewhere than bench/results/. Each benchmark prints its table and
 * writes `<name>.json`: its headline figures, the raw data and the machine it ran on.
 *
 * The older single-purpose benchmarks run under their own names as they always did (a table on
 * stdout, no JSON): `deadline`, `webhook`, `timer-lateness`, `chat-isolation`, `retention`,
 * `reload`, `appendfsync`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/project-root.js';
import { type Bench, formatTable, redisVersion, resultsDir, writeResult } from './lib/report.js';

/** Loaded only when run: each benchmark sets up what it measures at import. */
const SUITES: Record<string, () => Promise<Bench>> = {
  calendar: async () => (await import('./suites/calendar.js')).calendarBench,
  ingest: async () => (await import('./suites/ingest.js')).ingestBench,
  apply: async () => (await import('./suites/apply.js')).applyBench,
  timers: async () => (await import('./suites/timers.js')).timersBench,
  memory: async () => (await import('./suites/memory.js')).memoryBench,
  api: async () => (await import('./suites/api.js')).apiBench,
  'what-if': async () => (await import('./suites/what-if.js')).whatIfBench,
};

const SCRIPTS: Record<string, string> = {
  deadline: 'deadline.bench.ts',
  webhook: 'webhook.bench.ts',
  'timer-lateness': 'timers.bench.ts',
  'chat-isolation': 'chat-isolation.bench.ts',
  retention: 'retention.bench.ts',
  reload: 'reload.bench.ts',
  appendfsync: 'appendfsync.bench.ts',
};
/** What `npm run bench` alone runs besides the suites: `deadline` is `calendar`'s table, `appendfsync` syncs a disk for minutes. */
const SCRIPTS_IN_ALL = ['webhook', 'timer-lateness', 'chat-isolation', 'retention', 'reload'];

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run bench -- [--quick] [--out DIR] [${[...Object.keys(SUITES), ...Object.keys(SCRIPTS)].join('|')} …]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let quick = false;
let out = resultsDir();
const names: string[] = [];
for (let index = 0; index < args.length; index += 1) {
  const arg = args[index]!;
  if (arg === '--quick') quick = true;
  else if (arg === '--out') out = path.resolve(args[++index] ?? usage('--out needs a directory'));
  else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
  else if (arg in SUITES || arg in SCRIPTS) names.push(arg);
  else usage(`no benchmark named "${arg}"`);
}
const chosen = names.length > 0 ? names : [...Object.keys(SUITES), ...(quick ? [] : SCRIPTS_IN_ALL)];
const redis = await redisVersion();
let failed = 0;
for (const name of chosen) {
  const script = SCRIPTS[name];
  if (script) {
    console.log(`\n== ${name} (bench/${script})`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'bench', script)], { stdio: 'inherit' });
    if (run.status !== 0) failed += 1;
    continue;
  }
  console.log(`\n== ${name}${quick ? ' (quick)' : ''}`);
  try {
    const bench = await SUITES[name]!();
    const result = await bench({ quick });
    console.log(formatTable(result.table.header, result.table.rows));
    for (const note of result.notes ?? []) console.log(note);
    console.log(`headline: ${JSON.stringify(result.headline)}`);
    console.log(`written: ${path.relative(process.cwd(), writeResult(name, result, { quick }, redis, out))}`);
  } catch (error) {
    failed += 1;
    console.error(`bench ${name} failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
