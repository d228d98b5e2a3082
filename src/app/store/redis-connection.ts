import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { describeRedisTarget, type RedisTarget } from './redis-target.js';

/** One server, a Sentinel-managed master, or a Cluster: the same commands on all of them. */
export type RedisClient = Redis | Cluster;

/**
 * `request`: the webhook path and status reads fail fast while Redis is away (so the caller can
 * answer 503 instead of hanging); `worker`: BullMQ workers wait and retry for as long as it takes.
 */
export type ConnectionRole = 'request' | 'worker';

/**
 * Commands sent when the connection drops are in one of two states the client cannot tell apart:
 * never run, or run with the answer lost. `autoResendUnfulfilledCommands` (ioredis's default)
 * sends them again after the reconnect, so a command may run twice; switched off, ioredis 6 drops
 * them on reconnect without settling their promises (redis/event_handler.js, readyHandler), and a
 * job awaiting one would hang with its lock renewed forever. So the bridge keeps the re-send on,
 * explicitly, and makes every write it sends safe to run twice (issue-store.ts, dead-letters.ts,
 * the deterministic job ids of ../jobs/pipeline.ts). BullMQ's own scripts repeat harmlessly or are
 * refused ("Missing lock" for a job already finished); a job that a re-sent fetch moved to active
 * unseen comes back through the stalled check within seconds (WORKER_RECOVERY).
 *
 * `maxRetriesPerRequest: null` on worker connections: a worker's commands wait in the offline
 * queue while Redis is away instead of failing jobs (and BullMQ requires it for its blocking
 * connection). The request role fails after one reconnect attempt; its callers bound each call
 * with `withTimeout` and answer 503.
 */
function roleOptions(role: ConnectionRole): RedisOptions {
  return role === 'request'
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, autoResendUnfulfilledCommands: true }
    : { maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true };
}

// Reconnect soon and often: each connection comes back on its own schedule, and a queue waits for
// its worker's connection; with the former cap of 2 s a timer fell due up to 2 s after Redis was
// back. A connection attempt every half second is nothing to a Redis that is down.
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 500);

// A master demoted by a failover answers writes with READONLY until the connection moves on:
// reconnect (through the sentinels, to the new master) and send the command again.
const reconnectOnError = (error: Error) => (error.message.startsWith('READONLY') ? 2 : false);

export function createRedis(target: RedisTarget, role: ConnectionRole): RedisClient {
  const common: RedisOptions = { ...roleOptions(role), connectionName: `sla-bridge-${role}`, retryStrategy, reconnectOnError };
  let redis: RedisClient;
  switch (target.kind) {
    case 'url':
      // A password or database in the URL wins over REDIS_PASSWORD / REDIS_DB.
      redis = new Redis(target.url, { ...common, ...(target.password === undefined ? {} : { password: target.password }), ...(target.db === undefined ? {} : { db: target.db }) });
      break;
    case 'sentinel':
      redis = new Redis({
        ...common,
        sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
        name: target.masterName,
        password: target.password,
        sentinelPassword: target.sentinelPassword,
        db: target.db ?? 0,
        // Without it a connection stays on the old master until that one is demoted and drops its
        // clients, seconds later; writes in between would be lost with the old master's data.
        failoverDetector: true,
        sentinelRetryStrategy: retryStrategy,
        // The failover detector's own sentinel connections come back within seconds, not a minute.
        sentinelReconnectStrategy: () => 2_000,
      });
      break;
    case 'cluster': {
      const { enableOfflineQueue, ...perNode } = common;
      const options: ClusterOptions = {
        redisOptions: { ...perNode, password: target.password },
        clusterRetryStrategy: retryStrategy,
        ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      };
      redis = new Cluster(
        target.nodes.map(({ host, port }) => ({ host, port })),
        options,
      );
      break;
    }
  }
  // Connection errors are reported by readiness and by the failing calls; without a listener
  // ioredis would print every reconnect attempt as an unhandled error.
  redis.on('error', () => undefined);
  return redis;
}

/** Rejects when `promise` takes longer than `ms`: a Redis call on the request path must not hang. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Redis did not answer in time at startup; the message says where (without passwords) and why. */
export class RedisUnreachableError extends Error {
  override readonly name = 'RedisUnreachableError';
}

/** Waits until the connection is ready; a bridge that cannot reach Redis at startup says so and stops. */
export async function waitUntilReady(redis: RedisClient, target: RedisTarget, ms = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  // The last connection error says why (refused, wrong password, no sentinel knows the master).
  let lastError: string | undefined;
  const onError = (error: Error) => (lastError = error.message);
  redis.on('error', onError);
  try {
    await withTimeout(new Promise<void>((resolve) => redis.once('ready', () => resolve())), ms, `connecting to Redis (${describeRedisTarget(target)})`);
  } catch (error) {
    throw new RedisUnreachableError(`${(error as Error).message}${lastError ? `; last error: ${lastError}` : ''}`);
  } finally {
    redis.off('error', onError);
  }
}
