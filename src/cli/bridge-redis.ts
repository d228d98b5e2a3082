import path from 'node:path';
import { runningEmbeddedRedis, startEmbeddedRedis } from '../app/store/embedded-redis.js';
import { keyPrefix, redisTargetFromEnv, urlTarget, type RedisTarget } from '../app/store/redis-target.js';
import { projectRoot } from '../project-root.js';
import { UsageError } from './cli-io.js';

/**
 * Where the bridge keeps its state, for commands that work on it: the Redis the environment names
 * (as for `serve`), the running bridge's own Redis, or that Redis's data started briefly. `work`
 * gets the target and the key prefix.
 */
export async function withBridgeRedis<T>(env: NodeJS.ProcessEnv, work: (target: RedisTarget, prefix: string) => Promise<T>): Promise<T> {
  const target = redisTargetFromEnv(env);
  const prefix = keyPrefix(env, target);
  if (target) return work(target, prefix);
  const dataDir = env.SLA_BRIDGE_DATA_DIR ?? path.join(projectRoot(), '.data', 'redis');
  const running = await runningEmbeddedRedis(dataDir);
  if (running) return work(urlTarget(running), prefix);
  const embedded = await startEmbeddedRedis({ dataDir }).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  try {
    return await work(urlTarget(embedded.url), prefix);
  } finally {
    await embedded.stop();
  }
}
