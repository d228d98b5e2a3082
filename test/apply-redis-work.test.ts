/**
 * What one applied delivery leaves in Redis, through the real webhook endpoint and workers: one
 * `created` per issue_created (the synthetic stand-in is not stored next to the real one), a
 * completed ingest job that keeps a count rather than the issue's state, and the issue store's
 * scripts, called by SHA1, still running after Redis forgot them.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { trackerConnectors } from '../connectors/registry.js';
import { pipelineQueues } from '../src/app/jobs/pipeline.js';
import { acceptedDeliveryJob } from './support/accepted-delivery.js';
import { createRedis } from '../src/app/store/redis-connection.js';
import { IssueStore } from '../src/app/store/issue-store.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import type { IssueEvent } from '../src/domain/issue-event.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { issueCommented, issueCreated } from './support/jira-payloads.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';
import { waitUntil } from './support/wait-for.js';

const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
const CREATED = NOW.minus({ hours: 1 });
const AGENT = { email: 'anna@megabite.example', name: 'Anna (Mega Bite)' };

async function post(bridge: TestBridge, body: unknown, delivery = randomUUID()) {
  const raw = Buffer.from(JSON.stringify(body));
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, {
    'content-type': 'application/json',
    'x-atlassian-webhook-identifier': delivery,
    ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw),
  });
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
  return delivery;
}

async function storedLog(bridge: TestBridge, issueId: string): Promise<{ events: IssueEvent[]; eventIds: string[] }> {
  const log = await bridge.store.readLog('jira-demo', issueId);
  return { events: log.events.map((text) => JSON.parse(text) as IssueEvent), eventIds: log.eventIds };
}

const createdOf = (events: readonly IssueEvent[]) => events.filter((event) => event.type === 'created') as Extract<IssueEvent, { type: 'created' }>[];

describe('what an applied delivery stores', function () {
  this.timeout(30_000);
  let bridge: TestBridge;

  before(async () => {
    bridge = await startTestBridge({ now: () => NOW.toMillis() });
  });
  after(async () => {
    await bridge.close();
  });

  it('stores one created event for one issue_created: the real one, not its synthetic stand-in as well', async () => {
    await post(bridge, issueCreated({ created: CREATED.toISO()!, id: '71001', key: 'MB-71' }));
    const state = await waitForState(bridge, 'jira-demo', '71001');
    const { events } = await storedLog(bridge, '71001');
    expect(createdOf(events).map((event) => event.synthetic)).to.deep.equal([false]);
    expect(state.eventCount).to.equal(events.length);
    expect(state.sla).to.deep.include({ covered: true, contract: 'megabite-standard' });
  });

  it('stores no synthetic created after the real one when later deliveries bring theirs', async () => {
    const fields = { created: CREATED.toISO()!, id: '71002', key: 'MB-72' };
    await post(bridge, issueCreated(fields));
    await waitForState(bridge, 'jira-demo', '71002');
    await post(bridge, issueCommented(fields, NOW.minus({ minutes: 30 }).toISO()!, AGENT));
    const state = await waitForState(bridge, 'jira-demo', '71002', (candidate) => candidate.eventCount > 1);
    const { events } = await storedLog(bridge, '71002');
    expect(createdOf(events).map((event) => event.synthetic)).to.deep.equal([false]);
    // The agent's comment met the reaction: the update was applied, not dropped with the stand-in.
    const reaction = state.sla.covered ? state.sla.metrics.find((metric) => metric.metric === 'reaction') : undefined;
    expect(reaction?.state).to.equal('met');
  });

  it('keeps the stand-in of an issue first seen by an update, and adds the real created when it comes late', async () => {
    const fields = { created: CREATED.toISO()!, id: '71003', key: 'MB-73' };
    await post(bridge, issueCommented(fields, NOW.minus({ minutes: 30 }).toISO()!, { email: 'it@customer.example', name: 'Customer' }));
    const first = await waitForState(bridge, 'jira-demo', '71003');
    expect(createdOf((await storedLog(bridge, '71003')).events).map((event) => event.synthetic)).to.deep.equal([true]);
    await post(bridge, issueCreated(fields));
    await waitForState(bridge, 'jira-demo', '71003', (candidate) => candidate.eventCount > first.eventCount);
    expect(createdOf((await storedLog(bridge, '71003')).events).map((event) => event.synthetic)).to.deep.equal([true, false]);
  });

  it('keeps a count as the completed ingest job\'s return value, not the issue state', async () => {
    const delivery = await post(bridge, issueCreated({ created: CREATED.toISO()!, id: '71004', key: 'MB-74' }));
    await waitForState(bridge, 'jira-demo', '71004');
    await waitForIdleQueue(bridge);
    const job = await waitUntil('the delivery job to complete', () => acceptedDeliveryJob(bridge.queue, 'jira-demo', delivery), (found) => found?.finishedOn !== undefined);
    expect(job!.returnvalue).to.deep.equal({ added: 1, events: 1 });
  });

  it('keeps the last 100 completed deliveries, and every queue\'s event stream at 1,000 entries', async () => {
    const fields = { created: CREATED.toISO()!, id: '71005', key: 'MB-75' };
    await post(bridge, issueCreated(fields));
    for (let comment = 0; comment < 110; comment += 1) await post(bridge, issueCommented(fields, NOW.minus({ minutes: 50 - comment / 10 }).toISO()!, AGENT));
    await waitForState(bridge, 'jira-demo', '71005', (candidate) => candidate.eventCount >= 111);
    await waitForIdleQueue(bridge);
    const redis = createRedis(urlTarget((await sharedRedis()).url), 'worker');
    try {
      expect(await redis.zcard(`${bridge.prefix}:sla-ingest:completed`), 'completed deliveries kept').to.equal(100);
      // Each Queue writes its stream length into the queue's meta as it starts: one made without
      // the bridge's setting would put BullMQ's 10,000 back for every process on that queue.
      const queues = pipelineQueues(['console']);
      const lengths = await Promise.all(queues.map((queue) => redis.hget(`${bridge.prefix}:${queue}:meta`, 'opts.maxLenEvents')));
      expect(Object.fromEntries(queues.map((queue, index) => [queue, lengths[index]]))).to.deep.equal(Object.fromEntries(queues.map((queue) => [queue, '1000'])));
    } finally {
      redis.disconnect();
    }
  });
});

describe('the issue store\'s scripts', function () {
  this.timeout(20_000);

  it('run by SHA1 and still run after Redis forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const redis = createRedis(urlTarget((await sharedRedis()).url), 'worker');
    try {
      const store = new IssueStore(redis, uniquePrefix('scripts'));
      const issue = { id: '1', key: 'X-1' };
      const event = (at: number): IssueEvent => ({ type: 'commented', at, by: 'agent', public: true });
      expect(await store.withIssueLock('s', '1', () => store.appendEvents('s', issue, [{ id: 'a', event: event(1) }]))).to.equal(1);
      await redis.script('FLUSH');
      expect(await store.withIssueLock('s', '1', () => store.appendEvents('s', issue, [{ id: 'a', event: event(1) }, { id: 'b', event: event(2) }]))).to.equal(1);
      expect((await store.readLog('s', '1')).events).to.have.length(2);
    } finally {
      redis.disconnect();
    }
  });
});
