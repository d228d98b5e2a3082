/**
 * `what-if`: a year of one contract recomputed under a changed file, as `sla-bridge what-if` and
 * POST /api/what-if do it (runWhatIf over the issue store), on a redis-server holding `issues`
 * issues of the shipped open2bizz-saas contract spread over 2026 (P1-P4, reacted to after 0-12
 * business hours, most resolved) and a tenth as many of another project that the run must skip.
 * Timed: the whole run (listing, batch reads of states and logs, both computations, the tally),
 * for a changed contract (P2 reaction 4h instead of 8h) and a changed calendar (Good Friday closed).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { runWhatIf, WHAT_IF_BATCH } from '../../src/app/what-if/what-if-run.js';
import { applyWhatIfFile } from '../../src/config/what-if-file.js';
import { issueEventSchema, type IssueEventInput } from '../../src/domain/issue-event.js';
import { runClock } from '../../src/domain/sla-clock.js';
import { projectRoot } from '../../src/project-root.js';
import { spawnRedis } from '../../test/support/redis-server.js';
import { type Bench, median, round } from '../lib/report.js';

const PREFIX = 'bench-what-if';
const HOUR = 3_600_000;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_MS = 365 * 24 * HOUR;

/** A small deterministic generator, so every run seeds the same issues. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function events(next: () => number, project: string, created: number) {
  const priority = (['P1', 'P2', 'P2', 'P3', 'P3', 'P4'] as const)[Math.floor(next() * 6)]!;
  const reacted = created + Math.round(next() * 30 * HOUR);
  const list: IssueEventInput[] = [
    { type: 'created', at: created, project, priority, status: 'open' },
    { type: 'status_changed', at: created + Math.round(next() * HOUR), status: 'in progress' },
    { type: 'commented', at: reacted, by: 'agent' },
  ];
  if (next() < 0.8) list.push({ type: 'resolved', at: reacted + Math.round(next() * 5 * 24 * HOUR), status: 'closed' });
  return list.map((event) => issueEventSchema.parse(event));
}

export const whatIfBench: Bench = async ({ quick }) => {
  const issues = quick ? 300 : 10_000;
  const others = Math.round(issues / 10);
  const runs = quick ? 1 : 3;
  const config = loadBridgeConfig(path.join(projectRoot(), 'config'), {}, { sources: false });
  const contract = config.contracts.get('open2bizz-saas')!;
  const contractText = readFileSync(path.join(projectRoot(), 'config/contracts/open2bizz-saas.yaml'), 'utf8');
  const calendarText = readFileSync(path.join(projectRoot(), 'config/calendars/nl-office.yaml'), 'utf8');
  const files = {
    'P2 reaction 4h': applyWhatIfFile(contractText.replace('P2: 8h', 'P2: 4h'), 'open2bizz-saas.yaml', contract, config.calendars, {}),
    'Good Friday closed': applyWhatIfFile(calendarText.replace('  add:\n    - Liberation Day\n', '  add:\n    - Liberation Day\n    - Good Friday\n'), 'nl-office.yaml', contract, config.calendars, {}),
  };
  const redis = await spawnRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const store = new IssueStore(client, PREFIX);
    const now = Date.now();
    const next = random(20);
    const seeded = Array.from({ length: issues + others }, (_, index) => {
      const project = index < issues ? 'open2bizz/odoo-customer' : 'someone/else';
      return { index, project, events: events(next, project, YEAR_START + Math.floor(next() * (YEAR_MS - 10 * 24 * HOUR))) };
    });
    const contracts = [...config.contracts.values()];
    for (let start = 0; start < seeded.length; start += 200) {
      await Promise.all(
        seeded.slice(start, start + 200).map(async ({ index, events: log }) => {
          const issue = { id: String(index), key: `O2B-${index}`, title: `Issue ${index}` };
          await store.appendEvents('gitea-demo', issue, log.map((event, at) => ({ id: `${index}:${at}`, event })));
          await store.saveState({ source: 'gitea-demo', issue, sla: runClock({ source: 'gitea-demo', events: log }, contracts, now), computedAt: now, eventCount: log.length });
        }),
      );
    }
    const rows: string[][] = [];
    const raw: Record<string, { seconds: number[]; issues: number; changes: number }> = {};
    for (const [name, changed] of Object.entries(files)) {
      const seconds: number[] = [];
      let report;
      for (let run = 0; run < runs; run += 1) {
        const started = process.hrtime.bigint();
        report = await runWhatIf(store, { contract, changed, file: name, month: '2026-01', months: 12, now });
        seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      }
      raw[name] = { seconds, issues: report!.issues, changes: report!.changes.length };
      rows.push([name, report!.issues.toLocaleString('en'), String(report!.changes.length), median(seconds).toFixed(2), Math.round(report!.issues / median(seconds)).toLocaleString('en')]);
    }
    // The reads alone (every state, the candidates' logs, batch by batch): what the run spends on Redis and parsing.
    const readSeconds: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = process.hrtime.bigint();
      const listed = await store.listIssues();
      for (let start = 0; start < listed.length; start += WHAT_IF_BATCH) {
        const states = await store.loadStates(listed.slice(start, start + WHAT_IF_BATCH));
        await store.loadEventLogs(states.filter((state) => state.sla.covered && state.sla.contract === contract.id).map((state) => [state.source, state.issue.id] as const));
      }
      readSeconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    rows.push(['(reads only: states and logs)', issues.toLocaleString('en'), '', median(readSeconds).toFixed(2), Math.round(issues / median(readSeconds)).toLocaleString('en')]);
    raw['reads only'] = { seconds: readSeconds, issues, changes: 0 };
    const first = Object.values(raw)[0]!;
    const seconds = median(first.seconds);
    return {
      headline: { issues: first.issues, seconds: round(seconds, 2), issues_per_s: Math.round(first.issues / seconds) },
      table: { header: ['file', 'issues', 'outcomes changed', 'seconds (median)', 'issues/s'], rows },
      raw: { issues, others, runs, months: 12, results: raw },
      notes: [`a year (2026) of open2bizz-saas with ${issues.toLocaleString('en')} issues, ${others.toLocaleString('en')} of another project skipped; each issue computed twice (as it was, as it would have been); ${runs} run(s) each`],
    };
  } finally {
    client.disconnect();
    await redis.stop();
  }
};
