/**
 * `sla-bridge demo`: the real bridge on its own Redis with a contract whose targets are seconds,
 * fed signed sample webhooks from each tracker kind through the real HTTP endpoint, showing the
 * warnings and breaches on the console channel and the deadlines written back to a stand-in tracker.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { trackerConnectors } from '../../connectors/registry.js';
import { startBridge, type RunningBridge } from '../app/bridge.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../app/embedded-redis.js';
import { NOTIFY_QUEUE } from '../app/fire-timer.js';
import { createLogger } from '../app/logger.js';
import { createRedis } from '../app/redis-connection.js';
import { describeRedisTarget, urlTarget, type RedisTarget } from '../app/redis-target.js';
import type { DueNotification } from '../app/sla-timers.js';
import type { CliIo } from '../cli/cli-io.js';
import { loadConfig } from '../config/load-config.js';
import { projectRoot } from '../project-root.js';
import { sampleWebhooks } from './sample-webhooks.js';
import { startStandInTracker, type StandInTracker } from './stand-in-tracker.js';

export interface DemoOptions {
  readonly once: boolean;
  readonly port: number;
  readonly host: string;
  /** The Redis the environment names; without one the demo runs its own. */
  readonly redis?: RedisTarget | undefined;
  /** How long `--once` waits for everything to arrive. */
  readonly timeoutMs?: number;
}

const EXPECTED_NOTIFICATIONS = ['50%', 'breach'];

/** Which part of the stand-in tracker's URL space each demo issue is written to. */
const WRITE_BACK_PATHS: Record<string, string> = {
  '90001': '/jira/rest/api/2/issue/90001',
  'demo/shop#1': '/gitea/api/v1/repos/demo/shop/issues/1',
  '90003': '/mantis/api/rest/issues/90003',
};

export interface DemoRun {
  /** Resolves with the exit code once the demo is over (at once with --once, on stop otherwise). */
  readonly finished: Promise<number>;
  stop(): Promise<void>;
}

export async function runDemo(options: DemoOptions, io: CliIo): Promise<DemoRun> {
  const tracker = await startStandInTracker();
  let redis: EmbeddedRedis | undefined;
  let bridge: RunningBridge | undefined;
  const target = options.redis ?? urlTarget((redis = await startEmbeddedRedis({})).url);
  const config = loadConfig(path.join(projectRoot(), 'config', 'demo'), { ...process.env, SLA_BRIDGE_DEMO_TRACKER_URL: tracker.url });
  // Its own namespace, hash-tagged so that it also runs on a Cluster.
  const prefix = `{demo-${randomUUID().slice(0, 8)}}`;
  const apiToken = `demo-${randomUUID().slice(0, 12)}`;
  bridge = await startBridge({
    config,
    connectors: trackerConnectors,
    redis: target,
    prefix,
    port: options.port,
    host: options.host,
    apiToken,
    logger: createLogger({ format: 'pretty', level: 'info' }),
  });
  const watcherRedis = createRedis(target, 'worker');
  const notifications = new Queue<DueNotification>(NOTIFY_QUEUE, { connection: watcherRedis, prefix });
  const stop = async () => {
    await bridge?.close();
    await notifications.close();
    watcherRedis.disconnect();
    await tracker.close();
    await redis?.stop();
  };

  io.out(`sla-bridge demo: the bridge listens on ${bridge.url}, on ${options.redis ? describeRedisTarget(options.redis) : 'its own redis-server'}.`);
  io.out('Contract "demo": reaction P1 within 10 s, round the clock, a warning at 50%. Sending a new P1 issue from Jira, Gitea and MantisBT:');
  const samples = sampleWebhooks(trackerConnectors);
  for (const sample of samples) {
    const response = await fetch(`${bridge.url}/webhooks/${sample.source}`, { method: 'POST', headers: sample.headers, body: sample.body });
    io.out(`  POST /webhooks/${sample.source} (${sample.issueKey}, signed like ${sample.kind} does) -> ${response.status}`);
  }
  io.out('Watch the console channel below: a warning after about 5 s, the breach after 10 s. Write-backs to the stand-in tracker are shown as they happen.');

  const finished = watch(samples.map((sample) => ({ id: sample.issueId, key: sample.issueKey })), notifications, tracker, io, options.once ? (options.timeoutMs ?? 45_000) : Infinity).then(async (missing) => {
    if (missing.length === 0) io.out('sla-bridge demo: every expected warning, breach and write-back arrived.');
    else io.err(`sla-bridge demo: missing after the wait: ${missing.join('; ')}`);
    if (options.once) {
      await stop();
      return missing.length === 0 ? 0 : 1;
    }
    io.out(`Still serving. Next: curl -H 'Authorization: Bearer ${apiToken}' ${bridge!.url}/api/issues, open ${bridge!.url}/metrics, or the queues at ${bridge!.url}/api/queues/ (same token). Ctrl-C stops.`);
    return new Promise<number>(() => undefined);
  });
  return { finished, stop };
}

async function watch(issues: { id: string; key: string }[], notifications: Queue<DueNotification>, tracker: StandInTracker, io: CliIo, timeoutMs: number): Promise<string[]> {
  const seen = new Set<string>();
  let shownRequests = 0;
  const deadline = Date.now() + timeoutMs;
  const missing = () =>
    issues.flatMap((issue) => [
      ...EXPECTED_NOTIFICATIONS.filter((label) => !seen.has(`${issue.id}|${label}`)).map((label) => `${label} of ${issue.key}`),
      ...(tracker.requests.some((request) => request.path.startsWith(WRITE_BACK_PATHS[issue.id]!)) ? [] : [`write-back of ${issue.key}`]),
    ]);
  while (Date.now() < deadline) {
    for (const job of await notifications.getJobs(['completed'])) {
      const key = `${job.data.issueId}|${job.data.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const issue = issues.find((candidate) => candidate.id === job.data.issueId);
      io.out(`  ${job.data.kind === 'warning' ? '⚠️ ' : '🚨'} ${job.data.kind} (${job.data.label}) of ${issue?.key ?? job.data.issueId} sent to the console channel`);
    }
    for (const request of tracker.requests.slice(shownRequests)) {
      io.out(`  ✍️  write-back ${request.method} ${request.path} ${JSON.stringify(request.body)}`);
    }
    shownRequests = tracker.requests.length;
    if (missing().length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return missing();
}
