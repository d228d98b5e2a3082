/**
 * A bridge config whose every warning and breach goes to several generic-webhook channels at once,
 * on a round-the-clock calendar with second-scale targets, and the Jira issues to drive it: each
 * issue created now gets its 50% warning `targetS / 2` seconds later and its breach at `targetS`.
 * For the chat isolation test and benchmark.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { notificationId } from '../../src/app/jobs/pipeline.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import { issueCreated } from './jira-payloads.js';
import { writeConfig } from './temp-config.js';

export const SOURCE = 'jira-demo';
const SECRET = 'chat-fan-out-secret';
export const LABELS = ['50%', 'breach'] as const;

/** `channels`: channel id → receiver URL (loopback http). */
export function fanOutConfig(channels: Readonly<Record<string, string>>, targetS = 6): SlaConfig {
  const ids = Object.keys(channels);
  const files: Record<string, string> = {
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/jira-demo.yaml': `kind: jira
base_url: https://jira.example.com
webhook:
  secrets: [${SECRET}]
priority:
  field: priority
  map: { Highest: P1 }
  default: P1
agents:
  domains: [megabite.example]
`,
    'contracts/fast.yaml': `customer: Fast Customer
calendar: round-the-clock
covers:
  - { source: ${SOURCE}, project: MB }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
policies:
  reaction: { P1: ${targetS}s, P2: none, P3: none, P4: none }
warnings: ["50%"]
notify: { warnings: [${ids.join(', ')}], breaches: [${ids.join(', ')}] }
`,
  };
  for (const [id, url] of Object.entries(channels)) {
    files[`channels/${id}.yaml`] = `kind: webhook\nsettings:\n  url: ${url}\n  allow_http: true\n  insecure: true\n`;
  }
  const dir = writeConfig(files);
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens issue `id` now, through the bridge's webhook endpoint. */
export async function openIssue(bridgeUrl: string, id: number): Promise<void> {
  const raw = Buffer.from(JSON.stringify(issueCreated({ created: DateTime.now().toISO()!, id: String(id), key: `MB-${id}` })));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) };
  const response = await fetch(`${bridgeUrl}/webhooks/${SOURCE}`, { method: 'POST', body: raw, headers });
  if (response.status !== 202) throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
}

/** The ids of the notifications issue `id` gets, one per label. */
export function notificationIdsOf(id: number): string[] {
  return LABELS.map((label) => notificationId(SOURCE, String(id), 'reaction', label));
}

/** Percentiles of a list of numbers (nearest rank), for printing. */
export function spread(values: readonly number[]): { n: number; p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, p50: at(50), p95: at(95), max: sorted[sorted.length - 1] ?? NaN };
}
