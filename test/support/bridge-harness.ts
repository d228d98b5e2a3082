/** A real bridge (HTTP server, queue, workers) on a real Redis, for end-to-end tests. */
import { trackerConnectors } from '../../connectors/registry.js';
import { startBridge, type BridgeOptions, type RunningBridge } from '../../src/app/bridge.js';
import type { IssueState } from '../../src/app/issue-store.js';
import { createLogger } from '../../src/app/logger.js';
import { urlTarget } from '../../src/app/redis-target.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import { sharedRedis, uniquePrefix } from './redis-server.js';
import { shippedConfig } from './shipped-config.js';

export interface TestBridge extends RunningBridge {
  readonly url: string;
  readonly prefix: string;
}

/** `redis` names the Redis (a URL, sentinels or cluster nodes); the suite's shared one by default. */
export async function startTestBridge(overrides: Partial<BridgeOptions> & { config?: SlaConfig } = {}): Promise<TestBridge> {
  const redis = overrides.redis ?? urlTarget((await sharedRedis()).url);
  const prefix = overrides.prefix ?? uniquePrefix('bridge');
  const bridge = await startBridge({
    config: shippedConfig(),
    connectors: trackerConnectors,
    logger: createLogger({ silent: !process.env.TEST_LOGS, format: 'pretty', level: 'debug' }),
    port: 0,
    host: '127.0.0.1',
    workerConcurrency: 4,
    ...overrides,
    redis,
    prefix,
  });
  return { ...bridge, url: bridge.url!, prefix };
}

export interface PostResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

export async function postRaw(url: string, body: string | Buffer, headers: Record<string, string>): Promise<PostResult> {
  const response = await fetch(url, { method: 'POST', body, headers });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** Polls the store until the issue's state satisfies `ready` (the workers run asynchronously). */
export async function waitForState(
  bridge: RunningBridge,
  source: string,
  issueId: string,
  ready: (state: IssueState) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<IssueState> {
  const deadline = Date.now() + timeoutMs;
  let last: IssueState | undefined;
  while (Date.now() < deadline) {
    last = await bridge.store.loadState(source, issueId);
    if (last && ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`issue ${source}/${issueId} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** Waits until the ingest queue has no waiting, active or delayed jobs. */
export async function waitForIdleQueue(bridge: RunningBridge, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await bridge.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((count) => count === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the ingest queue did not drain');
}
