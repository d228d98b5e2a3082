/**
 * A real Redis for the tests: REDIS_URL when set, otherwise a throwaway `redis-server` on a free
 * loopback port without persistence (the bridge's own embedded one), stopped when the run ends.
 * Never a mock.
 */
import { randomUUID } from 'node:crypto';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/app/store/embedded-redis.js';

export type TestRedis = EmbeddedRedis;

/** Starts a private redis-server; fails (never skips) when redis-server is not installed. */
export function spawnRedis(): Promise<TestRedis> {
  return startEmbeddedRedis({});
}

let shared: Promise<TestRedis> | undefined;

/** The Redis the suite shares: REDIS_URL, or one spawned on first use and stopped at the end. */
export function sharedRedis(): Promise<TestRedis> {
  shared ??= process.env.REDIS_URL ? Promise.resolve({ url: process.env.REDIS_URL, stop: async () => undefined }) : spawnRedis();
  return shared;
}

export async function stopSharedRedis(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = undefined;
}

/** A key prefix no other test uses, so tests sharing one Redis never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}
