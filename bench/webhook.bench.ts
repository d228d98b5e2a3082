/**
 * Webhook hot path: time from POST to answer for signed Jira deliveries through the real express
 * app and a real Redis (verify, validate, normalize, dedup check, queue), against GET /healthz on
 * the same server as the baseline of the HTTP stack itself. Workers run alongside, as in production.
 *
 * Run with `npx tsx bench/webhook.bench.ts` (needs redis-server). Prints latencies and the ratio.
 */
import { randomUUID } from 'node:crypto';
import { trackerConnectors } from '../connectors/registry.js';
import { startBridge } from '../src/app/bridge.js';
import { createLogger } from '../src/app/logger.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { issueCreated } from '../test/support/jira-payloads.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../test/support/shipped-config.js';

const REQUESTS = 2000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeRequests(count: number, send: (index: number) => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = process.hrtime.bigint();
    const response = await send(index);
    await response.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!response.ok) throw new Error(`request ${index} answered ${response.status}`);
  }
  return times.sort((a, b) => a - b);
}

const redis = await spawnRedis();
const bridge = await startBridge({
  config: loadBridgeConfig(SHIPPED_CONFIG_DIR, DEMO_SECRETS),
  connectors: trackerConnectors,
  redis: urlTarget(redis.url),
  logger: createLogger({ silent: true }),
  port: 0,
});
try {
  const bodies = Array.from({ length: REQUESTS }, (_, index) => {
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: '2026-11-30T09:00:00+01:00', id: String(30000 + index), key: `MB-${index}` })));
    return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) } };
  });
  // Warm-up: JIT, connection pool, year tables.
  await timeRequests(200, () => fetch(`${bridge.url}/healthz`));
  const health = await timeRequests(REQUESTS, () => fetch(`${bridge.url}/healthz`));
  const webhooks = await timeRequests(REQUESTS, (index) => fetch(`${bridge.url}/webhooks/jira-demo`, { method: 'POST', body: bodies[index]!.raw, headers: bodies[index]!.headers }));
  const row = (name: string, times: number[]) =>
    `${name.padEnd(22)} | ${percentile(times, 50).toFixed(2).padStart(6)} | ${percentile(times, 95).toFixed(2).padStart(6)} | ${percentile(times, 99).toFixed(2).padStart(6)}`;
  console.log(`webhook bench: ${REQUESTS} sequential requests each, node ${process.version}, ${new Date().toISOString()}`);
  console.log('request                |  p50 ms |  p95 ms |  p99 ms');
  console.log(row('GET /healthz', health));
  console.log(row('POST /webhooks (202)', webhooks));
  console.log(`webhook p50 / healthz p50: ${(percentile(webhooks, 50) / percentile(health, 50)).toFixed(1)}x`);
} finally {
  await bridge.close();
  await redis.stop();
}
