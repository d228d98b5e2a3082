/**
 * Retention: what compaction saves and what it costs. Half a year of a Jira service desk
 * (test/support/jira-stories.ts, 300 issues) through the real endpoint into a real Redis; then the
 * Redis memory (MEMORY USAGE) of each closed issue's keys before and after compacting the issues
 * closed for 90 days, the time a compaction run takes, and the size of an export.
 *
 * Run with `npx tsx bench/retention.bench.ts` (needs redis-server).
 */
import { trackerConnectors } from '../connectors/registry.js';
import { exportIssues } from '../src/app/archive/export-issues.js';
import { startBridge } from '../src/app/bridge.js';
import { compactClosedIssues } from '../src/app/jobs/retention.js';
import { createLogger } from '../src/app/logger.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { IssueStore } from '../src/app/store/issue-store.js';
import { createRedis } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { closedSince } from '../src/domain/history-compaction.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { jiraHeaders, jiraStories, storyConfigFiles } from '../test/support/jira-stories.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { DEMO_SECRETS } from '../test/support/shipped-config.js';
import { writeConfig } from '../test/support/temp-config.js';

const ISSUES = 300;
const DAY = 86_400_000;
const PARTS = ['events', 'event-ids', 'shown', 'state', 'ref', 'written', 'timers', 'sent:reaction', 'sent:resolution'];

const redisServer = await spawnRedis();
const config = loadBridgeConfig(writeConfig(storyConfigFiles()), DEMO_SECRETS);
const now = Date.now();
const prefix = 'bench';
const bridge = await startBridge({ config, connectors: trackerConnectors, redis: urlTarget(redisServer.url), prefix, logger: createLogger({ silent: true }), port: 0, now: () => now });
const redis = createRedis(urlTarget(redisServer.url), 'request');
try {
  const deliveries = jiraStories(now, ISSUES, 7);
  for (const { body, deliveryId } of deliveries) {
    const raw = Buffer.from(JSON.stringify(body));
    const response = await fetch(`${bridge.url}/webhooks/jira-demo`, { method: 'POST', body: raw, headers: jiraHeaders(raw, deliveryId) });
    if (response.status >= 300) throw new Error(`delivery answered ${response.status}`);
  }
  for (;;) {
    const counts = await bridge.queue.getJobCounts('waiting', 'active', 'delayed');
    if (Object.values(counts).every((count) => count === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await bridge.close();

  const store = new IssueStore(redis, prefix);
  const issues = await store.listIssues();
  const closed: string[] = [];
  for (const [, id] of issues) {
    const events = (await store.readLog('jira-demo', id)).events.map((text) => issueEventSchema.parse(JSON.parse(text)));
    const since = closedSince(events);
    if (since !== undefined && now - since >= 90 * DAY) closed.push(id);
  }
  const memory = async (ids: readonly string[]) => {
    const byPart: Record<string, number> = {};
    for (const id of ids) {
      for (const part of PARTS) byPart[part] = (byPart[part] ?? 0) + Number((await redis.call('MEMORY', 'USAGE', `${prefix}:issue:jira-demo:${id}:${part}`, 'SAMPLES', '0')) ?? 0);
    }
    return byPart;
  };
  const eventsOf = async (ids: readonly string[]) => (await Promise.all(ids.map(async (id) => (await store.readLog('jira-demo', id)).events.length))).reduce((a, b) => a + b, 0);
  const sizeBefore = await memory(closed);
  const eventsBefore = await eventsOf(closed);
  const datasetBefore = Number(((await redis.info('memory')).match(/used_memory_dataset:(\d+)/) ?? [])[1]);

  const started = process.hrtime.bigint();
  const result = await compactClosedIssues({ store, contracts: () => config.contracts.values(), logger: createLogger({ silent: true }) }, { closedForMs: 90 * DAY, now });
  const compactMs = Number(process.hrtime.bigint() - started) / 1e6;
  const sizeAfter = await memory(closed);
  const eventsAfter = await eventsOf(closed);
  const datasetAfter = Number(((await redis.info('memory')).match(/used_memory_dataset:(\d+)/) ?? [])[1]);

  let exportBytes = 0;
  await exportIssues(redis, { prefix, now }, async (line) => void (exportBytes += Buffer.byteLength(line) + 1));

  const total = (parts: Record<string, number>) => Object.values(parts).reduce((a, b) => a + b, 0);
  const perIssue = (bytes: number) => Math.round(bytes / closed.length);
  console.log(`compaction: ${JSON.stringify({ ...result, refused: result.refused.length })}`);
  console.log(`${issues.length} issues, ${deliveries.length} deliveries; ${closed.length} closed for 90 days, ${result.compacted} compacted in ${compactMs.toFixed(0)} ms (${(compactMs / issues.length).toFixed(2)} ms per issue looked at)`);
  console.log(`events per closed issue: ${(eventsBefore / closed.length).toFixed(1)} -> ${(eventsAfter / closed.length).toFixed(1)}`);
  console.log(`Redis bytes per closed issue (MEMORY USAGE of its keys): ${perIssue(total(sizeBefore))} -> ${perIssue(total(sizeAfter))}`);
  for (const part of PARTS) if (sizeBefore[part] || sizeAfter[part]) console.log(`  ${part.padEnd(16)} ${String(perIssue(sizeBefore[part] ?? 0)).padStart(6)} -> ${perIssue(sizeAfter[part] ?? 0)}`);
  console.log(`used_memory_dataset: ${datasetBefore} -> ${datasetAfter} bytes (BullMQ's jobs included)`);
  console.log(`export of all ${issues.length} issues after compaction: ${exportBytes} bytes (${Math.round(exportBytes / issues.length)} per issue)`);
} finally {
  redis.disconnect();
  await redisServer.stop();
}
