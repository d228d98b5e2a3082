/**
 * Export and import keep what makes contract messages happen once (obligation periods opened and
 * told, downtime budget shares told, contract-term warnings sent) and each issue's journal (what
 * was sent where, for its explanation), on a real Redis: exported from one prefix, imported into an
 * empty one, equal afterwards with their expiries; importing again adds nothing and never
 * overwrites what the Redis has.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { exportIssues } from '../src/app/archive/export-issues.js';
import { importIssues } from '../src/app/archive/import-issues.js';
import { contractTermSentKey } from '../src/app/jobs/pipeline.js';
import { createIssueWork } from '../src/app/jobs/issue-work.js';
import { createLogger } from '../src/app/logger.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { ObligationStore } from '../src/app/obligations/obligation-store.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { readMarks, rememberMark } from '../src/app/store/contract-marks.js';
import { IssueJournal } from '../src/app/store/issue-journal.js';
import { IssueStore } from '../src/app/store/issue-store.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import type { IssueEvent } from '../src/domain/issue-event.js';
import { runClock } from '../src/domain/sla-clock.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';

const DAY = 86_400_000;

describe('export and import of contract marks and issue journals', function () {
  this.timeout(30_000);
  let redis: RedisClient;
  const from = `marks-${randomUUID().slice(0, 8)}`;
  const to = `marks-${randomUUID().slice(0, 8)}`;
  const config = loadBridgeConfig(
    writeConfig({
      'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
      'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: { priority/1: P1 }, default: P4 }\nstatuses: { resolved: [closed] }\n',
      'contracts/ops.yaml': 'customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/app }]\npolicies: { reaction: 4h }\n',
    }),
    {},
  );

  before(async () => {
    redis = createRedis(urlTarget((await sharedRedis()).url), 'worker');
  });
  after(() => redis.disconnect());

  const lines = async (prefix: string, source?: string) => {
    const written: string[] = [];
    await exportIssues(redis, { prefix, source, now: Date.now() }, async (line) => void written.push(line));
    return written;
  };
  async function* each(texts: readonly string[]) {
    for (const text of texts) yield text;
  }
  const importInto = async (prefix: string, texts: readonly string[]) => {
    const work = createIssueWork({ redis, prefix, config, now: Date.now, logger: createLogger({ silent: true }), metrics: new BridgeMetrics(), quietHours: true });
    try {
      return await importIssues(work, each(texts), { redis: { client: redis, prefix } });
    } finally {
      for (const queue of work.queues) await queue.close();
    }
  };

  it('carries every mark with its expiry and the journal over, once, without overwriting', async () => {
    const now = Date.now();
    const obligations = new ObligationStore(redis, from);
    const period = { key: '2026-Q4', start: now - 30 * DAY, end: now + 60 * DAY, opensAt: now - 30 * DAY, dueAt: now + 59 * DAY };
    await obligations.record({ contract: 'ops', obligation: 'maintenance', period, source: 'gitea-ops', issue: { id: 'ops/app#5', key: 'ops/app#5' }, openedAt: now - 30 * DAY, found: false });
    await obligations.markTold('ops', 'maintenance', '2026-Q4', 'warning', 60 * DAY);
    const budgetKey = `${from}:availability-told:ops:2026-12:0.5`;
    await redis.set(budgetKey, String(now), 'PX', 20 * DAY);
    await rememberMark(redis, from, budgetKey);
    const termKey = contractTermSentKey(from, 'contract-term-ops-2027-06-30');
    await redis.set(termKey, String(now));
    await rememberMark(redis, from, termKey);
    // One that expired since it was remembered is not exported.
    const goneKey = `${from}:availability-told:ops:2026-10:0`;
    await rememberMark(redis, from, goneKey);

    const issue = { id: 'ops/app#7', key: 'ops/app#7', url: 'https://gitea.ops.test/ops/app/issues/7' };
    const events: IssueEvent[] = [{ type: 'created', at: now - 3_600_000, project: 'ops/app', labels: [], environment: null, priority: 'P4', status: 'open', paused: false, assignee: null, synthetic: false }];
    const store = new IssueStore(redis, from);
    await store.appendEvents('gitea-ops', issue, events.map((event, index) => ({ id: `e${index}`, event })));
    await store.saveState({ source: 'gitea-ops', issue, sla: runClock({ source: 'gitea-ops', events }, config.contracts.values(), now), computedAt: now, eventCount: 1 });
    await new IssueJournal(redis, from).append('gitea-ops', issue.id, { type: 'notification', at: now - 60_000, metric: 'reaction', kind: 'warning', label: '50%', channel: 'team', channelKind: 'slack', outcome: 'sent' });
    const journalBefore = await new IssueJournal(redis, from).list('gitea-ops', issue.id);
    expect(journalBefore, 'the journal record was stored').to.have.length(1);

    const exported = await lines(from);
    const header = JSON.parse(exported[0]!) as { marks?: number };
    expect(header.marks).to.equal(4);
    expect(JSON.parse(exported.at(-1)!)).to.include({ type: 'marks' });
    expect((await lines(from, 'gitea-ops')).some((line) => line.includes('"type":"marks"')), 'one source\'s export has no marks').to.equal(false);

    const first = await importInto(to, exported);
    expect(first).to.deep.include({ imported: 1, marks: 4, problems: [] });
    const strip = (marks: Awaited<ReturnType<typeof readMarks>>) => marks.map(({ ttlMs, ...mark }) => ({ ...mark, expires: ttlMs === null ? 'never' : Math.round(ttlMs / DAY) }));
    expect(strip(await readMarks(redis, to))).to.deep.equal(strip(await readMarks(redis, from)));
    expect(await new ObligationStore(redis, to).told('ops', 'maintenance', '2026-Q4', 'warning')).to.equal(true);
    expect((await new ObligationStore(redis, to).opened('ops', 'maintenance', '2026-Q4'))?.issue.key).to.equal('ops/app#5');
    expect(await new IssueJournal(redis, to).list('gitea-ops', issue.id)).to.deep.equal(journalBefore);

    // A restarting metric's later cycles keep their sent marks under `<metric>#<n>`: exported and imported too.
    const cycled = { id: 'ops/app#8', key: 'ops/app#8' };
    const sla = runClock({ source: 'gitea-ops', events }, config.contracts.values(), now);
    const withCycles = { ...sla, custom: [{ metric: 'handover-first', state: 'running', priority: 'P4', calendar: 'round', zone: 'Europe/Amsterdam', cycles: [{ startedAt: now - 7_200_000, endedAt: now - 3_600_000, outcome: 'met', elapsedMs: 3_600_000 }] }] };
    await store.appendEvents('gitea-ops', cycled, events.map((event, index) => ({ id: `c${index}`, event })));
    await store.saveState({ source: 'gitea-ops', issue: cycled, sla: withCycles as typeof sla, computedAt: now, eventCount: 1 });
    await redis.sadd(`${from}:issue:gitea-ops:${cycled.id}:sent:handover-first`, '50%');
    await redis.sadd(`${from}:issue:gitea-ops:${cycled.id}:sent:handover-first#2`, '50%', 'breach');
    const cycledLine = (await lines(from)).map((line) => JSON.parse(line) as { type: string; issue?: { id: string }; sent?: Record<string, string[]> }).find((line) => line.issue?.id === cycled.id);
    expect(cycledLine?.sent).to.deep.equal({ 'handover-first': ['50%'], 'handover-first#2': ['50%', 'breach'] });
    await importInto(to, await lines(from));
    expect((await redis.smembers(`${to}:issue:gitea-ops:${cycled.id}:sent:handover-first#2`)).sort()).to.deep.equal(['50%', 'breach']);

    // What the Redis has stays: a newer value of a mark is not overwritten, and nothing is added twice.
    await redis.set(`${to}:availability-told:ops:2026-12:0.5`, 'newer', 'KEEPTTL');
    const again = await importInto(to, exported);
    expect(again).to.deep.include({ imported: 0, present: 1, marks: 0 });
    expect(await redis.get(`${to}:availability-told:ops:2026-12:0.5`)).to.equal('newer');
    expect(await new IssueJournal(redis, to).list('gitea-ops', issue.id)).to.have.length(1);
  });
});
