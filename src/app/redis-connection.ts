import { Redis, type RedisOptions } from 'ioredis';

/**
 * `request`: the webhook path and status reads fail fast while Redis is away (so the caller can
 * answer 503 instead of hanging); `worker`: BullMQ workers wait and retry for as long as it takes.
 */
export type ConnectionRole = 'request' | 'worker';

export function createRedis(url: string, role: ConnectionRole): Redis {
  const options: RedisOptions =
    role === 'request'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false }
      : { maxRetriesPerRequest: null };
  const redis = new Redis(url, { ...options, connectionName: `sla-bridge-${role}`, retryStrategy: (attempt) => Math.min(attempt * 200, 2_000) });
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

/** Waits until the connection is ready; a bridge that cannot reach Redis at startup says so and stops. */
export async function waitUntilReady(redis: Redis, url: string, ms = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await withTimeout(
    new Promise<void>((resolve) => redis.once('ready', () => resolve())),
    ms,
    `connecting to Redis at ${url.replace(/\/\/[^@]*@/, '//***@')}`,
  );
}
