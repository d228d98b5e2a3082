/**
 * What the availability tick costs each minute: working out a contract's month (every issue state
 * read, the P1 incidents' logs read and their outages merged) with N issues stored, 10% of them
 * P1. Also the report's obligation rows of a month for a daily obligation with a year of periods
 * opened. On a private redis-server. Run with `npx tsx bench/availability.bench.ts [issues]`.
 */
import { Queue } from 'bullmq';
import { trackerConnectors } from '../connectors/registry.js';
import { evaluateAvailability } from '../src/app/availability/availability-jobs.js';
import { createLogger } from '../src/app/logger.js';
import { loadObligationRows } from '../src/app/obligations/obligation-rows.js';
import { ObligationStore } from '../src/app/obligations/obligation-store.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { IssueStore } from '../src/app/store/issue-store.js';
import { createRedis, waitUntilReady } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { monthOf, monthSpan } from '../src/domain/availability.js';
import type { IssueEvent } from '../src/domain/issue-event.js';
import { periodsBetween } from '../src/domain/obligation-period.js';
import { runClock } from '../src/domain/sla-clock.js';
import { spawnRedis } from '../test/support/redis-server.js';
import { writeConfig } from '../test/support/temp-config.js';

const ISSUES = Number(process.argv[2] ?? 2_000);
const RUNS = 15;
const config = loadBridgeConfig(
  writeConfig({
    'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: { priority/1: P1 }, default: P4 }\nstatuses: { resolved: [closed] }\n',
    'contracts/ops.yaml': 'customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/app }]\npolicies: { reaction: 4h }\navailability: { target: 99.9% }\nobligations:\n  - { id: logs, title: Logs read, every: working-day, source: gitea-ops, project: ops/app }\n',
  }),
  {},
);
const contract = config.contracts.get('ops')!;
const redisServer = await spawnRedis();
const target = urlTarget(redisServer.url);
const redis = createRedis(target, 'request');
await waitUntilReady(redis, target);
const prefix = 'bench';
const issues = new IssueStore(redis, prefix);
const now = Date.now();
const { from } = monthSpan(monthOf(now, 'Europe/Amsterdam'), 'Europe/Amsterdam');
try {
  for (let index = 0; index < ISSUES; index += 1) {
    const p1 = index % 10 === 0;
    const at = Math.floor(from + ((now - from) * index) / ISSUES);
    const events: IssueEvent[] = [
      { type: 'created', at, project: 'ops/app', labels: [], environment: null, priority: p1 ? 'P1' : 'P4', status: 'open', paused: false, assignee: null, synthetic: false },
      { type: 'resolved', at: at + 60_000 },
    ];
    const issue = { id: `ops/app#${index}`, key: `ops/app#${index}` };
    await issues.appendEvents('gitea-ops', issue, events.map((event, n) => ({ id: `e${n}`, event })));
    await issues.saveState({ source: 'gitea-ops', issue, sla: runClock({ source: 'gitea-ops', events }, [contract], now), computedAt: now, eventCount: events.length });
  }
  const queue = new Queue(`bench-availability`, { connection: redis, prefix });
  const chat = new Queue('bench-chat', { connection: redis, prefix });
  const deps = { contracts: () => config.contracts.values(), sources: config.sources, connectors: trackerConnectors, channels: config.channels, fallbackChannel: config.fallbackChannel, issues, redis, prefix, queue, chatQueue: () => chat, now: () => now, logger: createLogger({ silent: true }) };
  const time = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const start = performance.now();
      await work();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(RUNS / 2)]!, max: times.at(-1)! };
  };
  const tick = await time(() => evaluateAvailability(deps, contract));
  console.log(`availability tick, ${ISSUES} issues (${ISSUES / 10} P1): median ${tick.median.toFixed(1)} ms, max ${tick.max.toFixed(1)} ms`);

  const store = new ObligationStore(redis, prefix);
  const obligation = contract.obligations![0]!;
  const year = periodsBetween(obligation.every, obligation.calendar, now - 365 * 86_400_000, now);
  for (const period of year) {
    const issue = { id: `ops/app#log-${period.key}`, key: `ops/app#log-${period.key}` };
    await store.record({ contract: 'ops', obligation: 'logs', period: { key: period.key, start: period.start, end: period.end, opensAt: period.opensAt, dueAt: period.dueAt }, source: 'gitea-ops', issue, openedAt: period.opensAt, found: false });
    await issues.appendEvents('gitea-ops', issue, [{ id: 'r', event: { type: 'resolved', at: period.opensAt + 3_600_000 } }]);
  }
  const month = monthOf(now, 'Europe/Amsterdam');
  const rows = await time(() => loadObligationRows(contract, month, store, issues, now));
  console.log(`report obligation rows of ${month}, a daily obligation with ${year.length} periods opened: median ${rows.median.toFixed(1)} ms, max ${rows.max.toFixed(1)} ms`);
  await queue.close();
  await chat.close();
} finally {
  redis.disconnect();
  await redisServer.stop();
}
