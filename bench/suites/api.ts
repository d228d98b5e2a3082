/**
 * `api`: `GET /api/issues?state=at-risk&limit=100` (one page; a bridge without pages answers the
 * whole list, and the JSON says `paginated: false`) while the bridge keeps `issues` open issues, one in ten of
 * them past a warning (created three hours ago on the shipped megabite-standard contract: P1, 4 h
 * round the clock, warnings at 50/75/90%). The issues are applied by a worker bridge first; an
 * API-only bridge in a process of its own (../lib/api-server.ts) then answers `requests` sequential
 * calls from this one, while its event loop's longest stall is watched (perf_hooks). The whole
 * at-risk list and the full list (`GET /api/issues`) are timed alongside, interleaved.
 * After each call, outside its timing, the client collects its own garbage: the whole list is a
 * 13 MB string here, and collecting it during the next call was that call's p99 (30-40 ms, against
 * 10-15 ms with the client's heap collected; the bridge's stalls were the same). The bridge's own
 * garbage stays in its figures. `BENCH_API_IN_PROCESS=1` runs the bridge in this process instead,
 * as the benchmark did before 3 December, and collects nothing: the client's reads and the
 * bridge's share one heap, so collecting would hide the bridge's debt.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { spawnRedis } from '../../test/support/redis-server.js';
import type { ApiServerMessage } from '../lib/api-server.js';
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
  // The total from the head of the body, not a parse of all of it: the client shares the
  // server's event loop here, and a 10 MB parse would count as the server's stall.
  const total = Number(/"total":(\d+)/.exec(text.slice(0, 200))?.[1] ?? Number.NaN);
  if (!text.endsWith('}')) throw new Error(`${url}: the body is cut off`);
  return { ms, bytes: text.length, total };
}

/** V8's full collection of this process's heap, exposed at run time (`npm run bench` passes no node flags). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The bridge answering the calls, and its event loop's longest stall since `reset`. */
interface ApiUnderTest {
  readonly url: string;
  readonly process: 'own' | 'the client\'s';
  /** Between calls: the client's garbage collected, where that leaves the bridge's alone. */
  readonly settle: () => void;
  reset(): Promise<void>;
  stallMs(): Promise<number>;
  close(): Promise<void>;
}

async function inThisProcess(redisUrl: string): Promise<ApiUnderTest> {
  const bridge = await benchBridge(redisUrl, PREFIX, 'api', { apiToken: TOKEN });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  return {
    url: bridge.url!,
    process: "the client's",
    settle: () => undefined,
    reset: async () => loop.reset(),
    stallMs: async () => loop.max / 1e6,
    close: async () => {
      loop.disable();
      await bridge.close();
    },
  };
}

async function inItsOwnProcess(redisUrl: string): Promise<ApiUnderTest> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '../lib/api-server.ts');
  const child = fork(script, [redisUrl, PREFIX, TOKEN], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the api server exited with ${String(code)}`);
  });
  exited.catch(() => undefined);
  // One question at a time, answered in order: the next message of the wanted kind.
  const answer = <K extends string>(key: K) =>
    Promise.race([
      new Promise<ApiServerMessage>((resolve) => {
        const take = (message: ApiServerMessage) => {
          if (!(key in message)) return;
          child.off('message', take);
          resolve(message);
        };
        child.on('message', take);
      }),
      exited,
    ]);
  const { url } = (await answer('url')) as { url: string };
  return {
    url,
    process: 'own',
    settle: collector(),
    reset: async () => {
      const reset = answer('reset');
      child.send('reset');
      await reset;
    },
    stallMs: async () => {
      const stall = answer('stallMs');
      child.send('stall');
      return ((await stall) as { stallMs: number }).stallMs;
    },
    close: async () => {
      const gone = once(child, 'exit');
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
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
    const api = await (process.env.BENCH_API_IN_PROCESS === '1' ? inThisProcess : inItsOwnProcess)(redis.url);
    try {
      const wholeAtRiskUrl = `${api.url}/api/issues?state=at-risk`;
      const pageProbe = await fetch(`${wholeAtRiskUrl}&limit=${PAGE}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await pageProbe.arrayBuffer();
      const paginated = pageProbe.status === 200;
      const atRiskUrl = paginated ? `${wholeAtRiskUrl}&limit=${PAGE}` : wholeAtRiskUrl;
      const listUrl = `${api.url}/api/issues`;
      // Pages of the list, unfiltered and by each indexed dimension; by metric reads the candidates' states.
      const pageUrls = [`${listUrl}?limit=${PAGE}`, `${listUrl}?contract=megabite-standard&limit=${PAGE}`, `${listUrl}?source=jira-demo&limit=${PAGE}`, `${listUrl}?priority=P1&limit=${PAGE}`, `${listUrl}?assignee=nobody%40example.com&limit=${PAGE}`];
      const metricUrl = `${listUrl}?metric=reaction&limit=${PAGE}`;
      await timed(atRiskUrl);
      // The longest stall seen during each kind of call: reset before it, read after it.
      const stalls = new Map<string, number>();
      const watched = async (kind: string, url: string) => {
        await api.reset();
        const run = await timed(url);
        stalls.set(kind, Math.max(stalls.get(kind) ?? 0, await api.stallMs()));
        api.settle();
        return run;
      };
      const atRiskRuns: Awaited<ReturnType<typeof timed>>[] = [];
      const pageRuns: Awaited<ReturnType<typeof timed>>[] = [];
      const metricRuns: Awaited<ReturnType<typeof timed>>[] = [];
      const wholeRuns: Awaited<ReturnType<typeof timed>>[] = [];
      const listRuns: Awaited<ReturnType<typeof timed>>[] = [];
      for (let index = 0; index < requests; index += 1) {
        atRiskRuns.push(await watched('at-risk page', atRiskUrl));
        pageRuns.push(await watched('list pages', pageUrls[index % pageUrls.length]!));
        if (index % 5 === 0) listRuns.push(await watched('whole list', listUrl));
        if (index % 5 === 1) metricRuns.push(await watched('metric page', metricUrl));
        if (paginated && index % 5 === 2) wholeRuns.push(await watched('whole at-risk list', wholeAtRiskUrl));
      }
      const pageStallMs = Math.max(stalls.get('at-risk page') ?? 0, stalls.get('list pages') ?? 0, stalls.get('metric page') ?? 0);
      const maxStallMs = Math.max(...stalls.values());
      const row = (name: string, runs: Awaited<ReturnType<typeof timed>>[], stall: string) => [
        name,
        runs.length.toString(),
        percentile(runs.map((run) => run.ms), 50).toFixed(1),
        percentile(runs.map((run) => run.ms), 99).toFixed(1),
        `${Math.round(runs[0]!.bytes / 1024)} kB`,
        runs[0]!.total.toLocaleString('en'),
        (stalls.get(stall) ?? 0).toFixed(0),
      ];
      return {
        headline: {
          at_risk_p99_ms: round(percentile(atRiskRuns.map((run) => run.ms), 99), 1),
          list_p99_ms: round(percentile(pageRuns.map((run) => run.ms), 99), 1),
          // Over the calls for a page (at risk, the list, by dimension, by metric); the whole lists apart.
          event_loop_max_ms: round(pageStallMs, 0),
          whole_list_event_loop_max_ms: round(Math.max(stalls.get('whole list') ?? 0, stalls.get('whole at-risk list') ?? 0), 0),
        },
        table: {
          header: ['request', 'calls', 'p50 ms', 'p99 ms', 'body', 'total', 'longest stall ms'],
          rows: [
            row(paginated ? `GET /api/issues?state=at-risk&limit=${PAGE}` : 'GET /api/issues?state=at-risk (no pages)', atRiskRuns, 'at-risk page'),
            row(`GET /api/issues?limit=${PAGE} (and by contract, source, priority, assignee)`, pageRuns, 'list pages'),
            row(`GET /api/issues?metric=reaction&limit=${PAGE}`, metricRuns, 'metric page'),
            ...(paginated ? [row('GET /api/issues?state=at-risk', wholeRuns, 'whole at-risk list')] : []),
            row('GET /api/issues', listRuns, 'whole list'),
          ],
        },
        raw: { issues, atRisk, paginated, bridgeProcess: api.process, page: PAGE, stallsMs: Object.fromEntries(stalls), wholeAtRiskMs: wholeRuns.map((run) => run.ms), atRiskMs: atRiskRuns.map((run) => run.ms), pageMs: pageRuns.map((run) => run.ms), metricMs: metricRuns.map((run) => run.ms), listMs: listRuns.map((run) => run.ms), atRiskBytes: atRiskRuns[0]!.bytes, listBytes: listRuns[0]!.bytes, maxStallMs, loadAverage: os.loadavg() },
        notes: [`${issues.toLocaleString('en')} open issues, ${atRisk.toLocaleString('en')} of them at risk; the bridge in ${api.process === 'own' ? 'its own process' : "the client's process"}; longest event-loop stall during the page calls ${pageStallMs.toFixed(0)} ms, during any call ${maxStallMs.toFixed(0)} ms; load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`],
      };
    } finally {
      await api.close();
    }
  } finally {
    client.disconnect();
    await redis.stop();
  }
};
