/**
 * Retention end to end: half a year of a Jira service desk through the real webhook endpoint
 * (test/support/jira-stories.ts), the logs of the issues closed for 90 days compacted, and the
 * monthly reports, the states a recompute gives, a reopen, a late delivery and webhooks arriving
 * during a compaction all compared with what the whole logs give.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Queue } from 'bullmq';
import { createIssueWork, refreshIssue, type IssueWork } from '../src/app/jobs/issue-work.js';
import { RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from '../src/app/jobs/pipeline.js';
import { compactClosedIssues } from '../src/app/jobs/retention.js';
import { createLogger } from '../src/app/logger.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import type { SlaConfig } from '../src/config/load-config.js';
import { closedSince } from '../src/domain/history-compaction.js';
import { issueEventSchema, type IssueEvent } from '../src/domain/issue-event.js';
import { runClock } from '../src/domain/sla-clock.js';
import { buildReport } from '../src/domain/sla-report.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, fieldChanged } from './support/jira-payloads.js';
import { jiraHeaders, jiraStories, STORY_ZONE, storyConfigFiles, type Delivery } from './support/jira-stories.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { writeConfig } from './support/temp-config.js';
import { fixtureNow } from './support/test-clock.js';
import { waitUntil } from './support/wait-for.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const CLOSED_FOR = 90 * DAY;
const JIRA_PRIORITY = { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' } as const;

const parse = (texts: readonly string[]): IssueEvent[] => texts.map((text) => issueEventSchema.parse(JSON.parse(text)));
const key = (source: string, id: string) => `${source}/${id}`;

/** The issue's fields as Jira would show them in a delivery. */
function jiraFields(state: IssueState) {
  if (!state.sla.covered) throw new Error(`${state.issue.key} is not covered`);
  return {
    id: state.issue.id,
    key: state.issue.key,
    summary: state.issue.title,
    created: DateTime.fromMillis(state.sla.createdAt, { zone: STORY_ZONE }).toISO()!,
    priority: JIRA_PRIORITY[state.sla.priority.requested],
  };
}

async function deliver(bridge: TestBridge, deliveries: readonly Delivery[]): Promise<void> {
  for (const { body, deliveryId } of deliveries) {
    const raw = Buffer.from(JSON.stringify(body));
    const answer = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, jiraHeaders(raw, deliveryId));
    expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([200, 202]);
  }
  await waitForIdleQueue(bridge, 30_000);
}

describe('retention: compacting the logs of closed issues', function () {
  this.timeout(120_000);
  const now = fixtureNow({ zone: STORY_ZONE }).toMillis();
  const logger = createLogger({ silent: !process.env.TEST_LOGS });
  let config: SlaConfig;
  let bridge: TestBridge;
  let redis: RedisClient;
  let work: IssueWork;
  /** Every issue's log as the webhooks left it, before any compaction. */
  const whole = new Map<string, IssueEvent[]>();
  let statesBefore: IssueState[];
  let stories: Delivery[];

  const everyState = async () => (await work.store.loadStates(await work.store.listIssues())).sort((a, b) => a.issue.id.localeCompare(b.issue.id));
  const reports = async () => {
    const states = await everyState();
    const contract = config.contracts.get('mb-support')!;
    const months = [...new Set(states.flatMap((state) => (state.sla.covered ? [DateTime.fromMillis(state.sla.createdAt, { zone: STORY_ZONE }).toFormat('yyyy-MM')] : [])))].sort();
    return months.map((month) => buildReport(contract, month, states));
  };
  const compact = () => compactClosedIssues(work, { closedForMs: CLOSED_FOR, now });
  const logOf = async (id: string) => (await work.store.readLog('jira-demo', id)).events;

  before(async () => {
    config = loadBridgeConfig(writeConfig(storyConfigFiles()), DEMO_SECRETS);
    bridge = await startTestBridge({ config, now: () => now });
    redis = createRedis(urlTarget((await sharedRedis()).url), 'worker');
    work = createIssueWork({ redis, prefix: bridge.prefix, config, now: () => now, logger, metrics: new BridgeMetrics() });
    stories = jiraStories(now);
    await deliver(bridge, stories);
    for (const [source, id] of await work.store.listIssues()) whole.set(key(source, id), parse(await logOf(id)));
    statesBefore = await everyState();
  });
  after(async () => {
    await bridge.close();
    for (const queue of work.queues) await queue.close();
    redis.disconnect();
  });

  it('compacts exactly the issues resolved or deleted and quiet for 90 days, to less than half their events', async () => {
    const result = await compact();
    const due = [...whole].filter(([, events]) => {
      const since = closedSince(events);
      return since !== undefined && now - since >= CLOSED_FOR;
    });
    expect(due.length, 'the stories have issues closed long ago').to.be.at.least(10);
    expect(due.length, 'and issues open or closed lately').to.be.below(whole.size);
    expect(result).to.deep.include({ issues: whole.size, closed: due.length, compacted: due.length, refused: [] });
    expect(result.eventsAfter * 2).to.be.below(result.eventsBefore);
    expect(result.bytesAfter * 2).to.be.below(result.bytesBefore);
    for (const [name, events] of whole) {
      const id = name.split('/')[1]!;
      const log = await work.store.readLog('jira-demo', id);
      if (due.some(([dueName]) => dueName === name)) {
        expect(log.eventIds, `${name} forgets its delivery ids`).to.deep.equal([]);
        expect(log.events.length, `${name} is compacted`).to.be.below(events.length);
      } else {
        expect(parse(log.events), `${name} is left whole`).to.deep.equal(events);
      }
    }
  });

  it('keeps every monthly report and every state the same, also when the states are recomputed from the compacted logs', async () => {
    const contract = config.contracts.get('mb-support')!;
    const monthsBefore = [...new Set(statesBefore.flatMap((state) => (state.sla.covered ? [DateTime.fromMillis(state.sla.createdAt, { zone: STORY_ZONE }).toFormat('yyyy-MM')] : [])))].sort();
    const before = monthsBefore.map((month) => buildReport(contract, month, statesBefore));
    expect(before.length, 'several months').to.be.at.least(6);
    expect(before.reduce((sum, report) => sum + report.breaches.length, 0), 'with breaches').to.be.at.least(3);
    expect(await reports()).to.deep.equal(before);

    for (const [source, id] of await work.store.listIssues()) await work.store.withIssueLock(source, id, () => refreshIssue(work, source, id));
    const recomputed = await everyState();
    expect(recomputed.map((state) => state.sla)).to.deep.equal(statesBefore.map((state) => state.sla));
    expect(await reports()).to.deep.equal(before);
  });

  it('finds nothing more to drop when it runs again', async () => {
    const logs = await Promise.all([...whole.keys()].map((name) => logOf(name.split('/')[1]!)));
    const again = await compact();
    expect(again).to.deep.include({ compacted: 0, eventsBefore: 0, eventsAfter: 0, refused: [] });
    expect(await Promise.all([...whole.keys()].map((name) => logOf(name.split('/')[1]!)))).to.deep.equal(logs);
  });

  /** Compacted issues that were resolved (not deleted), with their state, that no test has sent anything to since. */
  async function compactedResolved(count: number): Promise<IssueState[]> {
    const states = await everyState();
    const picked: IssueState[] = [];
    for (const state of states) {
      const events = whole.get(key(state.source, state.issue.id))!;
      const log = parse(await logOf(state.issue.id));
      if (state.sla.covered && state.sla.resolved && log.length < events.length && log.every((event) => event.at < now - DAY)) picked.push(state);
    }
    expect(picked.length).to.be.at.least(count);
    return picked.slice(0, count);
  }

  /** The state the whole log plus the events that came after compaction gives. */
  async function expectAsWhole(id: string, newEvents: (log: IssueEvent[]) => IssueEvent[]): Promise<IssueState> {
    const state = (await work.store.loadState('jira-demo', id))!;
    const added = newEvents(parse(await logOf(id)));
    expect(added.length, `${id} got the new events`).to.be.greaterThan(0);
    const reference = runClock({ source: 'jira-demo', events: [...whole.get(key('jira-demo', id))!, ...added] }, config.contracts.values(), now);
    expect(state.sla, id).to.deep.equal(reference);
    return state;
  }

  it('a compacted issue reopened, answered and resolved again goes on as it would have with its whole log', async () => {
    const [reopened, answered] = await compactedResolved(2);
    const fieldsOf = jiraFields;
    const at = (minutesAgo: number) => DateTime.fromMillis(now - minutesAgo * MINUTE, { zone: STORY_ZONE }).toISO()!;
    const agent = { name: 'Ann', email: 'ann@megabite.example' };
    const deliveries = [
      fieldChanged({ ...fieldsOf(reopened!), status: 'In Progress' }, at(50), 'status', 'Done', 'In Progress', '99001'),
      fieldChanged({ ...fieldsOf(answered!), status: 'In Progress' }, at(50), 'status', 'Done', 'In Progress', '99002'),
      commentCreated({ ...fieldsOf(answered!), status: 'In Progress' }, at(40), agent, '99003'),
      fieldChanged({ ...fieldsOf(answered!), status: 'Done' }, at(30), 'status', 'In Progress', 'Done', '99004'),
    ].map((body, index) => ({ issueId: index === 0 ? reopened!.issue.id : answered!.issue.id, body, deliveryId: randomUUID() }));
    await deliver(bridge, deliveries);
    const recent = (log: IssueEvent[]) => log.filter((event) => event.at >= now - 60 * MINUTE);
    const open = await expectAsWhole(reopened!.issue.id, recent);
    expect(open.sla.covered && open.sla.resolved, 'reopened').to.equal(false);
    expect(open.sla.covered && open.sla.metrics.find((metric) => metric.metric === 'resolution')?.state).to.be.oneOf(['running', 'breached']);
    const resolvedAgain = await expectAsWhole(answered!.issue.id, recent);
    expect(resolvedAgain.sla.covered && resolvedAgain.sla.resolved).to.equal(true);
  });

  it('a delivery of a compacted issue replayed months later lands on the compacted log as on the whole one', async () => {
    const [issue] = await compactedResolved(1);
    const original = stories.filter((delivery) => delivery.issueId === issue!.issue.id);
    const late = original.map((delivery) => ({ ...delivery, deliveryId: randomUUID() }));
    const sizeBefore = (await logOf(issue!.issue.id)).length;
    await deliver(bridge, late);
    await expectAsWhole(issue!.issue.id, (log) => log.slice(sizeBefore));
  });

  it('is safe while webhooks arrive: whether a delivery comes before or after the compaction, the state is the whole log\'s', async () => {
    const fresh = await startTestBridge({ config, now: () => now });
    const freshWork = createIssueWork({ redis, prefix: fresh.prefix, config, now: () => now, logger, metrics: new BridgeMetrics() });
    try {
      await deliver(fresh, stories);
      const wholeLogs = new Map<string, IssueEvent[]>();
      for (const [, id] of await freshWork.store.listIssues()) wholeLogs.set(id, parse((await freshWork.store.readLog('jira-demo', id)).events));
      const closed = (await freshWork.store.loadStates(await freshWork.store.listIssues())).filter((state) => state.sla.covered && state.sla.resolved).slice(0, 12);
      const at = DateTime.fromMillis(now - 5 * MINUTE, { zone: STORY_ZONE }).toISO()!;
      const comments = closed.map((state, index) => ({
        issueId: state.issue.id,
        body: commentCreated({ ...jiraFields(state), status: 'Done' }, at, { name: 'Carl', email: 'carl@customer.example' }, String(99100 + index)),
        deliveryId: randomUUID(),
      }));
      const [result] = await Promise.all([compactClosedIssues(freshWork, { closedForMs: CLOSED_FOR, now }), deliver(fresh, comments)]);
      expect(result.refused).to.deep.equal([]);
      for (const state of closed) {
        const id = state.issue.id;
        const added = parse((await freshWork.store.readLog('jira-demo', id)).events).filter((event) => event.at >= now - 10 * MINUTE);
        expect(added.length, id).to.be.greaterThan(0);
        const reference = runClock({ source: 'jira-demo', events: [...wholeLogs.get(id)!, ...added] }, config.contracts.values(), now);
        expect((await freshWork.store.loadState('jira-demo', id))!.sla, id).to.deep.equal(reference);
      }
    } finally {
      await fresh.close();
      for (const queue of freshWork.queues) await queue.close();
    }
  });

  it('runs inside the bridge as a BullMQ job scheduler when bridge.yaml sets a retention', async () => {
    // The webhooks first, to a bridge without retention; then a bridge with it on the same Redis.
    const plain = await startTestBridge({ config, now: () => now });
    const prefix = plain.prefix;
    const plainWork = createIssueWork({ redis, prefix, config, now: () => now, logger, metrics: new BridgeMetrics() });
    const queue = new Queue(RETENTION_QUEUE, { connection: redis, prefix });
    let retaining: TestBridge | undefined;
    let plainOpen = true;
    try {
      await deliver(plain, stories);
      expect(await queue.getJobSchedulers()).to.deep.equal([]);
      plainOpen = false;
      await plain.close();
      const before = new Map<string, number>();
      for (const [, id] of await plainWork.store.listIssues()) before.set(id, (await plainWork.store.readLog('jira-demo', id)).events.length);

      const withRetention: SlaConfig = { ...config, bridge: { retention: { closedForMs: CLOSED_FOR, everyMs: 3_600_000 } } };
      retaining = await startTestBridge({ config: withRetention, now: () => now, prefix });
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.every])).to.deep.equal([[RETENTION_SCHEDULER_ID, 3_600_000]]);
      // A new scheduler runs at once, then once an hour.
      await waitUntil('the first retention run to complete', () => queue.getCompletedCount(), (count) => count >= 1, { timeoutMs: 20_000 });
      const [job] = await queue.getCompleted();
      expect(job!.returnvalue).to.deep.include({ issues: before.size, refused: [] });
      expect(job!.returnvalue.compacted).to.be.at.least(10);
      let shorter = 0;
      for (const [id, count] of before) if ((await plainWork.store.readLog('jira-demo', id)).events.length < count) shorter += 1;
      expect(shorter).to.equal(job!.returnvalue.compacted);
    } finally {
      if (plainOpen) await plain.close();
      await retaining?.close();
      await queue.close();
      for (const open of plainWork.queues) await open.close();
    }
  });
});
