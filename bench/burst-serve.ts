/**
 * Fair sharing inside one `serve`: a burst of new-issue webhooks (32 clients at once) against a
 * single serve (HTTP and workers in one process), once per webhook gate setting, interleaved: how
 * fast the HTTP side accepted, how far the workers got meanwhile (applied per second under load),
 * the backlog left when the burst ended and the p99 the trackers saw.
 *
 *   npx tsx bench/burst-serve.ts [--requests N] [--rounds R] [--gates 0,4,8,16]
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE } from '../src/app/jobs/pipeline.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { DEMO_SECRETS } from '../test/support/shipped-config.js';
import { issueCreatedWebhooks } from './lib/jira-webhooks.js';
import { runLoad } from './lib/load.js';
import { formatTable, median, percentile } from './lib/report.js';
import { CONCURRENCY, drained, startServer, waiting, type Server } from './suites/ingest.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const requests = Number(option('--requests') ?? 5_000);
const rounds = Number(option('--rounds') ?? 2);
const gates = (option('--gates') ?? '0,4,8,16').split(',').map(Number);

const redis = await spawnRedis();
const client = new Redis(redis.url, { maxRetriesPerRequest: null });
const servers: { gate: number; server: Server; queue: Queue }[] = [];
try {
  for (const gate of gates) {
    process.env.SLA_BENCH_WEBHOOKS_IN_FLIGHT = String(gate);
    const prefix = `burst-${gate}`;
    servers.push({ gate, server: await startServer('serve', redis.url, undefined, prefix), queue: new Queue(INGEST_QUEUE, { connection: client, prefix }) });
  }
  let issue = 0;
  for (const { server, queue } of servers) {
    await runLoad(`${server.url}/webhooks/jira-demo`, issueCreatedWebhooks(500, (issue += 500), Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET), CONCURRENCY);
    await drained(queue, 300_000);
  }
  const figures = new Map<number, { rate: number[]; applied: number[]; backlog: number[]; p99: number[] }>();
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const { gate, server, queue } of order) {
      const webhooks = issueCreatedWebhooks(requests, (issue += requests), Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET);
      const run = await runLoad(`${server.url}/webhooks/jira-demo`, webhooks, CONCURRENCY);
      const backlog = await waiting(queue);
      await drained(queue, 600_000);
      const entry = figures.get(gate) ?? { rate: [], applied: [], backlog: [], p99: [] };
      entry.rate.push(requests / run.seconds);
      entry.applied.push((requests - backlog) / run.seconds);
      entry.backlog.push(backlog);
      entry.p99.push(percentile(run.latenciesMs, 99));
      figures.set(gate, entry);
    }
  }
  console.log(`burst of ${requests} jira:issue_created webhooks, ${CONCURRENCY} clients, one serve per gate setting, ${rounds} interleaved rounds, medians`);
  console.log(
    formatTable(
      ['webhooks in flight', 'accepted/s', 'applied/s under load', 'backlog at end', 'p99 ms'],
      gates.map((gate) => {
        const entry = figures.get(gate)!;
        return [gate === 0 ? 'no limit' : String(gate), Math.round(median(entry.rate)).toString(), Math.round(median(entry.applied)).toString(), Math.round(median(entry.backlog)).toString(), median(entry.p99).toFixed(1)];
      }),
    ),
  );
} finally {
  for (const { server } of servers) {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.send('stop');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    server.child.kill();
  }
  for (const { queue } of servers) await queue.close();
  client.disconnect();
  await redis.stop();
}
