/**
 * `sla-bridge reconcile --source ID --since 24h`: asks a tracker what changed and applies what the
 * bridge missed, straight into the issue states in Redis (REDIS_URL, or the bridge's own). Timers
 * and write-backs it causes are queued for the bridge's workers, running or started later.
 */
import { DateTime } from 'luxon';
import type { ConnectorRegistry } from '../../connectors/connector.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { createIssueWork } from '../app/jobs/issue-work.js';
import { createLogger } from '../app/logger.js';
import { BridgeMetrics } from '../app/metrics.js';
import { AgentDirectory } from '../app/store/agent-directory.js';
import { LineGroupDirectory } from '../app/store/line-group-directory.js';
import { OutboundHttp } from '../app/outbound/outbound-http.js';
import { reconcilableSource, reconcileSource, trackerRead, trackerReaders, type ReconcileProgress, type ReconcileResult } from '../app/jobs/reconcile.js';
import { createRedis, RedisUnreachableError, waitUntilReady } from '../app/store/redis-connection.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { durationToMs, parseDuration } from '../domain/duration.js';
import { withBridgeRedis } from './bridge-redis.js';
import { CommandFailure, UsageError, type CliIo } from './cli-io.js';
import { progressDisplay } from './progress-display.js';

export interface ReconcileOptions {
  readonly source: string;
  readonly since: string;
  readonly config: string;
  readonly json?: boolean | undefined;
}

const DAY_MS = 86_400_000;

/** `24h`, `2d`, `1w` back from now (wall-clock), or an ISO 8601 instant. */
export function parseSince(text: string, now: number): number {
  const duration = parseDuration(text);
  if (duration) return now - durationToMs(duration, DAY_MS, 7 * DAY_MS);
  const instant = DateTime.fromISO(text, { setZone: true });
  if (instant.isValid && instant.toMillis() <= now) return instant.toMillis();
  throw new UsageError(`--since: "${text}" is neither a duration such as 24h, 2d or 1w nor a past ISO 8601 date-time`);
}

function summary(result: ReconcileResult, sinceText: string): string {
  const issues = (n: number) => `${n} issue${n === 1 ? '' : 's'}`;
  const when = new Date(result.since).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const head = `${result.source}: ${issues(result.checked)} changed since ${when} (${sinceText})`;
  if (result.added === 0) return `${head}; the bridge had every event already.`;
  return `${head}; ${issues(result.updated)} had missed events, ${result.added} event${result.added === 1 ? '' : 's'} applied.`;
}

export async function reconcileCommand(
  options: ReconcileOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  connectors: ConnectorRegistry = trackerConnectors,
  progressStream: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const config = loadBridgeConfig(options.config, env);
  const readers = trackerReaders(connectors);
  try {
    reconcilableSource({ sources: config.sources, readers }, options.source);
  } catch (error) {
    throw new UsageError(`--source: ${(error as Error).message}`);
  }
  const since = parseSince(options.since, Date.now());
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'warn', format: 'pretty', stderrOnly: true });
  const result = await withBridgeRedis(env, async (target, prefix) => {
    const redis = createRedis(target, 'worker');
    const work = createIssueWork({ redis, prefix, config, now: Date.now, logger, metrics: new BridgeMetrics() });
    const progress = progressDisplay(progressStream, `${options.source} issues`);
    try {
      await waitUntilReady(redis, target);
      const read = trackerRead(new OutboundHttp({ logger }));
      const reconciled = new Map([[options.source, config.sources.get(options.source)!]]);
      const agents = new AgentDirectory({ sources: reconciled, connectors, read, redis, prefix, now: Date.now, logger });
      await agents.start();
      // One run: with the members as they are now, not as a bridge last kept them.
      await agents.refresh();
      // The support lines' tracker groups, read now (kept ones if the tracker cannot be read).
      const lineGroups = new LineGroupDirectory({ contracts: config.contracts, sources: config.sources, connectors, read, redis, prefix, now: Date.now, logger });
      await lineGroups.start();
      try {
        return await reconcileSource({ ...work, readers, agents, read }, options.source, since, (step: ReconcileProgress) => progress.update(step.checked, step.total));
      } catch (error) {
        // The listing itself failed (an issue that cannot be read is in the result instead).
        if (error instanceof RedisUnreachableError) throw error;
        throw new CommandFailure(`${options.source}: could not list the changed issues: ${(error as Error).message}`);
      } finally {
        await agents.close();
        await lineGroups.close();
      }
    } finally {
      progress.stop();
      for (const queue of work.queues) await queue.close();
      redis.disconnect();
    }
  });
  io.out(options.json ? JSON.stringify(result, null, 2) : summary(result, options.since));
  for (const { issue, reason } of result.failed) io.err(`sla-bridge: ${options.source} ${issue}: ${reason}`);
  return result.failed.length > 0 ? 1 : 0;
}
