import { loadBridgeConfig } from '../app/plugins.js';
import type { CliIo } from './cli-io.js';

export function validateCommand(configDir: string, io: CliIo): number {
  const config = loadBridgeConfig(configDir);
  const list = (ids: Iterable<string>) => [...ids].sort().join(', ');
  io.out(
    `${config.dir}: valid (${config.calendars.size} calendars, ${config.contracts.size} contracts: ${list(config.contracts.keys())}; ` +
      `${config.sources.size} sources: ${list(config.sources.keys())})`,
  );
  return 0;
}
