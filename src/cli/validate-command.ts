import { loadBridgeConfig } from '../app/plugins.js';
import type { CliIo } from './cli-io.js';
import { explainContractMetrics } from './explain-metrics.js';

/**
 * Loads the config exactly as `sla-bridge serve` does at start and on SIGHUP (the same loader,
 * directory and environment), so `sla-bridge validate && kill -HUP <pid>` reloads only what passed.
 */
export function validateCommand(configDir: string, io: CliIo, env: NodeJS.ProcessEnv = process.env): number {
  const config = loadBridgeConfig(configDir, env);
  const list = (ids: Iterable<string>) => [...ids].sort().join(', ');
  for (const line of explainContractMetrics(config.contracts.values())) io.out(line);
  io.out(
    `${config.dir}: valid (${config.calendars.size} calendars, ${config.contracts.size} contracts: ${list(config.contracts.keys())}; ` +
      `${config.sources.size} sources: ${list(config.sources.keys())}); ` +
      'sla-bridge serve loads the same from it, at start and on SIGHUP, given this environment',
  );
  return 0;
}
