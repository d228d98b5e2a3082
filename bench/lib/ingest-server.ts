/**
 * One server of the ingest benchmark, in its own process so that its CPU time can be measured:
 * `serve` (the bridge with its workers, as `sla-bridge serve` runs it), `api` (`--role api`: the
 * HTTP side alone) or `bare` (express 5 that verifies the same HMAC and parses the same JSON, and
 * does nothing else). Started by bench/suites/ingest.ts through fork(); answers over IPC.
 *
 * argv: <kind> <redis url> <prefix>
 * SLA_BENCH_WEBHOOKS_IN_FLIGHT: the bridge's `webhooksInFlight` (0: no limit), to measure the gate.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { trackerConnectors } from '../../connectors/registry.js';
import { hmacSha256Hex } from '../../connectors/shared/hmac.js';
import { startBridge } from '../../src/app/bridge.js';
import { createLogger } from '../../src/app/logger.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../../test/support/shipped-config.js';

export type IngestServerKind = 'serve' | 'api' | 'bare';

export type IngestServerMessage = { readonly url: string } | { readonly cpu: NodeJS.CpuUsage; readonly rssMb: number };

const [kind, redisUrl, prefix] = process.argv.slice(2) as [IngestServerKind, string, string];

async function bare(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  const secret = DEMO_SECRETS.JIRA_WEBHOOK_SECRET;
  app.post('/webhooks/:sourceId', express.raw({ type: () => true, limit: '1mb' }), (request, response) => {
    const body = request.body as Buffer;
    const given = Buffer.from(String(request.get('x-hub-signature') ?? '').replace(/^sha256=/, ''), 'hex');
    const expected = Buffer.from(hmacSha256Hex(secret, body), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void response.status(401).json({ error: 'bad signature' });
    const json = JSON.parse(body.toString('utf8')) as { issue?: { key?: string } };
    response.status(202).json({ status: 'accepted', issue: json.issue?.key });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function bridge(role: 'all' | 'api'): Promise<{ url: string; close: () => Promise<void> }> {
  const running = await startBridge({
    config: loadBridgeConfig(SHIPPED_CONFIG_DIR, DEMO_SECRETS),
    connectors: trackerConnectors,
    redis: urlTarget(redisUrl),
    logger: createLogger({ silent: true }),
    prefix,
    role,
    port: 0,
    ...(process.env.SLA_BENCH_WEBHOOKS_IN_FLIGHT === undefined ? {} : { webhooksInFlight: Number(process.env.SLA_BENCH_WEBHOOKS_IN_FLIGHT) }),
  });
  return { url: running.url!, close: () => running.close() };
}

const server = kind === 'bare' ? await bare() : await bridge(kind === 'serve' ? 'all' : 'api');
process.on('message', (message: string) => {
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), rssMb: process.memoryUsage().rss / 2 ** 20 } satisfies IngestServerMessage);
  if (message === 'stop') void server.close().finally(() => process.exit(0));
});
process.send!({ url: server.url } satisfies IngestServerMessage);
