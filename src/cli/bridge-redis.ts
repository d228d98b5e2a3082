import path from 'node:path';
import { APPENDFSYNC_VARIABLE, appendFsyncFromEnv, runningEmbeddedRedis, startEmbeddedRedis, type AppendFsync } from '../app/store/embedded-redis.js';
import { keyPrefix, redisTargetFromEnv, urlTarget, type RedisTarget } from '../app/store/redis-target.js';
import { projectRoot } from '../project-root.js';
import { UsageError } from './cli-io.js';

/**
 * SLA_BRIDGE_REDIS_APPENDFSYNC, for the bridge's own Redis only: a Redis named in the environment
 * is configured where it runs, and a setting the bridge silently ignored would promise durability
 * it does not give.
 */
export function embeddedAppendFsync(env: NodeJS.ProcessEnv, redisNamed: boolean): AppendFsync | undefined {
  let mode: AppendFsync | undefined;
  try {
    mode = appendFsyncFromEnv(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (mode && redisNamed) throw new UsageError(`${APPENDFSYNC_VARIABLE}: applies to the bridge's own Redis only; with REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES set appendfsync in that Redis's configuration`);
  return mode;
}

/**
 * Where the bridge keeps its state, for commands that work on it: the Redis the environment names
 * (as for `serve`), the running bridge's own Redis, or that Redis's data started briefly. `work`
 * gets the target and the key prefix.
 */
export async function withBridgeRedis<T>(env: NodeJS.ProcessEnv, work: (target: RedisTarget, prefix: string) => Promise<T>): Promise<T> {
  const target = redisTargetFromEnv(env);
  const prefix = keyPrefix(env, target);
  const appendFsync = embeddedAppendFsync(env, target !== undefined);
  if (target) return work(target, prefix);
  const dataDir = env.SLA_BRIDGE_DATA_DIR ?? path.join(projectRoot(), '.data', 'redis');
  const running = await runningEmbeddedRedis(dataDir);
  if (running) return work(urlTarget(running), prefix);
  const embedded = await startEmbeddedRedis({ dataDir, appendFsync }).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  try {
    return await work(urlTarget(embedded.url), prefix);
  } finally {
    await embedded.stop();
  }
}
