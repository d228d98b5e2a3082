/**
 * `api`: `GET /api/issues?state=at-risk&limit=100` (one page; a bridge without pages answers the
 * whole list, and the JSON says `paginated: false`) while the bridge keeps `issues` open issues, one in ten of
 * them past a warning (created three hours ago on the shipped megabite-standard contract: P1, 4 h
 * round the clock, warnings at 50/75/90%). The issues are applied by a worker bridge first; an
 * API-only bridge in this process then answers `requests` sequential calls, while the event loop's
 * longest stall is watched (perf_hooks). The whole at-risk list and the full list
 * (`GET /api/issues`) are timed alongside, interleaved.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { spawnRedis } from '../../test/support/redis-server.js';
import { benchBridge, fillIngest, waitForApplied } from '../lib/bench-bridge.js';
import { type Bench, percentile, round } from '../lib/report.js';

const PREFIX = 'bench-api';
const TOKEN = 'bench-api-token-0123456789abcdef';
const PAGE = 100;

async function timed(url: string): Promise<{ ms: number; bytes: number; total: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return { ms, bytes: text.length, total: (JSON.parse(text) as { total: number }).total };
}

export const apiBench: Bench = async ({ quick }) => {
  const issues = quick ? 300 : 20_500;
  const atRisk = Math.round(issues / 10);
  const requests = quick ? 10 : 60;
  const redis = await spawnRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const worker = await benchBridge(redis.url, PREFIX, 'worker');
    try {
      await fillIngest(redis.url, PREFIX, atRisk, Date.now() - 3 * 3_600_000, 0);
      await fillIngest(redis.url, PREFIX, issues - atRisk, Date.now(), atRisk);
      await waitForApplied(client, PREFIX, 600_000);
    } finally {
      await worker.close();
    }
    const api = await benchBridge(redis.url, PREFIX, 'api', { apiToken: TOKEN });
    try {
      const wholeAtRiskUrl = `${api.url}/api/issues?state=at-risk`;
      const pageProbe = await fetch(`${wholeAtRiskUrl}&limit=${PAGE}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await pageProbe.arrayBuffer();
      const paginated = pageProbe.status === 200;
      const atRiskUrl = paginated ? `${wholeAtRiskUrl}&limit=${PAGE}` : wholeAtRiskUrl;
      const listUrl = `${api.url}/api/issues`;
      await timed(atRiskUrl);
      const wholeRuns: Awaited<ReturnType<typeof timed>>[] = [];
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const atRiskRuns: Awaited<ReturnType<typeof timed>>[] = [];
      const listRuns: Awaited<ReturnType<typeof timed>>[] = [];
      for (let index = 0; index < requests; index += 1) {
        atRiskRuns.push(await timed(atRiskUrl));
        if (index % 5 === 0) listRuns.push(await timed(listUrl));
        if (paginated && index % 5 === 2) wholeRuns.push(await timed(wholeAtRiskUrl));
      }
      loop.disable();
      const maxStallMs = loop.max / 1e6;
      const row = (name: string, runs: Awaited<ReturnType<typeof timed>>[]) => [
        name,
        runs.length.toString(),
        percentile(runs.map((run) => run.ms), 50).toFixed(1),
        percentile(runs.map((run) => run.ms), 99).toFixed(1),
        `${Math.round(runs[0]!.bytes / 1024)} kB`,
        runs[0]!.total.toLocaleString('en'),
      ];
      return {
        headline: { at_risk_p99_ms: round(percentile(atRiskRuns.map((run) => run.ms), 99), 1), event_loop_max_stall_ms: round(maxStallMs, 0) },
        table: { header: ['request', 'calls', 'p50 ms', 'p99 ms', 'body', 'total'], rows: [row(paginated ? `GET /api/issues?state=at-risk&limit=${PAGE}` : 'GET /api/issues?state=at-risk (no pages)', atRiskRuns), ...(paginated ? [row('GET /api/issues?state=at-risk', wholeRuns)] : []), row('GET /api/issues', listRuns)] },
        raw: { issues, atRisk, paginated, page: PAGE, wholeAtRiskMs: wholeRuns.map((run) => run.ms), atRiskMs: atRiskRuns.map((run) => run.ms), listMs: listRuns.map((run) => run.ms), atRiskBytes: atRiskRuns[0]!.bytes, listBytes: listRuns[0]!.bytes, maxStallMs },
        notes: [`${issues.toLocaleString('en')} open issues, ${atRisk.toLocaleString('en')} of them at risk; longest event-loop stall during the calls ${maxStallMs.toFixed(0)} ms`],
      };
    } finally {
      await api.close();
    }
  } finally {
    client.disconnect();
    await redis.stop();
  }
};
