/**
 * How many deliveries a bridge applies at once (src/app/jobs/pipeline.ts INGEST_CONCURRENCY): a
 * `--role worker` process 32, a `serve` 8, whose event loop also answers the webhooks. Seen from
 * Redis: 40 new issues are accepted while something else holds every one's issue lock, so each
 * delivery the worker takes up waits, active, until the locks are free; then all 40 are applied.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { issueCreatedWebhooks } from '../bench/lib/jira-webhooks.js';
import { INGEST_QUEUE } from '../src/app/jobs/pipeline.js';
import type { BridgeRole } from '../src/app/bridge.js';
import { postRaw, startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { waitUntil } from './support/wait-for.js';

const ISSUES = 40;
const SOURCE = 'jira-demo';

describe('deliveries applied at once', function () {
  this.timeout(60_000);
  const opened: { close: () => Promise<unknown> | void }[] = [];
  afterEach(async () => {
    for (const handle of opened.splice(0).reverse()) await handle.close();
  });

  for (const [role, atOnce] of [
    ['worker', 32],
    ['all', 8],
  ] as const satisfies readonly (readonly [BridgeRole, number])[]) {
    it(`${role === 'all' ? 'a serve' : 'a --role worker'} takes up ${atOnce} at once`, async () => {
      const url = (await sharedRedis()).url;
      const prefix = uniquePrefix('ingest-at-once');
      const redis = new Redis(url);
      opened.push({ close: () => redis.disconnect() });
      const queue = new Queue(INGEST_QUEUE, { connection: redis, prefix });
      opened.push(queue);

      const webhooks = issueCreatedWebhooks(ISSUES, 0, Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET);
      const lockKeys = Array.from({ length: ISSUES }, (_, index) => `${prefix}:issue:${SOURCE}:${500_000 + index}:lock`);
      // Held by "someone else" for longer than the test runs; released below.
      for (const key of lockKeys) await redis.set(key, 'held-by-the-test', 'PX', 50_000);

      const api: TestBridge = await startTestBridge({ role: 'api', prefix });
      opened.push(api);
      for (const webhook of webhooks) expect((await postRaw(`${api.url}/webhooks/${SOURCE}`, webhook.body, webhook.headers)).status).to.equal(202);
      // The bridge's own concurrency, not the test harness's.
      const bridge = await startTestBridge({ role, prefix, workerConcurrency: undefined });
      opened.push(bridge);

      const counts = await waitUntil(`${atOnce} deliveries taken up`, () => queue.getJobCounts('active', 'waiting'), (seen) => (seen.active ?? 0) >= atOnce, { timeoutMs: 20_000 });
      expect(counts).to.deep.equal({ active: atOnce, waiting: ISSUES - atOnce });

      await redis.del(...lockKeys);
      await waitUntil('every delivery applied', () => queue.getJobCounts('active', 'waiting'), (seen) => seen.active === 0 && seen.waiting === 0, { timeoutMs: 30_000 });
      const states = await bridge.store.loadStatesInOrder(webhooks.map((_, index) => [SOURCE, String(500_000 + index)] as const));
      expect(states.filter((state) => state !== undefined)).to.have.length(ISSUES);
    });
  }
});
