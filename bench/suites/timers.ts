/**
 * `timers`: many warnings due at one instant while many more timers wait. One `serve` bridge
 * (HTTP and workers) on bench/config/timers (a 10-minute reaction round the clock, a warning at
 * 50%, every message to a webhook channel) gets `pending` new issues created now (their warnings
 * come after the run), then `due` issues created so that all their warnings fall on one instant
 * T a few seconds ahead. A loopback HTTP receiver plays the chat service and records what arrives.
 * Reported: how late after T each warning reached the receiver, and how late the bridge says it
 * fired it (`firedAt`), duplicates (a notification id arriving twice) and missing ones.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { projectRoot } from '../../src/project-root.js';
import { spawnRedis } from '../../test/support/redis-server.js';
import { benchBridge, counterDelta, redisCounters, waitForApplied } from '../lib/bench-bridge.js';
import { cpuProfile } from '../lib/cpu-profile.js';
import { issueCreatedWebhooks } from '../lib/jira-webhooks.js';
import { runLoad } from '../lib/load.js';
import { type Bench, percentile, round } from '../lib/report.js';

const SECRET = 'timers-bench-secret';
const WARN_AFTER_MS = 5 * 60_000;
const PREFIX = 'bench-timers';

interface Arrival {
  readonly id: string;
  readonly issueKey: string;
  readonly threshold: string;
  readonly receivedAt: number;
  readonly lateByMs: number | undefined;
  /** When the bridge says it fired the timer (the claim), by its clock. */
  readonly firedAt: number;
}

function startReceiver(): Promise<{ url: string; arrivals: Arrival[]; close: () => Promise<void> }> {
  const arrivals: Arrival[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { notification: { id: string; threshold: string; issue: { key: string }; late?: { byMs: number }; firedAt: number } };
      const { notification } = body;
      arrivals.push({ id: notification.id, issueKey: notification.issue.key, threshold: notification.threshold, receivedAt, lateByMs: notification.late?.byMs, firedAt: notification.firedAt });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, arrivals, close: () => new Promise((done) => server.close(() => done())) }),
    ),
  );
}

function startWorkerProcess(redisUrl: string, prefix: string, configDir: string, secrets: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'bench/lib/worker-process.ts'), redisUrl, prefix, configDir, JSON.stringify(secrets)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the worker process ended (${code}) before it was ready`)));
  });
}

export const timersBench: Bench = async ({ quick }) => {
  const pending = quick ? 100 : 15_500;
  const due = quick ? 50 : 5_000;
  const leadMs = quick ? 4_000 : 60_000;
  const redis = await spawnRedis();
  const receiver = await startReceiver();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const configDir = path.join(projectRoot(), 'bench/config/timers');
  const secrets = { JIRA_WEBHOOK_SECRET: SECRET, BENCH_RECEIVER_URL: receiver.url };
  const bridge = await benchBridge(redis.url, PREFIX, 'all', { configDir, secrets });
  // BENCH_TIMER_WORKERS=N: N `--role worker` processes next to the serve (how processes add up).
  const extra = await Promise.all(Array.from({ length: Number(process.env.BENCH_TIMER_WORKERS ?? 0) }, () => startWorkerProcess(redis.url, PREFIX, configDir, secrets)));
  try {
    const post = async (webhooks: ReturnType<typeof issueCreatedWebhooks>) => {
      const run = await runLoad(`${bridge.url}/webhooks/jira-demo`, webhooks, 32);
      if ((run.statuses['202'] ?? 0) !== run.requests) throw new Error(`webhooks: ${JSON.stringify(run.statuses)}`);
    };
    await post(issueCreatedWebhooks(pending, 0, Date.now(), SECRET));
    await waitForApplied(client, PREFIX, 600_000);
    const instant = Date.now() + leadMs;
    const dueWebhooks = issueCreatedWebhooks(due, 1_000_000, instant - WARN_AFTER_MS, SECRET);
    await post(dueWebhooks);
    await waitForApplied(client, PREFIX, 600_000);
    const spareMs = instant - Date.now();
    if (spareMs < 0) throw new Error(`the due issues were applied ${-spareMs} ms after their warnings' instant: raise the lead`);
    const expected = new Set(dueWebhooks.map((webhook) => (JSON.parse(webhook.body.toString('utf8')) as { issue: { key: string } }).issue.key));
    // BENCH_TIMERS_PROFILE=file.cpuprofile: a CPU profile of this process from the instant until the last fired.
    const profile = await cpuProfile(process.env.BENCH_TIMERS_PROFILE);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, instant - 200 - Date.now())));
    await profile.start();
    // Redis's command counts over the burst (every timer, notify and chat job, each script's inner commands too).
    const countersBefore = await redisCounters(client);
    const deadline = instant + 120_000;
    const dueArrivals = () => receiver.arrivals.filter((arrival) => expected.has(arrival.issueKey));
    // Counted as they come, not re-filtered on every look: the bench shares the bridge's event loop.
    const seenIds = new Set<string>();
    let looked = 0;
    while (seenIds.size < due && Date.now() < deadline) {
      for (; looked < receiver.arrivals.length; looked += 1) if (expected.has(receiver.arrivals[looked]!.issueKey)) seenIds.add(receiver.arrivals[looked]!.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const countersAfter = await redisCounters(client);
    await profile.stop();
    const burstCommands = counterDelta(countersBefore, countersAfter);
    // Late duplicates would come within a moment of the rest.
    await new Promise((resolve) => setTimeout(resolve, quick ? 300 : 2_000));
    const arrived = dueArrivals();
    const byId = new Map<string, number>();
    for (const arrival of arrived) byId.set(arrival.id, (byId.get(arrival.id) ?? 0) + 1);
    const duplicates = [...byId.values()].reduce((sum, count) => sum + count - 1, 0);
    const arrivedKeys = new Set(arrived.map((arrival) => arrival.issueKey));
    const missing = [...expected].filter((key) => !arrivedKeys.has(key)).length;
    const lateness = arrived.map((arrival) => arrival.receivedAt - instant);
    // What counts (issue 19): how late the bridge fired each timer by its own record, `firedAt`.
    const firedLateness = arrived.map((arrival) => arrival.firedAt - instant);
    const lastFired = Math.max(...arrived.map((arrival) => arrival.firedAt));
    const firstArrival = Math.min(...arrived.map((arrival) => arrival.receivedAt));
    const lastArrival = Math.max(...arrived.map((arrival) => arrival.receivedAt));
    const perSecond = arrived.length / Math.max(0.001, (lastArrival - instant) / 1000);
    const fired = arrived.map((arrival) => arrival.lateByMs ?? 0);
    const row = (name: string, values: number[]) => [name, percentile(values, 50).toFixed(0), percentile(values, 95).toFixed(0), percentile(values, 99).toFixed(0), Math.max(...values).toFixed(0)];
    return {
      headline: {
        lateness_p99_ms: Math.round(percentile(firedLateness, 99)),
        lateness_max_ms: Math.round(Math.max(...firedLateness)),
        duplicates,
        missing,
        delivered_p99_ms: Math.round(percentile(lateness, 99)),
        fired_per_s: round(arrived.length / Math.max(0.001, (lastFired - instant) / 1000), 0),
        notifications_per_s: round(perSecond, 0),
        // Deterministic, unlike the timings: Redis commands (inside scripts counted too) per warning, timer to chat message.
        redis_commands_per_timer: round(Object.values(burstCommands.commands).reduce((sum, calls) => sum + calls, 0) / Math.max(1, arrived.length), 1),
        redis_reads_per_timer: round(burstCommands.reads / Math.max(1, arrived.length), 1),
      },
      table: {
        header: ['after the instant (ms)', 'p50', 'p95', 'p99', 'max'],
        rows: [row('fired by the bridge (firedAt)', firedLateness), row('reached the chat receiver', lateness)],
      },
      raw: { burstCommands, workerProcesses: extra.length, pending, due, leadMs, spareMs, instant, firstArrivalMs: firstArrival - instant, lastArrivalMs: lastArrival - instant, lateness, firedLateness, loadAverage: os.loadavg(), messagesMarkedLate: fired.filter((ms) => ms > 0).length },
      notes: [
        `${due.toLocaleString('en')} warnings due at one instant, ${(pending + due).toLocaleString('en')} timers pending, one serve process${extra.length > 0 ? ` and ${extra.length} worker process(es)` : ''}; load average before/after ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`,
        `${arrived.length} arrived, ${duplicates} duplicates, ${missing} missing, ${round(perSecond, 0)} notifications/s from the instant to the last; ${fired.filter((ms) => ms > 0).length} marked late by the bridge (over 1 s)`,
      ],
    };
  } finally {
    for (const child of extra) child.kill('SIGTERM');
    await Promise.all(extra.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await bridge.close();
    await receiver.close();
    client.disconnect();
    await redis.stop();
  }
};
