/**
 * Config reload cost: how long `reload` takes with N open issues, when the change touches all of
 * them (a contract's target: every issue recomputed, re-planned and its write-back queued) and
 * when it touches none (a contract for another project: every issue checked, none re-planned).
 * The issues come in through the real webhook endpoint and workers on a real Redis. Run with
 * `npx tsx bench/reload.bench.ts [issues]` (needs redis-server).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { startBridge } from '../src/app/bridge.js';
import { createLogger } from '../src/app/logger.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { projectRoot } from '../src/project-root.js';
import { issueCreated } from '../test/support/jira-payloads.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { writeConfig } from '../test/support/temp-config.js';

const ISSUES = Number(process.argv[2] ?? 2_000);
const PARALLEL_POSTS = 16;
const fixture = path.join(projectRoot(), 'test/fixtures/timer-config');
const files = Object.fromEntries(
  ['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'contracts/fast.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(fixture, name), 'utf8')]),
);
// Long targets: nothing fires while the bench runs.
const contract = (p1: string) => files['contracts/fast.yaml']!.replace(/P1: \w+/, `P1: ${p1}`);
const dir = writeConfig({ ...files, 'contracts/fast.yaml': contract('10h') });
const load = () => loadBridgeConfig(dir, {});

const redis = await spawnRedis();
const bridge = await startBridge({ config: load(), connectors: trackerConnectors, redis: urlTarget(redis.url), logger: createLogger({ silent: true }), port: 0, prefix: 'bench' });
try {
  const created = DateTime.now().toISO()!;
  let next = 0;
  const lane = async () => {
    while (next < ISSUES) {
      const index = next++;
      const raw = Buffer.from(JSON.stringify(issueCreated({ created, id: String(70000 + index), key: `MB-${index}` })));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
      const response = await fetch(`${bridge.url}/webhooks/jira-demo`, { method: 'POST', body: raw, headers });
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_POSTS }, lane));
  while ((await bridge.store.loadStates(await bridge.store.listIssues())).length < ISSUES) await new Promise((resolve) => setTimeout(resolve, 100));

  const timed = async (what: string, change: () => void) => {
    change();
    const started = performance.now();
    const outcome = await bridge.reload(load);
    const ms = performance.now() - started;
    const replanned = outcome.applied ? outcome.replanned : undefined;
    console.log(`${what}: ${ms.toFixed(0)} ms; open ${replanned?.open}, re-planned ${replanned?.replanned}, failed ${replanned?.failed} (${((replanned?.open ?? 0) / (ms / 1000)).toFixed(0)} issues/s checked)`);
  };
  console.log(`reload bench: ${ISSUES} open issues, node ${process.version}, ${new Date().toISOString()}`);
  await timed('a target every issue has changed', () => writeFileSync(path.join(dir, 'contracts/fast.yaml'), contract('12h')));
  await timed('a contract for another project added', () => writeFileSync(path.join(dir, 'contracts/other.yaml'), contract('1h').replace('project: MB', 'project: OTHER')));
} finally {
  await bridge.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
