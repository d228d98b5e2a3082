/**
 * Before and after on one machine in one run: this checkout against another one (`--baseline
 * DIR`, e.g. a `git worktree` of an older commit with its node_modules), interleaved rounds,
 * medians. `ingest`: the `--role api` and `serve` servers of both, each in its own process, under
 * the same load as the ingest benchmark; `apply`: one worker bridge of each on a full queue.
 *
 *   npx tsx bench/compare.ts --baseline ../sla-bridge-old [--rounds 3] [ingest] [apply]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE } from '../src/app/jobs/pipeline.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { DEMO_SECRETS } from '../test/support/shipped-config.js';
import { issueCreatedWebhooks } from './lib/jira-webhooks.js';
import { runLoad } from './lib/load.js';
import { formatTable, median, percentile } from './lib/report.js';
import { CONCURRENCY, drained, startServer, usage, type Server } from './suites/ingest.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const baseline = path.resolve(option('--baseline') ?? '');
const rounds = Number(option('--rounds') ?? 3);
if (!existsSync(path.join(baseline, 'bench/lib/ingest-server.ts'))) {
  console.error('compare: --baseline must name a checkout with bench/lib/ingest-server.ts (and its node_modules)');
  process.exit(2);
}
const which = args.length > 0 ? args : ['ingest', 'apply'];
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const trees = [
  { name: 'baseline', root: baseline },
  { name: 'this', root: here },
];

const redis = await spawnRedis();
try {
  if (which.includes('ingest')) {
    const perRound = 5_000;
    const rows: string[][] = [];
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    const servers: { tree: string; server: Server; queue?: Queue }[] = [];
    try {
      for (const tree of trees) {
        for (const kind of ['api', 'serve'] as const) {
          const prefix = `cmp-${tree.name}-${kind}`;
          servers.push({ tree: tree.name, server: await startServer(kind, redis.url, tree.root, prefix), ...(kind === 'serve' ? { queue: new Queue(INGEST_QUEUE, { connection: client, prefix }) } : {}) });
        }
      }
      let issue = 0;
      const figures = new Map<string, { rate: number[]; p99: number[]; cpu: number[] }>();
      for (const { server } of servers) await runLoad(`${server.url}/webhooks/jira-demo`, issueCreatedWebhooks(500, (issue += 500), Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET), CONCURRENCY);
      for (const { queue } of servers) if (queue) await drained(queue, 300_000);
      for (let round = 0; round < rounds; round += 1) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const { tree, server, queue } of order) {
          const webhooks = issueCreatedWebhooks(perRound, (issue += perRound), Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET);
          const before = await usage(server);
          const run = await runLoad(`${server.url}/webhooks/jira-demo`, webhooks, CONCURRENCY);
          const after = await usage(server);
          if (queue) await drained(queue, 600_000);
          const key = `${tree} ${server.kind}`;
          const entry = figures.get(key) ?? { rate: [], p99: [], cpu: [] };
          entry.rate.push(run.requests / run.seconds);
          entry.p99.push(percentile(run.latenciesMs, 99));
          entry.cpu.push((after.cpuUs - before.cpuUs) / run.requests);
          figures.set(key, entry);
        }
      }
      for (const [key, entry] of figures) rows.push([key, Math.round(median(entry.rate)).toString(), median(entry.p99).toFixed(1), Math.round(median(entry.cpu)).toString()]);
      console.log(`ingest, ${rounds} interleaved rounds of ${perRound} webhooks per server, medians`);
      console.log(formatTable(['server', 'req/s', 'p99 ms', 'CPU us/req'], rows));
    } finally {
      for (const { server } of servers) {
        server.child.send('stop');
        await new Promise((resolve) => setTimeout(resolve, 500));
        server.child.kill();
      }
      for (const { queue } of servers) await queue?.close();
      client.disconnect();
    }
  }
  if (which.includes('apply')) {
    const perRound = 5_000;
    type Round = { eventsPerS: number; commandsPerEvent: number; readsPerEvent: number; cpuUsPerEvent: number };
    const appliers = await Promise.all(trees.map(async (tree) => ({ tree: tree.name, applyRound: ((await import(path.join(tree.root, 'bench/suites/apply.ts'))) as { applyRound: (url: string, prefix: string, count: number) => Promise<Round> }).applyRound })));
    const results = new Map<string, Round[]>();
    for (let round = 0; round < rounds; round += 1) {
      for (const { tree, applyRound } of round % 2 === 0 ? appliers : [...appliers].reverse()) {
        results.set(tree, [...(results.get(tree) ?? []), await applyRound(redis.url, `cmp-apply-${tree}-${round}`, perRound)]);
      }
    }
    const rows = [...results].map(([tree, list]) => [
      tree,
      Math.round(median(list.map((entry) => entry.eventsPerS))).toString(),
      median(list.map((entry) => entry.commandsPerEvent)).toFixed(1),
      median(list.map((entry) => entry.readsPerEvent)).toFixed(1),
      Math.round(median(list.map((entry) => entry.cpuUsPerEvent))).toString(),
    ]);
    console.log(`apply, ${rounds} interleaved rounds of ${perRound} deliveries per checkout, medians`);
    console.log(formatTable(['checkout', 'events/s', 'Redis commands/event', 'socket reads/event', 'CPU us/event'], rows));
  }
} finally {
  await redis.stop();
}
