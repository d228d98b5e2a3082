/**
 * A `--role worker` bridge in a process of its own, for benchmarks that measure how a second
 * worker process adds to one `serve`: `tsx bench/lib/worker-process.ts <redis url> <prefix>
 * <config dir> <secrets as JSON>`. Prints `ready` once its workers run; stops on SIGTERM.
 */
import { benchBridge } from './bench-bridge.js';

const [redisUrl, prefix, configDir, secrets] = process.argv.slice(2);
if (!redisUrl || !prefix || !configDir || !secrets) throw new Error('usage: worker-process.ts <redis url> <prefix> <config dir> <secrets JSON>');
const bridge = await benchBridge(redisUrl, prefix, 'worker', { configDir, secrets: JSON.parse(secrets) as Record<string, string> });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void bridge.close().then(() => process.exit(0));
});
