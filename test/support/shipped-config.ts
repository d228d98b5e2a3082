import path from 'node:path';
import { type SlaConfig } from '../../src/config/load-config.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { projectRoot } from '../../src/project-root.js';

/** The webhook secrets the shipped sources read from the environment. */
export const DEMO_SECRETS = {
  JIRA_WEBHOOK_SECRET: 'jira-demo-secret',
  GITEA_WEBHOOK_SECRET: 'gitea-demo-secret',
  MANTIS_WEBHOOK_SECRET: 'mantis-demo-secret',
  GITLAB_WEBHOOK_SECRET: 'gitlab-demo-secret',
  GITHUB_WEBHOOK_SECRET: 'github-demo-secret',
} as const;

export const SHIPPED_CONFIG_DIR = path.join(projectRoot(), 'config');

let shipped: SlaConfig | undefined;

/** The config/ directory a new user gets, loaded once per test run. */
export function shippedConfig(): SlaConfig {
  shipped ??= loadBridgeConfig(SHIPPED_CONFIG_DIR, DEMO_SECRETS);
  return shipped;
}
