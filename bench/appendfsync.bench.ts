/**
 * What `SLA_BRIDGE_REDIS_APPENDFSYNC=always` costs: webhook latency (POST to 202) through the real
 * app on the bridge's own redis-server with append-only persistence on disk, once with
 * `appendfsync everysec` (the default) and once with `always`, workers running alongside as in
 * production. Sequential requests show the latency one tracker sees; 8 at once show what a busy
 * tracker sees (Redis syncs the writes of one event-loop round together).
 *
 * Run with `npx tsx bench/appendfsync.bench.ts` (needs redis-server). The data directories are
 * made under the system's temporary directory: run it on the disk the bridge will use
 * (TMPDIR=/var/lib/… npx tsx bench/appendfsync.bench.ts), since the figures are the disk's.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackerConnectors } from '../connectors/registry.js';
import { startBridge } from '../src/app/bridge.js';
import { createLogger } from '../src/app/logger.js';
import { startEmbeddedRedis, type AppendFsync } from '../src/app/store/embedded-redis.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { issueCreated } from '../test/support/jira-payloads.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../test/support/shipped-config.js';

const REQUESTS = 1000;
const PARALLEL = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

let issueNumber = 60_000;
function delivery() {
  issueNumber += 1;
  const raw = Buffer.from(JSON.stringify(issueCreated({ created: new Date().toISOString(), id: String(issueNumber), key: `MB-${issueNumber}` })));
  return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) } };
}

/** `count` webhooks, `lanes` at a time; answers each one's latency (ms), sorted, and the wall time. */
async function post(url: string, count: number, lanes: number): Promise<{ times: number[]; wallMs: number }> {
  const bodies = Array.from({ length: count }, delivery);
  const times: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let body = bodies.shift(); body; body = bodies.shift()) {
        const sent = process.hrtime.bigint();
        const response = await fetch(`${url}/webhooks/jira-demo`, { method: 'POST', body: body.raw, headers: body.headers });
        await response.arrayBuffer();
        if (response.status !== 202) throw new Error(`answered ${response.status}`);
        times.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
    }),
  );
  return { times: times.sort((a, b) => a - b), wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function measure(appendFsync: AppendFsync): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `sla-bridge-bench-${appendFsync}-`));
  const redis = await startEmbeddedRedis({ dataDir, appendFsync });
  const bridge = await startBridge({
    config: loadBridgeConfig(SHIPPED_CONFIG_DIR, DEMO_SECRETS),
    connectors: trackerConnectors,
    redis: urlTarget(redis.url),
    logger: createLogger({ silent: true }),
    port: 0,
  });
  try {
    await post(bridge.url!, 200, 1); // warm-up: JIT, connections, year tables
    const rows: string[] = [];
    for (const lanes of [1, PARALLEL]) {
      const { times, wallMs } = await post(bridge.url!, REQUESTS, lanes);
      rows.push(
        `| ${appendFsync.padEnd(8)} | ${String(lanes).padStart(2)} | ${percentile(times, 50).toFixed(2).padStart(6)} | ${percentile(times, 95).toFixed(2).padStart(6)} | ${percentile(times, 99).toFixed(2).padStart(6)} | ${((REQUESTS / wallMs) * 1000).toFixed(0).padStart(5)} |`,
      );
    }
    return rows;
  } finally {
    await bridge.close();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows = [...(await measure('everysec')), ...(await measure('always'))];
console.log(`appendfsync bench: ${REQUESTS} webhooks per row, node ${process.version}, data under ${os.tmpdir()}, ${new Date().toISOString()}`);
console.log('| appendfsync | at once | p50 ms | p95 ms | p99 ms | webhooks/s |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
