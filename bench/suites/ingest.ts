/**
 * `ingest`: accepted webhooks per second through `serve` (the HTTP side and the workers in one
 * process, as `sla-bridge serve` runs) and `--role api` (the HTTP side alone), against a bare
 * express 5 app that verifies the same HMAC and parses the same JSON, all three on this machine in
 * the same run: rounds interleaved (the order rotates), medians reported. The load is the recorded
 * Jira Cloud `jira:issue_created` delivery, each a new issue, from 32 clients at once on kept-alive
 * connections. Each server runs in its own process, whose CPU time per request is measured; after
 * a `serve` round the next waits until its workers have applied what it accepted, so no round
 * pays for the one before.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE } from '../../src/app/jobs/pipeline.js';
import { spawnRedis } from '../../test/support/redis-server.js';
import { DEMO_SECRETS } from '../../test/support/shipped-config.js';
import type { IngestServerKind, IngestServerMessage } from '../lib/ingest-server.js';
import { issueCreatedWebhooks } from '../lib/jira-webhooks.js';
import { runLoad } from '../lib/load.js';
import { type Bench, median, percentile, round } from '../lib/report.js';

export const CONCURRENCY = 32;
const KINDS: readonly IngestServerKind[] = ['bare', 'serve', 'api'];

export interface Server {
  readonly kind: IngestServerKind;
  readonly child: ChildProcess;
  readonly url: string;
}

/** `root`: the checkout whose server runs (bench/compare.ts runs another one's next to this one's). */
export function startServer(kind: IngestServerKind, redisUrl: string, root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'), prefix = `bench-${kind}`): Promise<Server> {
  const script = path.join(root, 'bench/lib/ingest-server.ts');
  const child = fork(script, [kind, redisUrl, prefix], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: IngestServerMessage) => ('url' in message ? resolve({ kind, child, url: message.url }) : reject(new Error('unexpected message'))));
    child.once('exit', (code) => reject(new Error(`the ${kind} server exited with ${code}`)));
  });
}

export function usage(server: Server): Promise<{ cpuUs: number; rssMb: number }> {
  return new Promise((resolve) => {
    server.child.once('message', (message: IngestServerMessage) => {
      if ('cpu' in message) resolve({ cpuUs: message.cpu.user + message.cpu.system, rssMb: message.rssMb });
    });
    server.child.send('cpu');
  });
}

/** Deliveries queued and not yet applied. */
export async function waiting(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('wait', 'active', 'prioritized', 'delayed');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

export async function drained(queue: Queue, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'prioritized', 'delayed');
    if (Object.values(counts).every((count) => count === 0)) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error(`the serve workers did not drain the ingest queue within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface RoundFigures {
  readonly kind: IngestServerKind;
  readonly round: number;
  readonly requests: number;
  readonly requestsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  readonly rssMb: number;
  readonly statuses: Record<string, number>;
  /** serve only: how long its workers took after the load to apply the rest. */
  readonly drainS?: number;
  /** serve only: deliveries its workers had not yet applied when the load ended (the queue was empty before). */
  readonly backlog?: number;
}

export const ingestBench: Bench = async ({ quick }) => {
  const perRound = quick ? 200 : 10_000;
  const rounds = quick ? 2 : 3;
  const warmup = quick ? 50 : 1_000;
  const redis = await spawnRedis();
  const servers: Server[] = [];
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const serveQueue = new Queue(INGEST_QUEUE, { connection: client, prefix: 'bench-serve' });
  try {
    for (const kind of KINDS) servers.push(await startServer(kind, redis.url));
    let issue = 0;
    const batch = (count: number) => {
      const webhooks = issueCreatedWebhooks(count, issue, Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET);
      issue += count;
      return webhooks;
    };
    for (const server of servers) await runLoad(`${server.url}/webhooks/jira-demo`, batch(warmup), CONCURRENCY);
    await drained(serveQueue, 120_000);
    const figures: RoundFigures[] = [];
    for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
      const order = servers.map((_, index) => servers[(index + roundIndex) % servers.length]!);
      for (const server of order) {
        const webhooks = batch(perRound);
        const before = await usage(server);
        const run = await runLoad(`${server.url}/webhooks/jira-demo`, webhooks, CONCURRENCY);
        const after = await usage(server);
        const backlog = server.kind === 'serve' ? await waiting(serveQueue) : undefined;
        const drainS = server.kind === 'serve' ? await drained(serveQueue, 600_000) : undefined;
        const accepted = run.statuses['202'] ?? 0;
        if (accepted !== run.requests) throw new Error(`${server.kind}: ${JSON.stringify(run.statuses)} of ${run.requests} requests`);
        figures.push({
          kind: server.kind,
          round: roundIndex,
          requests: run.requests,
          requestsPerS: run.requests / run.seconds,
          p50Ms: percentile(run.latenciesMs, 50),
          p99Ms: percentile(run.latenciesMs, 99),
          cpuUsPerRequest: (after.cpuUs - before.cpuUs) / run.requests,
          rssMb: after.rssMb,
          statuses: run.statuses,
          ...(drainS === undefined ? {} : { drainS }),
          ...(backlog === undefined ? {} : { backlog }),
        });
      }
    }
    const of = (kind: IngestServerKind, pick: (figure: RoundFigures) => number) => median(figures.filter((figure) => figure.kind === kind).map(pick));
    const bareRate = of('bare', (figure) => figure.requestsPerS);
    const rows = KINDS.map((kind) => [
      kind === 'serve' ? 'serve (HTTP + workers)' : kind === 'api' ? '--role api' : 'bare express 5',
      Math.round(of(kind, (figure) => figure.requestsPerS)).toLocaleString('en'),
      `${Math.round((100 * of(kind, (figure) => figure.requestsPerS)) / bareRate)}%`,
      of(kind, (figure) => figure.p50Ms).toFixed(1),
      of(kind, (figure) => figure.p99Ms).toFixed(1),
      Math.round(of(kind, (figure) => figure.cpuUsPerRequest)).toString(),
      kind === 'serve' ? Math.round(perRound / (perRound / of(kind, (figure) => figure.requestsPerS) + of(kind, (figure) => figure.drainS ?? 0))).toLocaleString('en') : '',
      kind === 'serve' ? Math.round(of(kind, (figure) => ((figure.requests - (figure.backlog ?? 0)) * figure.requestsPerS) / figure.requests)).toLocaleString('en') : '',
      kind === 'serve' ? Math.round(of(kind, (figure) => figure.backlog ?? 0)).toLocaleString('en') : '',
    ]);
    return {
      headline: {
        ratio_to_bare_express: round(of('serve', (figure) => figure.requestsPerS) / bareRate, 3),
        p99_ms: round(of('serve', (figure) => figure.p99Ms), 2),
        requests_per_s: Math.round(of('serve', (figure) => figure.requestsPerS)),
        cpu_us_per_request: Math.round(of('serve', (figure) => figure.cpuUsPerRequest)),
        api_role_ratio_to_bare_express: round(of('api', (figure) => figure.requestsPerS) / bareRate, 3),
        api_role_p99_ms: round(of('api', (figure) => figure.p99Ms), 2),
        api_role_cpu_us_per_request: Math.round(of('api', (figure) => figure.cpuUsPerRequest)),
        // Fair sharing inside one serve: how much of what it accepted under load its workers applied meanwhile.
        serve_backlog_after_load: Math.round(of('serve', (figure) => figure.backlog ?? 0)),
        serve_applied_during_load_per_s: Math.round(of('serve', (figure) => ((figure.requests - (figure.backlog ?? 0)) * figure.requestsPerS) / figure.requests)),
      },
      table: { header: ['server', 'req/s', 'of bare', 'p50 ms', 'p99 ms', 'CPU us/req', 'serve: applied/s incl. drain', 'serve: applied/s under load', 'serve: backlog at end'], rows },
      raw: { concurrency: CONCURRENCY, perRound, rounds, warmupPerServer: warmup, bodyBytes: batch(1)[0]!.body.length, rounds_: figures },
      notes: [
        `${rounds} rounds of ${perRound.toLocaleString('en')} jira:issue_created webhooks per server (${batch(1)[0]!.body.length} bytes each), ${CONCURRENCY} at once; medians`,
        'serve CPU includes its workers applying deliveries during the load; the load generator shares the same cores',
      ],
    };
  } finally {
    for (const server of servers) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.send('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      server.child.kill();
    }
    await serveQueue.close();
    client.disconnect();
    await redis.stop();
  }
};
