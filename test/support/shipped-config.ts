import path from 'node:path';
import { loadConfig, type SlaConfig } from '../../src/config/load-config.js';
import { projectRoot } from '../../src/project-root.js';

let shipped: SlaConfig | undefined;

/** The config/ directory a new user gets, loaded once per test run. */
export function shippedConfig(): SlaConfig {
  shipped ??= loadConfig(path.join(projectRoot(), 'config'));
  return shipped;
}
