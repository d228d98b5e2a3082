/**
 * Chat isolation: how late a healthy channel's messages arrive, with a healthy neighbour and with
 * a failing one (30% 500, 10% 429 with Retry-After: 1, 5% no answer until the 10 s timeout), both
 * with the bridge's production settings (retry policy, timeout, 8 workers). Issues opened through
 * the real webhook endpoint get a warning 3 s later and a breach 6 s later, sent to both channels;
 * lateness is the arrival at a loopback receiver minus the instant the timer was planned for, so
 * it includes the timer's own lateness (bench/timers.bench.ts). Goal: the healthy channel's
 * messages under 1 s late while its neighbour fails.
 * Run with `npx tsx bench/chat-isolation.bench.ts` (needs redis-server).
 */
import { Redis } from 'ioredis';
import { trackerConnectors } from '../connectors/registry.js';
import { startBridge } from '../src/app/bridge.js';
import { queuedNotifications, withPlannedInstants } from '../test/support/queued-notifications.js';
import { createLogger } from '../src/app/logger.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { fanOutConfig, notificationIdsOf, openIssue, spread } from '../test/support/chat-fan-out.js';
import { startChatReceiver, type Behaviour } from '../test/support/chat-receiver.js';
import { spawnRedis } from '../test/support/redis-server.js';

const ISSUES = Number(process.env.CHAT_BENCH_ISSUES ?? 150);
const FLAKY: Behaviour = { error: 0.3, rateLimited: 0.1, hang: 0.05, retryAfterS: 1 };
// How long to wait for the failing neighbour to get its messages through, after the healthy channel has all of its own.
const NEIGHBOUR_WAIT_MS = 180_000;

const redis = await spawnRedis();
const client = new Redis(redis.url, { maxRetriesPerRequest: null });

const until = async (done: () => boolean, deadline: number) => {
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return done();
};
const show = ({ n, p50, p95, max }: ReturnType<typeof spread>) => `n ${n}, p50 ${p50} ms, p95 ${p95} ms, max ${max} ms`;

async function run(name: string, neighbour: Behaviour) {
  const healthy = await startChatReceiver();
  const other = await startChatReceiver(neighbour, 'chat-isolation-bench');
  const prefix = `bench-chat-${name}`;
  const bridge = await startBridge({
    config: fanOutConfig({ healthy: healthy.url, neighbour: other.url }),
    connectors: trackerConnectors,
    redis: urlTarget(redis.url),
    logger: createLogger({ silent: true }),
    port: 0,
    prefix,
  });
  try {
    const ids: string[] = [];
    for (let first = 0; first < ISSUES; first += 25) {
      const batch = Array.from({ length: Math.min(25, ISSUES - first) }, (_, index) => 80_000 + first + index);
      await Promise.all(batch.map((id) => openIssue(bridge.url!, id)));
      ids.push(...batch.flatMap(notificationIdsOf));
    }
    const all = (receiver: typeof healthy) => () => ids.every((id) => receiver.delivered().has(id));
    const healthyDone = await until(all(healthy), Date.now() + 120_000);
    const neighbourDone = await until(all(other), Date.now() + NEIGHBOUR_WAIT_MS);
    const planned = new Map((await withPlannedInstants(bridge.store, await queuedNotifications(client, prefix))).flatMap((due) => (due.at === undefined ? [] : [[due.id, due.at] as const])));
    const late = (receiver: typeof healthy) => spread([...receiver.deliveredAt()].filter(([id]) => planned.has(id)).map(([id, at]) => at - planned.get(id)!));
    const healthyLate = late(healthy);
    const withinOneSecond = [...healthy.deliveredAt()].filter(([id, at]) => planned.has(id) && at - planned.get(id)! <= 1_000).length;
    console.log(`${name}: ${ids.length} messages per channel`);
    console.log(`  healthy channel${healthyDone ? '' : ' (NOT all delivered)'}: ${show(healthyLate)}; within 1 s: ${withinOneSecond}/${ids.length}`);
    console.log(`  neighbour${neighbourDone ? '' : ` (${other.delivered().size}/${ids.length} delivered when the bench stopped waiting)`}: ${show(late(other))}; requests ${other.requests.length}`);
  } finally {
    await bridge.close();
    await healthy.close();
    await other.close();
  }
}

console.log(`chat isolation bench: node ${process.version}, ${new Date().toISOString()}`);
try {
  await run('healthy neighbour', {});
  await run('failing neighbour', FLAKY);
} finally {
  client.disconnect();
  await redis.stop();
}
