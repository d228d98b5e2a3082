/** `sla-bridge hours-statement`: the quarterly statement per associate of a contract's hours card, from the calls in Redis. */
import { HoursStore } from '../app/hours/hours-store.js';
import { statementCsv, statementHtml } from '../app/hours/statement-format.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { buildStatement, QUARTER } from '../domain/hours-statement.js';
import { withBridgeRedis } from './bridge-redis.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface HoursStatementOptions {
  readonly contract: string;
  readonly quarter: string;
  readonly format: string;
  readonly config: string;
}

export async function hoursStatementCommand(options: HoursStatementOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!QUARTER.test(options.quarter)) throw new UsageError(`--quarter: "${options.quarter}" is not a quarter (use YYYY-Qn, e.g. 2027-Q1)`);
  if (!['json', 'csv', 'html'].includes(options.format)) throw new UsageError(`--format: "${options.format}" is not json, csv or html`);
  const config = loadBridgeConfig(options.config, env, { sources: false });
  const contract = config.contracts.get(options.contract);
  if (!contract) throw new UsageError(`--contract: unknown contract "${options.contract}" (known: ${[...config.contracts.keys()].join(', ')})`);
  const card = contract.hours;
  if (!card) throw new UsageError(`--contract: contract "${contract.id}" has no hours card (hours: in its file)`);
  const calls = await withBridgeRedis(env, async (where, prefix) => {
    const redis = createRedis(where, 'request');
    try {
      await waitUntilReady(redis, where);
      return await new HoursStore(redis, prefix).loadCalls(contract.id, card);
    } finally {
      redis.disconnect();
    }
  });
  const statement = buildStatement(contract, card, calls, options.quarter, contract.calendar.zone);
  io.out(options.format === 'csv' ? statementCsv(statement).trimEnd() : options.format === 'html' ? statementHtml(statement).trimEnd() : JSON.stringify(statement, null, 2));
  return 0;
}
