/**
 * Timer precision: how late warnings fire after their computed instant. Creates issues whose 50%
 * warning falls a few seconds ahead, through the real webhook endpoint, queue and workers on a
 * real Redis, and reports the distribution of (fired - planned). Goal from the issue: within one
 * second under normal load. Run with `npx tsx bench/timers.bench.ts` (needs redis-server).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../connectors/registry.js';
import { startBridge } from '../src/app/bridge.js';
import { createLogger } from '../src/app/logger.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { issueCreated } from '../test/support/jira-payloads.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { queuedNotifications, withPlannedInstants } from '../test/support/queued-notifications.js';

const ISSUES = 300;
const config = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/timer-config'), {});

const redis = await spawnRedis();
const bridge = await startBridge({ config, connectors: trackerConnectors, redis: urlTarget(redis.url), logger: createLogger({ silent: true }), port: 0, prefix: 'bench' });
const client = new Redis(redis.url, { maxRetriesPerRequest: null });
try {
  const created = DateTime.now();
  for (let index = 0; index < ISSUES; index += 1) {
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: created.toISO()!, id: String(60000 + index), key: `MB-${index}` })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const response = await fetch(`${bridge.url}/webhooks/jira-demo`, { method: 'POST', body: raw, headers });
    if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
  }
  const deadline = Date.now() + 30_000;
  let warnings: Awaited<ReturnType<typeof withPlannedInstants>> = [];
  while (Date.now() < deadline) {
    warnings = await withPlannedInstants(bridge.store, (await queuedNotifications(client, 'bench')).filter((due) => due.label === '50%'));
    if (warnings.length >= ISSUES) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const lateness = warnings.map((due) => due.firedAt - (due.at ?? NaN)).sort((a, b) => a - b);
  const at = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor((p / 100) * lateness.length))] ?? NaN;
  console.log(`timer bench: ${warnings.length}/${ISSUES} warnings fired, node ${process.version}, ${new Date().toISOString()}`);
  console.log(`fired after the planned instant: p50 ${at(50)} ms, p95 ${at(95)} ms, p99 ${at(99)} ms, max ${lateness[lateness.length - 1]} ms`);
  console.log(`within one second: ${lateness.filter((ms) => ms <= 1_000).length}/${lateness.length}`);
} finally {
  await bridge.close();
  client.disconnect();
  await redis.stop();
}
