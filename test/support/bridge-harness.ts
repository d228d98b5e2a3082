/** A real bridge (HTTP server, queue, workers) on a real Redis, for end-to-end tests. */
import { Queue } from 'bullmq';
import { trackerConnectors } from '../../connectors/registry.js';
import { startBridge, type BridgeOptions, type RunningBridge } from '../../src/app/bridge.js';
import { INGEST_QUEUE, NOTIFY_QUEUE, TIMER_QUEUE, WRITE_BACK_QUEUE, chatChannelIds, chatQueueName } from '../../src/app/jobs/pipeline.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import { createLogger } from '../../src/app/logger.js';
import { createRedis, type RedisClient } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import { sharedRedis, uniquePrefix } from './redis-server.js';
import { shippedConfig } from './shipped-config.js';
import { waitUntil } from './wait-for.js';

/** Every queue a webhook's consequences pass through (reconciliation runs on its own schedule), the chat queues of `config`'s channels among them. */
export function workQueues(config: SlaConfig): string[] {
  return [INGEST_QUEUE, TIMER_QUEUE, NOTIFY_QUEUE, ...chatChannelIds(config).map(chatQueueName), WRITE_BACK_QUEUE];
}

export interface TestBridge extends RunningBridge {
  readonly url: string;
  readonly prefix: string;
  /** Per work queue, how many jobs wait, run or are delayed (timers and retries) in this prefix. */
  pendingJobs(): Promise<Record<string, number>>;
}

/** `redis` names the Redis (a URL, sentinels or cluster nodes); the suite's shared one by default. */
export async function startTestBridge(overrides: Partial<BridgeOptions> & { config?: SlaConfig } = {}): Promise<TestBridge> {
  const redis = overrides.redis ?? urlTarget((await sharedRedis()).url);
  const prefix = overrides.prefix ?? uniquePrefix('bridge');
  const config = overrides.config ?? shippedConfig();
  const bridge = await startBridge({
    connectors: trackerConnectors,
    logger: createLogger({ silent: !process.env.TEST_LOGS, format: 'pretty', level: 'debug' }),
    port: 0,
    host: '127.0.0.1',
    workerConcurrency: 4,
    ...overrides,
    config,
    redis,
    prefix,
  });
  // Opened on first use only: a test that counts the bridge's Redis clients sees just the bridge's.
  let handles: { connection: RedisClient; queues: Queue[] } | undefined;
  return {
    ...bridge,
    url: bridge.url!,
    prefix,
    async pendingJobs() {
      if (!handles) {
        const connection = createRedis(redis, 'request');
        handles = { connection, queues: workQueues(config).map((name) => new Queue(name, { connection, prefix })) };
      }
      const counts = await Promise.all(handles.queues.map(async (queue) => [queue.name, sum(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'))] as const));
      return Object.fromEntries(counts);
    },
    async close() {
      await bridge.close();
      if (handles) {
        await Promise.all(handles.queues.map((queue) => queue.close()));
        handles.connection.disconnect();
      }
    },
  };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);

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
  const state = await waitUntil(
    `issue ${source}/${issueId} to reach the expected state`,
    () => bridge.store.loadState(source, issueId),
    (candidate) => candidate !== undefined && ready(candidate),
    { timeoutMs },
  );
  return state!;
}

/** Waits until the ingest queue has no waiting, active or delayed jobs. */
export async function waitForIdleQueue(bridge: RunningBridge, timeoutMs = 10_000): Promise<void> {
  await waitUntil('the ingest queue to drain', () => bridge.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), (counts) => sum(counts) === 0, { timeoutMs });
}

/**
 * Waits until nothing is left to happen: no job waits, runs or is delayed in any work queue, so no
 * timer is planned and no message or write-back is on its way. A job hands its consequences on
 * before it completes, so no moment between jobs looks quiet. Check that what was expected has
 * happened first: this is the sign that nothing more will, which a negative check needs.
 */
export async function waitForQuiet(bridge: TestBridge, timeoutMs = 15_000): Promise<void> {
  await waitUntil('every work queue to be empty (no planned timer, no message or write-back on its way)', () => bridge.pendingJobs(), (counts) => sum(counts) === 0, { timeoutMs });
}
