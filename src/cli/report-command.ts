import { IssueStore } from '../app/store/issue-store.js';
import { reportCsv, reportHtml } from '../app/report-format.js';
import { reportExtras } from '../app/report-extras.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { buildReport, MONTH } from '../domain/sla-report.js';
import { HoursStore } from '../app/hours/hours-store.js';
import { withHoursSection } from '../app/hours/hours-report-data.js';
import { withBridgeRedis } from './bridge-redis.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface ReportOptions {
  readonly contract: string;
  readonly month: string;
  readonly format: string;
  readonly config: string;
}

export async function reportCommand(options: ReportOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!MONTH.test(options.month)) throw new UsageError(`--month: "${options.month}" is not a month (use YYYY-MM)`);
  if (!['json', 'csv', 'html'].includes(options.format)) throw new UsageError(`--format: "${options.format}" is not json, csv or html`);
  const config = loadBridgeConfig(options.config, env, { sources: false });
  const contract = config.contracts.get(options.contract);
  if (!contract) throw new UsageError(`--contract: unknown contract "${options.contract}" (known: ${[...config.contracts.keys()].join(', ')})`);
  const report = await withBridgeRedis(env, async (where, prefix) => {
    const redis = createRedis(where, 'request');
    try {
      await waitUntilReady(redis, where);
      const store = new IssueStore(redis, prefix);
      const states = await store.loadStates(await store.listIssues());
      return await withHoursSection({ ...buildReport(contract, options.month, states), ...(await reportExtras(redis, prefix, contract, options.month, Date.now())) }, contract, new HoursStore(redis, prefix), Date.now());
    } finally {
      redis.disconnect();
    }
  });
  io.out(options.format === 'csv' ? reportCsv(report).trimEnd() : options.format === 'html' ? reportHtml(report).trimEnd() : JSON.stringify(report, null, 2));
  return 0;
}
