/**
 * `sla-bridge compact`: retention's compaction at once (the bridge runs it on bridge.yaml's
 * schedule), on the Redis the other commands use.
 */
import { MIN_CLOSED_FOR_MS } from '../config/bridge-file.js';
import { compactClosedIssues, type RetentionResult } from '../app/jobs/retention.js';
import { createLogger } from '../app/logger.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { IssueStore } from '../app/store/issue-store.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { durationToMs, formatMs, parseDuration } from '../domain/duration.js';
import { withBridgeRedis } from './bridge-redis.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface CompactOptions {
  readonly closedFor?: string | undefined;
  readonly source?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly config: string;
}

const DAY_MS = 86_400_000;

function closedForMs(text: string): number {
  const duration = parseDuration(text);
  if (!duration) throw new UsageError(`--closed-for: "${text}" is not a duration (use e.g. 90d or 26w)`);
  const ms = durationToMs(duration, DAY_MS, 7 * DAY_MS);
  if (ms < MIN_CLOSED_FOR_MS) throw new UsageError(`--closed-for: "${text}" is shorter than 7d: trackers resend deliveries for days, and a compacted log no longer knows which it had`);
  return ms;
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function summary(result: RetentionResult, closedFor: number, dryRun: boolean): string {
  const days = closedFor % DAY_MS === 0 ? `${closedFor / DAY_MS}d` : formatMs(closedFor);
  const head = `${result.issues} issues, ${result.closed} resolved or deleted and quiet for ${days}`;
  if (result.compacted === 0) return `${head}: nothing to compact.`;
  const verb = dryRun ? 'would be compacted' : 'compacted';
  return `${head}: ${result.compacted} ${verb}, ${result.eventsBefore} events to ${result.eventsAfter} (${kilobytes(result.bytesBefore)} to ${kilobytes(result.bytesAfter)}).`;
}

export async function compactCommand(options: CompactOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadBridgeConfig(options.config, env, { sources: false });
  const closedFor = options.closedFor !== undefined ? closedForMs(options.closedFor) : config.bridge?.retention?.closedForMs;
  if (closedFor === undefined) throw new UsageError(`--closed-for: ${config.dir} sets no retention (bridge.yaml); say how long, e.g. --closed-for 90d`);
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'warn', format: 'pretty', stderrOnly: true });
  const contracts = [...config.contracts.values()];
  const result = await withBridgeRedis(env, async (target, prefix) => {
    const redis = createRedis(target, 'worker');
    try {
      await waitUntilReady(redis, target);
      return await compactClosedIssues(
        { store: new IssueStore(redis, prefix), contracts: () => contracts, logger },
        { closedForMs: closedFor, now: Date.now(), source: options.source, dryRun: options.dryRun },
      );
    } finally {
      redis.disconnect();
    }
  });
  io.out(options.json ? JSON.stringify(result, null, 2) : summary(result, closedFor, options.dryRun ?? false));
  for (const { source, issue, reason } of result.refused) io.err(`sla-bridge: ${source} ${issue}: left whole: ${reason}`);
  return result.refused.length > 0 ? 1 : 0;
}
