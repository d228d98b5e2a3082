import { loadConfig } from '../config/load-config.js';
import type { CliIo } from './cli-io.js';

export function validateCommand(configDir: string, io: CliIo): number {
  const config = loadConfig(configDir);
  io.out(`${config.dir}: valid (${config.calendars.size} calendars, ${config.contracts.size} contracts: ${[...config.contracts.keys()].join(', ')})`);
  return 0;
}
