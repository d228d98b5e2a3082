import path from 'node:path';
import { runningEmbeddedRedis, startEmbeddedRedis } from '../app/embedded-redis.js';
import { projectRoot } from '../project-root.js';
import { UsageError } from './cli-io.js';

/** Where the issue states are: REDIS_URL, the running bridge's own Redis, or that Redis's data started briefly. */
export async function withBridgeRedis<T>(env: NodeJS.ProcessEnv, work: (url: string) => Promise<T>): Promise<T> {
  if (env.REDIS_URL) return work(env.REDIS_URL);
  const dataDir = env.SLA_BRIDGE_DATA_DIR ?? path.join(projectRoot(), '.data', 'redis');
  const running = await runningEmbeddedRedis(dataDir);
  if (running) return work(running);
  const embedded = await startEmbeddedRedis({ dataDir }).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

