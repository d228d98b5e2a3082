import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBridgeConfig } from '../app/plugins.js';
import { IssueStore } from '../app/store/issue-store.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { whatIfCsv, whatIfHtml } from '../app/what-if/what-if-format.js';
import { MAX_WHAT_IF_MONTHS, runWhatIf } from '../app/what-if/what-if-run.js';
import { applyWhatIfFile } from '../config/what-if-file.js';
import { MONTH } from '../domain/sla-report.js';
import { withBridgeRedis } from './bridge-redis.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface WhatIfOptions {
  readonly contract: string;
  readonly month: string;
  readonly months: string;
  readonly with: string;
  readonly format: string;
  readonly config: string;
}

/** How a file is named in messages: relative to the working directory when it is below it. */
function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

export async function whatIfCommand(options: WhatIfOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!MONTH.test(options.month)) throw new UsageError(`--month: "${options.month}" is not a month (use YYYY-MM)`);
  const months = Number(options.months);
  if (!/^\d+$/.test(options.months) || months < 1 || months > MAX_WHAT_IF_MONTHS) throw new UsageError(`--months: "${options.months}" is not a number of months from 1 to ${MAX_WHAT_IF_MONTHS}`);
  if (!['json', 'csv', 'html'].includes(options.format)) throw new UsageError(`--format: "${options.format}" is not json, csv or html`);
  const config = loadBridgeConfig(options.config, env, { sources: false });
  const contract = config.contracts.get(options.contract);
  if (!contract) throw new UsageError(`--contract: unknown contract "${options.contract}" (known: ${[...config.contracts.keys()].join(', ')})`);
  let text: string;
  try {
    text = readFileSync(options.with, 'utf8');
  } catch (error) {
    throw new UsageError(`--with: cannot read ${options.with}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const file = displayName(options.with);
  const changed = applyWhatIfFile(text, file, contract, config.calendars, env);
  const report = await withBridgeRedis(env, async (where, prefix) => {
    const redis = createRedis(where, 'request');
    try {
      await waitUntilReady(redis, where);
      return await runWhatIf(new IssueStore(redis, prefix), { contract, changed, file, month: options.month, months, now: Date.now() });
    } finally {
      redis.disconnect();
    }
  });
  io.out(options.format === 'csv' ? whatIfCsv(report).trimEnd() : options.format === 'html' ? whatIfHtml(report).trimEnd() : JSON.stringify(report, null, 2));
  return 0;
}
