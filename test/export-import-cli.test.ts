/**
 * `sla-bridge export`, `import` and `compact` through the bin entry, as an operator runs them (after
 * `npm run build`): half a year of Jira webhooks into a private redis-server, compacted, exported,
 * the database flushed, imported again; the states, logs, sent notifications and monthly reports
 * must come back the same, and a damaged file is named line by line.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Queue } from 'bullmq';
import { TIMER_QUEUE } from '../src/app/jobs/pipeline.js';
import { SlaTimers } from '../src/app/jobs/sla-timers.js';
import { IssueStore, type IssueState } from '../src/app/store/issue-store.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { runClock } from '../src/domain/sla-clock.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForQuiet, type TestBridge } from './support/bridge-harness.js';
import { runCli } from './support/cli-process.js';
import { fieldChanged, issueCreated } from './support/jira-payloads.js';
import { jiraHeaders, jiraStories, STORY_ZONE, storyConfigFiles, type Delivery } from './support/jira-stories.js';
import { spawnRedis, type TestRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { writeConfig } from './support/temp-config.js';
import { fixtureNow } from './support/test-clock.js';
import { plannedTimers } from './support/planned-timers.js';

const MINUTE = 60_000;
const JIRA_PRIORITY = { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' } as const;

interface IssueSnapshot {
  readonly state: IssueState;
  readonly events: string[];
  readonly eventIds: string[];
  readonly sent: unknown;
}

describe('sla-bridge export and import', function () {
  this.timeout(180_000);
  const now = fixtureNow({ zone: STORY_ZONE }).toMillis();
  const prefix = `export-${randomUUID().slice(0, 8)}`;
  const configDir = writeConfig(storyConfigFiles());
  const config = loadBridgeConfig(configDir, DEMO_SECRETS);
  const work = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-export-'));
  const file = path.join(work, 'backup.jsonl');
  let redisServer: TestRedis;
  let redis: RedisClient;
  let env: Record<string, string>;
  let stories: Delivery[];
  let saved: Map<string, IssueSnapshot>;
  let reportsBefore: Map<string, string>;
  /** The one issue whose clocks run during the test (far from any deadline); every other state is fixed. */
  const runningId = '89999';

  const store = () => new IssueStore(redis, prefix);
  async function snapshot(): Promise<Map<string, IssueSnapshot>> {
    const timerQueue = new Queue(TIMER_QUEUE, { connection: redis, prefix });
    const timers = new SlaTimers(timerQueue, redis, prefix);
    try {
      const issues = await store().listIssues();
      const snapshots = new Map<string, IssueSnapshot>();
      for (const [source, id] of issues) {
        const log = await store().readLog(source, id);
        snapshots.set(`${source}/${id}`, { state: (await store().loadState(source, id))!, events: log.events, eventIds: [...log.eventIds].sort(), sent: await timers.sentByMetric(source, id) });
      }
      return snapshots;
    } finally {
      await timerQueue.close();
    }
  }
  const months = (snapshots: Map<string, IssueSnapshot>) =>
    [...new Set([...snapshots.values()].flatMap(({ state }) => (state.sla.covered ? [DateTime.fromMillis(state.sla.createdAt, { zone: STORY_ZONE }).toFormat('yyyy-MM')] : [])))].sort();
  function reports(list: readonly string[]): Map<string, string> {
    return new Map(
      list.map((month) => {
        const result = runCli(['report', '--contract', 'mb-support', '--month', month, '--config', configDir], env);
        expect(result.code, result.err).to.equal(0);
        return [month, result.out];
      }),
    );
  }
  const flush = () => redis.flushdb();
  const importFile = (...args: string[]) => runCli(['import', '--config', configDir, ...args], { ...env, ...DEMO_SECRETS });

  async function deliver(bridge: TestBridge, deliveries: readonly Delivery[]): Promise<void> {
    for (const { body, deliveryId } of deliveries) {
      const raw = Buffer.from(JSON.stringify(body));
      const answer = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, jiraHeaders(raw, deliveryId));
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([200, 202]);
    }
    await waitForIdleQueue(bridge, 30_000);
  }

  before(async () => {
    redisServer = await spawnRedis();
    redis = createRedis(urlTarget(redisServer.url), 'request');
    env = { REDIS_URL: redisServer.url, SLA_BRIDGE_PREFIX: prefix };
    const bridge = await startTestBridge({ redis: urlTarget(redisServer.url), prefix, config, now: () => now });
    try {
      stories = jiraStories(now);
      await deliver(bridge, stories);
      // The warnings and breaches due on the open issues are sent, so there are sent notifications to carry over.
      await waitForQuiet(bridge, 30_000);
      // Then the open issues wait for the customer, so that their states stand still while the test runs...
      const open = (await store().loadStates(await store().listIssues())).filter((state) => state.sla.covered && !state.sla.resolved && !state.sla.deleted);
      const at = DateTime.fromMillis(now - 30 * MINUTE, { zone: STORY_ZONE }).toISO()!;
      await deliver(
        bridge,
        open.map((state, index) => {
          const fields = { id: state.issue.id, key: state.issue.key, created: DateTime.fromMillis(state.sla.covered ? state.sla.createdAt : now, { zone: STORY_ZONE }).toISO()!, priority: JIRA_PRIORITY[state.sla.covered ? state.sla.priority.requested : 'P3'], status: 'Waiting for customer' };
          return { issueId: state.issue.id, body: fieldChanged(fields, at, 'status', state.sla.covered ? state.sla.status : 'Open', 'Waiting for customer', String(98000 + index)), deliveryId: randomUUID() };
        }),
      );
      await waitForQuiet(bridge, 30_000);
      // ...but one, a P4 reported just now, whose deadlines are days away and whose timers are planned.
      const created = DateTime.fromMillis(now - 10 * MINUTE, { zone: STORY_ZONE }).toISO()!;
      await deliver(bridge, [{ issueId: runningId, body: issueCreated({ id: runningId, key: 'MB-9999', created, priority: 'Low' }), deliveryId: randomUUID() }]);
    } finally {
      await bridge.close();
    }
  });
  after(async () => {
    redis.disconnect();
    await redisServer.stop();
  });

  it('compact drops what the clock does not need from the issues closed for 90 days, and says how much', () => {
    const dry = runCli(['compact', '--closed-for', '90d', '--dry-run', '--config', configDir], env);
    expect(dry.code, dry.err).to.equal(0);
    expect(dry.out).to.match(/^37 issues, \d+ resolved or deleted and quiet for 90d: \d+ would be compacted, \d+ events to \d+ \(\d+\.\d kB to \d+\.\d kB\)\.\n$/);
    const result = runCli(['compact', '--closed-for', '90d', '--json', '--config', configDir], env);
    expect(result.code, result.err).to.equal(0);
    const counts = JSON.parse(result.out) as { compacted: number; eventsBefore: number; eventsAfter: number };
    expect(counts.compacted).to.be.at.least(10);
    expect(dry.out).to.include(`${counts.compacted} would be compacted, ${counts.eventsBefore} events to ${counts.eventsAfter}`);
    expect(runCli(['compact', '--closed-for', '90d', '--config', configDir], env).out).to.match(/: nothing to compact\.\n$/);
  });

  it('compact refuses a retention shorter than a week, or none at all', () => {
    const short = runCli(['compact', '--closed-for', '3d', '--config', configDir], env);
    expect(short.code).to.equal(1);
    expect(short.err.trim()).to.equal('sla-bridge: --closed-for: "3d" is shorter than 7d: trackers resend deliveries for days, and a compacted log no longer knows which it had');
    const none = runCli(['compact', '--config', configDir], env);
    expect(none.code).to.equal(1);
    expect(none.err).to.match(/--closed-for: .* sets no retention \(bridge\.yaml\); say how long, e\.g\. --closed-for 90d/);
  });

  it('export -> FLUSHDB -> import gives the same logs, delivery ids, sent notifications, states and reports', async () => {
    saved = await snapshot();
    expect(saved.size).to.equal(37);
    expect([...saved.values()].filter((snapshot) => Object.keys(snapshot.sent as object).length > 0).length, 'issues with sent notifications').to.be.at.least(3);
    reportsBefore = reports(months(saved));
    expect(reportsBefore.size).to.be.at.least(6);

    const exported = runCli(['export', '--out', file], env);
    expect(exported.code, exported.err).to.equal(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const events = [...saved.values()].reduce((sum, snapshot) => sum + snapshot.events.length, 0);
    expect(exported.out.trim()).to.equal(`exported 37 issues (${events} events) to ${file}`);
    expect(lines).to.have.length(38);
    expect(JSON.parse(lines[0]!)).to.deep.include({ v: 1, type: 'export', prefix, source: null, issues: 37, marks: 0 });
    // The same lines on stdout, with the summary on stderr.
    const piped = runCli(['export'], env);
    expect(piped.out.trimEnd().split('\n').slice(1)).to.deep.equal(lines.slice(1));
    expect(piped.err.trim()).to.equal(`exported 37 issues (${events} events)`);

    await flush();
    expect(await store().listIssues()).to.deep.equal([]);
    const imported = importFile('--in', file);
    expect(imported.code, imported.err).to.equal(0);
    expect(imported.out.trim()).to.equal(`imported 37 issues from ${file}`);

    const after = await snapshot();
    expect([...after.keys()].sort()).to.deep.equal([...saved.keys()].sort());
    for (const [name, was] of saved) {
      const got = after.get(name)!;
      expect(got.events, `${name} log`).to.deep.equal(was.events);
      expect(got.eventIds, `${name} delivery ids`).to.deep.equal(was.eventIds);
      expect(got.sent, `${name} sent`).to.deep.equal(was.sent);
      expect(got.state.issue, `${name} ref`).to.deep.equal(was.state.issue);
      if (name.endsWith(`/${runningId}`)) {
        // Recomputed from its log at the import's own now.
        const events = got.events.map((text) => issueEventSchema.parse(JSON.parse(text)));
        expect(got.state.sla).to.deep.equal(runClock({ source: 'jira-demo', events }, config.contracts.values(), got.state.computedAt));
        expect(got.state.sla.covered && got.state.sla.metrics.map((metric) => metric.state)).to.deep.equal(['running', 'running']);
      } else {
        expect(got.state.sla, `${name} state`).to.deep.equal(was.state.sla);
      }
    }
    expect(reports([...reportsBefore.keys()])).to.deep.equal(reportsBefore);
  });

  it('import plans the timers of running issues again', async () => {
    const planned = await plannedTimers(redis, prefix, 'jira-demo', runningId);
    expect(Object.keys(planned).sort()).to.deep.equal(['reaction', 'resolution']);
    const timerQueue = new Queue(TIMER_QUEUE, { connection: redis, prefix });
    try {
      for (const jobId of Object.values(planned)) expect(await (await timerQueue.getJob(jobId))?.getState()).to.equal('delayed');
    } finally {
      await timerQueue.close();
    }
  });

  it('a second import changes nothing, and a delivery resent after the move is still known', async () => {
    const again = importFile('--in', file);
    expect(again.code, again.err).to.equal(0);
    expect(again.out.trim()).to.equal(`imported 0 issues (37 already present) from ${file}`);
    const bridge = await startTestBridge({ redis: urlTarget(redisServer.url), prefix, config, now: () => now });
    try {
      // The webhook route's duplicate marks went with FLUSHDB; the log's delivery ids came back with the import.
      const open = stories.filter((delivery) => (saved.get(`jira-demo/${delivery.issueId}`)?.eventIds.length ?? 0) > 0);
      const resent = open.slice(-5);
      expect(resent).to.have.length(5);
      await deliver(bridge, resent);
      for (const { issueId } of resent) expect((await store().readLog('jira-demo', issueId)).events, issueId).to.deep.equal(saved.get(`jira-demo/${issueId}`)!.events);
    } finally {
      await bridge.close();
    }
  });

  it('--source exports and imports one source\'s issues only', async () => {
    const mixed = path.join(work, 'mixed.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const other = { ...JSON.parse(lines[1]!), source: 'gitea-demo' };
    writeFileSync(mixed, [JSON.stringify({ ...JSON.parse(lines[0]!), issues: 2 }), lines[2], JSON.stringify(other)].join('\n') + '\n');
    await flush();
    const imported = importFile('--in', mixed, '--source', 'gitea-demo');
    expect(imported.code, imported.err).to.equal(0);
    expect(imported.out.trim()).to.equal(`imported 1 issue (1 of other sources left out) from ${mixed}`);
    expect(await store().listIssues()).to.deep.equal([['gitea-demo', other.issue.id]]);
    const exported = runCli(['export', '--source', 'jira-demo'], env);
    expect(exported.out.trimEnd().split('\n')).to.have.length(1);
    expect(JSON.parse(exported.out.split('\n')[0]!)).to.deep.include({ source: 'jira-demo', issues: 0 });
  });

  it('names each damaged line with its field, imports the other lines and exits 1', async () => {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const damaged = [...lines];
    const third = JSON.parse(damaged[3]!);
    third.events[1].at = 'yesterday';
    damaged[3] = JSON.stringify(third);
    damaged[5] = damaged[5]!.slice(0, 40);
    damaged[7] = JSON.stringify({ ...JSON.parse(damaged[7]!), v: 2 });
    const { events: _events, ...noEvents } = JSON.parse(damaged[9]!);
    damaged[9] = JSON.stringify(noEvents);
    await flush();
    const piped = runCli(['import', '--config', configDir], { ...env, ...DEMO_SECRETS }, damaged.join('\n') + '\n');
    expect(piped.code).to.equal(1);
    const problems = piped.err.trim().split('\n');
    expect(problems).to.have.length(4);
    expect(problems[0]).to.equal('sla-bridge: line 4: events[1].at: Invalid input: expected number, received string');
    expect(problems[1]).to.match(/^sla-bridge: line 6: not JSON \(.+\)$/);
    expect(problems[2]).to.equal('sla-bridge: line 8: v: format version 2 is not one this bridge reads (it reads 1)');
    expect(problems[3]).to.equal('sla-bridge: line 10: events: is required');
    expect(piped.out.trim()).to.equal('imported 33 issues (4 damaged lines)');
    const present = new Set((await store().listIssues()).map(([, id]) => id));
    for (const index of [3, 5, 7, 9]) expect(present.has(JSON.parse(lines[index]!).issue.id), `line ${index + 1}`).to.equal(false);
    expect(present.size).to.equal(33);
  });

  it('says so when a file ends before the issues its header announces', async () => {
    const cut = path.join(work, 'cut.jsonl');
    writeFileSync(cut, readFileSync(file, 'utf8').split('\n').slice(0, 11).join('\n') + '\n');
    await flush();
    const result = importFile('--in', cut);
    expect(result.code).to.equal(1);
    expect(result.out.trim()).to.equal(`imported 10 issues (1 damaged line) from ${cut}`);
    expect(result.err.trim()).to.equal('sla-bridge: line 12: the header announces 37 issues, the file has 10 issue lines (cut short?)');
    const missing = runCli(['import', '--in', path.join(work, 'nothing.jsonl'), '--config', configDir], { ...env, ...DEMO_SECRETS });
    expect(missing.code).to.equal(1);
    expect(missing.err).to.match(/^sla-bridge: --in: cannot read .*nothing\.jsonl: ENOENT/);
  });

  it('a damaged stored event stops export with the issue named and no file, and compact leaves that issue whole', async () => {
    const [source, id] = (await store().listIssues()).sort(([, a], [, b]) => a.localeCompare(b))[0]!;
    const key = (await store().loadRef(source, id)).key;
    await redis.rpush(`${prefix}:issue:${source}:${id}:events`, JSON.stringify({ type: 'commented', at: 'soon', by: 'agent' }));
    const broken = path.join(work, 'broken.jsonl');
    const exported = runCli(['export', '--out', broken], env);
    expect(exported.code).to.equal(1);
    expect(exported.err.trim()).to.match(new RegExp(`^sla-bridge: ${source} ${key}: stored event \\d+ is not an event \\(at: Invalid input: expected number, received string\\)$`));
    expect(existsSync(broken) || existsSync(`${broken}.partial`)).to.equal(false);
    const compacted = runCli(['compact', '--closed-for', '7d', '--config', configDir], env);
    expect(compacted.code).to.equal(1);
    expect(compacted.err).to.include(`sla-bridge: ${source} ${id}: left whole: `);
    expect(compacted.out).to.match(/^10 issues, /);
  });
});
