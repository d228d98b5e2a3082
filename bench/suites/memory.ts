/**
 * `memory`: what one open issue costs in Redis. `issues` new Jira issues go through the real
 * webhook endpoint and one worker bridge; Redis's used_memory before and after, divided by the
 * issues, is the headline (everything the bridge keeps per issue: its keys, its timer job, the
 * completed ingest job BullMQ keeps for a day (at most 10,000), the delivery's dedup mark). Each
 * key is then weighed (MEMORY USAGE) and summed by kind, for where the bytes go.
 */
import { Redis } from 'ioredis';
import { spawnRedis } from '../../test/support/redis-server.js';
import { benchBridge, fillIngest, waitForApplied } from '../lib/bench-bridge.js';
import { type Bench, round } from '../lib/report.js';

const PREFIX = 'bench-memory';

/** The kind of a key: its prefix with ids taken out. */
function kindOf(key: string): string {
  return key
    .slice(PREFIX.length + 1)
    .replace(/^issue:[^:]+:[^:]+:/, 'issue:<id>:')
    .replace(/^delivery:[^:]+:.*/, 'delivery dedup mark')
    .replace(/^sla-ingest:de:.*/, 'delivery dedup mark')
    .replace(/^(sla-[a-z-]+):(delivery|timer|t|notify|wb)-[^:]*$/, '$1 job')
    .replace(/^(sla-[a-z-]+):(delivery|timer|t|notify|wb)-[^:]*:(.*)$/, '$1 job:$3');
}

async function usedMemory(client: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
}

export async function weighKeys(client: Redis): Promise<Map<string, { keys: number; bytes: number }>> {
  const kinds = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, index) => {
      const kind = kindOf(key);
      const entry = kinds.get(kind) ?? { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += Number(sizes[index]?.[1] ?? 0);
      kinds.set(kind, entry);
    });
  } while (cursor !== '0');
  return kinds;
}

export const memoryBench: Bench = async ({ quick }) => {
  const issues = quick ? 200 : 20_500;
  const redis = await spawnRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const worker = await benchBridge(redis.url, PREFIX, 'worker');
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await usedMemory(client);
    await fillIngest(redis.url, PREFIX, issues);
    await waitForApplied(client, PREFIX, 600_000);
    const after = await usedMemory(client);
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    const kinds = [...(await weighKeys(client)).entries()].sort((a, b) => b[1].bytes - a[1].bytes);
    const perIssue = (after - before) / issues;
    return {
      headline: { redis_bytes_per_issue: Math.round(perIssue), rss_mb: round(rssMb, 0) },
      table: {
        header: ['key kind', 'keys', 'bytes per issue'],
        rows: [
          ['used_memory delta per issue', '', Math.round(perIssue).toString()],
          ...kinds.filter(([, entry]) => entry.bytes / issues >= 1).map(([kind, entry]) => [kind, entry.keys.toLocaleString('en'), Math.round(entry.bytes / issues).toString()]),
        ],
      },
      raw: { issues, usedMemoryBefore: before, usedMemoryAfter: after, rssMb, kinds: Object.fromEntries(kinds) },
      notes: [`${issues.toLocaleString('en')} open issues (jira:issue_created each); rss is this process's (the worker bridge, an API bridge and the load generator)`],
    };
  } finally {
    await worker.close();
    client.disconnect();
    await redis.stop();
  }
};
