import { startEmbeddedRedis } from '../app/store/embedded-redis.js';
import { redisTargetFromEnv } from '../app/store/redis-target.js';
import { runDemo } from '../demo/run-demo.js';
import { UsageError, type CliIo } from './cli-io.js';

/** `sla-bridge demo [--once]`: see src/demo/run-demo.ts. With --once, exits 0 when everything arrived. */
export async function demoCommand(options: { once?: boolean }, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const once = options.once ?? false;
  const port = Number(env.PORT ?? (once ? 0 : 8080));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`PORT: "${env.PORT}" is not a port number`);
  const redis = redisTargetFromEnv(env);
  if (!redis) {
    // Fail with the install hint before anything else starts.
    await (await startEmbeddedRedis({}).catch((error: Error) => {
      throw new UsageError(error.message);
    })).stop();
  }
  const run = await runDemo({ once, port, host: env.HOST ?? '127.0.0.1', redis }, io);
  const stop = () => void run.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return run.finished;
}
