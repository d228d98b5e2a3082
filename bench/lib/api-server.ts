/**
 * The `api` benchmark's bridge (`--role api`) in a process of its own, as it is deployed: its
 * clients are browsers and scripts elsewhere, so their garbage (a 13 MB list read into one string)
 * is not collected in its heap. Started by bench/suites/api.ts through fork(); answers over IPC:
 * `reset` (the event loop's longest stall starts again; answered `{ reset: true }`) and `stall`
 * (answered `{ stallMs }`, the longest since the reset), `stop`.
 *
 * argv: <redis url> <prefix> <api token>
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { benchBridge } from './bench-bridge.js';

export type ApiServerMessage = { readonly url: string } | { readonly reset: true } | { readonly stallMs: number };

const [redisUrl, prefix, apiToken] = process.argv.slice(2);
if (!redisUrl || !prefix || !apiToken) throw new Error('usage: api-server.ts <redis url> <prefix> <api token>');
const bridge = await benchBridge(redisUrl, prefix, 'api', { apiToken });
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('message', (message: string) => {
  if (message === 'reset') {
    loop.reset();
    process.send!({ reset: true } satisfies ApiServerMessage);
  }
  if (message === 'stall') process.send!({ stallMs: loop.max / 1e6 } satisfies ApiServerMessage);
  if (message === 'stop') void bridge.close().finally(() => process.exit(0));
});
process.send!({ url: bridge.url! } satisfies ApiServerMessage);
