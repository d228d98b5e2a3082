/**
 * `sla-bridge import [--in FILE] [--source ID]`: an export's lines back into the Redis the other
 * commands use. States are recomputed from the logs with this config's contracts, timers planned
 * and write-backs queued for the bridge's workers; issues the Redis already has stay as they are.
 * Every damaged line is named on stderr with its field, the others are imported, and the exit code is 1.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { importIssues } from '../app/archive/import-issues.js';
import { createIssueWork } from '../app/jobs/issue-work.js';
import { createLogger } from '../app/logger.js';
import { BridgeMetrics } from '../app/metrics.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { withBridgeRedis } from './bridge-redis.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface ImportCommandOptions {
  readonly in?: string | undefined;
  readonly source?: string | undefined;
  readonly config: string;
}

export async function importCommand(options: ImportCommandOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadBridgeConfig(options.config, env);
  if (options.in) {
    await access(options.in).catch((error: Error) => {
      throw new UsageError(`--in: cannot read ${options.in}: ${error.message}`);
    });
  }
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'warn', format: 'pretty', stderrOnly: true });
  const result = await withBridgeRedis(env, async (target, prefix) => {
    const redis = createRedis(target, 'worker');
    const work = createIssueWork({ redis, prefix, config, now: Date.now, logger, metrics: new BridgeMetrics(), quietHours: true });
    try {
      await waitUntilReady(redis, target);
      // Opened only now: lines read before the loop starts would be lost.
      const lines = createInterface({ input: options.in ? createReadStream(options.in) : process.stdin, crlfDelay: Infinity });
      return await importIssues(work, lines, { source: options.source, redis: { client: redis, prefix } });
    } finally {
      for (const queue of work.queues) await queue.close();
      redis.disconnect();
    }
  });
  const parts = [
    `imported ${result.imported} issue${result.imported === 1 ? '' : 's'}`,
    ...(result.present > 0 ? [`${result.present} already present`] : []),
    ...(result.filtered > 0 ? [`${result.filtered} of other sources left out`] : []),
    ...(result.marks > 0 ? [`${result.marks} contract mark${result.marks === 1 ? '' : 's'} restored`] : []),
    ...(result.problems.length > 0 ? [`${result.problems.length} damaged line${result.problems.length === 1 ? '' : 's'}`] : []),
  ];
  io.out(`${parts[0]}${parts.length > 1 ? ` (${parts.slice(1).join(', ')})` : ''}${options.in ? ` from ${options.in}` : ''}`);
  for (const problem of result.problems) io.err(`sla-bridge: line ${problem.line}: ${problem.message}`);
  return result.problems.length > 0 ? 1 : 0;
}
