/**
 * Every benchmark of `npm run bench` runs once with --quick, so none rots: each must finish and
 * write its JSON with the headline keys the performance issue names and the machine it ran on.
 * Nothing here looks at a figure: timing claims belong in the benchmarks, not in tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../src/project-root.js';

const HEADLINES: Record<string, readonly string[]> = {
  calendar: ['speedup_vs_moment_business_time', 'agreement'],
  ingest: ['ratio_to_bare_express', 'p99_ms', 'requests_per_s', 'cpu_us_per_request'],
  apply: ['events_per_s', 'redis_commands_per_event'],
  timers: ['lateness_p99_ms', 'lateness_max_ms', 'duplicates', 'missing'],
  memory: ['redis_bytes_per_issue', 'rss_mb'],
  api: ['at_risk_p99_ms', 'list_p99_ms', 'event_loop_max_ms'],
  'what-if': ['issues', 'seconds', 'issues_per_s'],
};

const RUN_LIMIT_MS = 300_000;

function runBench(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'bench/run.ts'), '--quick', '--out', out, ...Object.keys(HEADLINES)], { cwd: projectRoot() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run bench -- --quick did not finish within ${RUN_LIMIT_MS} ms:\n${output}`));
    }, RUN_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bench -- --quick', function () {
  this.timeout(RUN_LIMIT_MS + 10_000);
  let out: string;
  let run: { code: number | null; output: string };

  before(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'sla-bench-'));
    run = await runBench(out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('finishes every benchmark without a failure', () => {
    expect(run.code, run.output).to.equal(0);
  });

  for (const [name, keys] of Object.entries(HEADLINES)) {
    it(`${name}: writes ${name}.json with its headline keys, the raw data and the machine`, () => {
      const result = JSON.parse(readFileSync(path.join(out, `${name}.json`), 'utf8')) as { bench: string; quick: boolean; headline: Record<string, unknown>; raw: unknown; machine: Record<string, unknown> };
      expect(result.bench).to.equal(name);
      expect(result.quick).to.equal(true);
      expect(result.headline).to.include.all.keys(...keys);
      for (const key of keys) expect(result.headline[key], key).to.be.a('number').and.satisfy(Number.isFinite);
      expect(result.raw).to.be.an('object');
      expect(result.machine).to.include.all.keys('cpu', 'cores', 'node', 'redis');
      expect(result.machine.redis, 'the Redis version').to.be.a('string');
    });
  }
});
