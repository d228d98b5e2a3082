import path from 'node:path';
import { startEmbeddedRedis, runningEmbeddedRedis } from '../app/embedded-redis.js';
import { IssueStore } from '../app/issue-store.js';
import { reportCsv, reportHtml } from '../app/report-format.js';
import { createRedis, waitUntilReady } from '../app/redis-connection.js';
import { keyPrefix, redisTargetFromEnv, urlTarget, type RedisTarget } from '../app/redis-target.js';
import { loadConfig } from '../config/load-config.js';
import { buildReport, MONTH } from '../domain/sla-report.js';
import { projectRoot } from '../project-root.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface ReportOptions {
  readonly contract: string;
  readonly month: string;
  readonly format: string;
  readonly config: string;
}

/**
 * Where the issue states are: the Redis the environment names (as for `serve`), the running
 * bridge's own Redis, or that Redis's data started briefly.
 */
async function withRedis<T>(target: RedisTarget | undefined, env: NodeJS.ProcessEnv, work: (target: RedisTarget) => Promise<T>): Promise<T> {
  if (target) return work(target);
  const dataDir = env.SLA_BRIDGE_DATA_DIR ?? path.join(projectRoot(), '.data', 'redis');
  const running = await runningEmbeddedRedis(dataDir);
  if (running) return work(urlTarget(running));
  const embedded = await startEmbeddedRedis({ dataDir }).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  try {
    return await work(urlTarget(embedded.url));
  } finally {
    await embedded.stop();
  }
}

export async function reportCommand(options: ReportOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!MONTH.test(options.month)) throw new UsageError(`--month: "${options.month}" is not a month (use YYYY-MM)`);
  if (!['json', 'csv', 'html'].includes(options.format)) throw new UsageError(`--format: "${options.format}" is not json, csv or html`);
  const config = loadConfig(options.config, env, { sources: false });
  const contract = config.contracts.get(options.contract);
  if (!contract) throw new UsageError(`--contract: unknown contract "${options.contract}" (known: ${[...config.contracts.keys()].join(', ')})`);
  const target = redisTargetFromEnv(env);
  const prefix = keyPrefix(env, target);
  const states = await withRedis(target, env, async (where) => {
    const redis = createRedis(where, 'request');
    try {
      await waitUntilReady(redis, where);
      const store = new IssueStore(redis, prefix);
      return await store.loadStates(await store.listIssues());
    } finally {
      redis.disconnect();
    }
  });
  const report = buildReport(contract, options.month, states);
  io.out(options.format === 'csv' ? reportCsv(report).trimEnd() : options.format === 'html' ? reportHtml(report).trimEnd() : JSON.stringify(report, null, 2));
  return 0;
}
