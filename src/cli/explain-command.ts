import { explainIssue } from '../app/explain/explain-issue.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { IssueStore } from '../app/store/issue-store.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { withBridgeRedis } from './bridge-redis.js';
import { CommandFailure, type CliIo } from './cli-io.js';

export interface ExplainOptions {
  readonly source: string;
  readonly issue: string;
  readonly config: string;
  readonly json?: boolean | undefined;
}

/** `sla-bridge explain`: the same explanation as `GET /api/issues/:source/:key/explain`, from the bridge's Redis. */
export async function explainCommand(options: ExplainOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): Promise<number> {
  const config = loadBridgeConfig(options.config, env, { sources: false });
  const explanation = await withBridgeRedis(env, async (where, prefix) => {
    const redis = createRedis(where, 'request');
    try {
      await waitUntilReady(redis, where);
      const parts = { redis, prefix, store: new IssueStore(redis, prefix), contracts: () => config.contracts.values(), channels: () => config.channels, fallbackChannel: () => config.fallbackChannel };
      return await explainIssue(parts, options.source, options.issue, now());
    } finally {
      redis.disconnect();
    }
  });
  if (!explanation) throw new CommandFailure(`no issue ${options.issue} of source ${options.source} in the bridge's Redis`);
  io.out(options.json ? JSON.stringify(explanation, null, 2) : explanation.text);
  return 0;
}
