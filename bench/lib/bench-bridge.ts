/**
 * Bridges for the benchmarks on one Redis: the shipped config and its demo secrets, silent logs.
 * `fillIngest` queues real signed webhooks through an API-only bridge, so what the workers then
 * find is exactly what `serve` would have accepted.
 */
import { Redis } from 'ioredis';
import { trackerConnectors } from '../../connectors/registry.js';
import { type BridgeRole, type RunningBridge, startBridge } from '../../src/app/bridge.js';
import { INGEST_QUEUE } from '../../src/app/jobs/pipeline.js';
import { createLogger } from '../../src/app/logger.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../../test/support/shipped-config.js';
import { issueCreatedWebhooks } from './jira-webhooks.js';
import { runLoad } from './load.js';

export function benchBridge(redisUrl: string, prefix: string, role: BridgeRole, extra: { apiToken?: string; configDir?: string; secrets?: Record<string, string> } = {}): Promise<RunningBridge> {
  return startBridge({
    config: loadBridgeConfig(extra.configDir ?? SHIPPED_CONFIG_DIR, extra.secrets ?? DEMO_SECRETS),
    connectors: trackerConnectors,
    redis: urlTarget(redisUrl),
    logger: createLogger({ silent: true }),
    prefix,
    role,
    port: 0,
    ...(extra.apiToken ? { apiToken: extra.apiToken } : {}),
  });
}

/** `count` new issues created at `createdAt`, accepted by an API-only bridge and left in the ingest queue. */
export async function fillIngest(redisUrl: string, prefix: string, count: number, createdAt = Date.now(), first = 0): Promise<void> {
  const api = await benchBridge(redisUrl, prefix, 'api');
  try {
    const chunk = 5_000;
    for (let done = 0; done < count; done += chunk) {
      const run = await runLoad(`${api.url}/webhooks/jira-demo`, issueCreatedWebhooks(Math.min(chunk, count - done), first + done, createdAt, DEMO_SECRETS.JIRA_WEBHOOK_SECRET), 32);
      if ((run.statuses['202'] ?? 0) !== run.requests) throw new Error(`filling the ingest queue: ${JSON.stringify(run.statuses)}`);
    }
  } finally {
    await api.close();
  }
}

/**
 * Waits until the ingest queue holds nothing waiting, running or delayed: every delivery added
 * before the call is then applied (or failed, which throws). BullMQ keeps at most 10,000 completed
 * jobs, so their count cannot say it. Each look is one pipeline of `LOOK_COMMANDS` commands.
 */
export async function waitForApplied(client: Redis, prefix: string, timeoutMs: number): Promise<{ polls: number; seconds: number }> {
  const key = (part: string) => `${prefix}:${INGEST_QUEUE}:${part}`;
  const started = process.hrtime.bigint();
  let polls = 0;
  for (;;) {
    polls += 1;
    const replies = (await client.pipeline().llen(key('wait')).llen(key('paused')).llen(key('active')).zcard(key('delayed')).zcard(key('prioritized')).zcard(key('failed')).exec()) ?? [];
    const [wait, paused, active, delayed, prioritized, failed] = replies.map(([error, value]) => {
      if (error) throw error;
      return Number(value);
    });
    if (failed! > 0) throw new Error(`${failed} deliveries failed`);
    if (wait! + paused! + active! + delayed! + prioritized! === 0) return { polls, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    if (Number(process.hrtime.bigint() - started) / 1e6 > timeoutMs) throw new Error(`deliveries still waiting after ${timeoutMs} ms: ${JSON.stringify({ wait, paused, active, delayed, prioritized })}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
export const LOOK_COMMANDS = 6;

/** Redis's own counters: every command it ran (those inside scripts included), by name, and how many reads of client sockets it did. */
export async function redisCounters(client: Redis): Promise<{ commands: Map<string, number>; reads: number; total: number }> {
  const commands = new Map<string, number>();
  for (const match of (await client.info('commandstats')).matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)) commands.set(match[1]!, Number(match[2]));
  const stats = await client.info('stats');
  const reads = Number(/total_reads_processed:(\d+)/.exec(stats)?.[1] ?? Number.NaN);
  const total = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? Number.NaN);
  return { commands, reads, total };
}

export function counterDelta(before: Awaited<ReturnType<typeof redisCounters>>, after: Awaited<ReturnType<typeof redisCounters>>) {
  const commands: Record<string, number> = {};
  for (const [name, calls] of after.commands) {
    const delta = calls - (before.commands.get(name) ?? 0);
    if (delta > 0) commands[name] = delta;
  }
  return { commands, reads: after.reads - before.reads, total: after.total - before.total };
}
