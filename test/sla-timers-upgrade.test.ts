/**
 * Timer jobs across an upgrade: this version queues a short tuple without per-job retention
 * (Redis memory per open issue, issue 19); a delayed job the previous version queued (named
 * object data, its own retention options, the longer id) must still fire, once, and be planned on
 * in the new shape; so must a plan recorded in the previous layout (its own hash per issue, now
 * fields of the ref hash); and a claim the previous version handed to the notify queue (this one's
 * timers route their claims themselves) must still reach its channel, once. The timer queue is
 * paused while each test sets up what the previous version left (the warning is 3 s out), so a
 * slow machine cannot fire this version's timer first; it is resumed once that is in place.
 */
import { expect } from 'chai';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { chatQueueName, NOTIFY_JOB, NOTIFY_JOB_OPTIONS, NOTIFY_QUEUE, notificationId, TIMER_QUEUE, type DueNotification } from '../src/app/jobs/pipeline.js';
import { notifiedLabels, queuedNotifications, thresholdAt } from './support/queued-notifications.js';
import { postRaw, startTestBridge, waitForQuiet, waitForState, type TestBridge } from './support/bridge-harness.js';
import { issueCreated } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { interceptHttp } from './support/http-interception.js';
import { waitUntil } from './support/wait-for.js';
import { plannedTimers } from './support/planned-timers.js';
import nock from 'nock';

const config = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/timer-config'), {});
const DAY_S = 24 * 3600;

/** The id the previous version gave a timer: 32 hex digits of the hash. */
const previousTimerId = (source: string, issueId: string, metric: string) =>
  `timer-${createHash('sha256').update([source, issueId, metric].join('\u0000')).digest('hex').slice(0, 32)}-${randomUUID().slice(0, 8)}`;

async function send(bridge: TestBridge, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
}

describe('SLA timers: jobs queued by the previous version', function () {
  this.timeout(40_000);
  let bridge: TestBridge;
  let redis: Redis;
  let timers: Queue;

  interceptHttp();

  before(async () => {
    nock('https://hooks.slack.com').persist().post('/services/T0000/B0000/timer-test').reply(200, 'ok');
    bridge = await startTestBridge({ config });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    timers = new Queue(TIMER_QUEUE, { connection: redis, prefix: bridge.prefix });
  });
  afterEach(() => timers.resume());
  after(async () => {
    await bridge.close();
    await timers.close();
    redis.disconnect();
  });

  const labelsOf = (issueId: string) => notifiedLabels(redis, bridge.prefix, issueId);

  it('fires a delayed job with the previous data shape and options once, and plans on in the new shape', async () => {
    const issueId = '41002';
    await timers.pause();
    await send(bridge, issueCreated({ created: DateTime.now().toISO(), id: issueId, key: 'MB-412' }));
    await waitForState(bridge, 'jira-demo', issueId);
    const planned = await waitUntil('the warning timer planned', () => plannedTimers(redis, bridge.prefix, 'jira-demo', issueId), (hash) => Boolean(hash.reaction));
    // Swap the planned job for what the previous version queued for the same notification.
    const current = (await timers.getJob(planned.reaction!))!;
    expect(await current.getState(), 'not yet fired when swapped (the timer queue is paused)').to.be.oneOf(['delayed', 'waiting', 'paused']);
    // What this version stores: a tuple, the attempts only, the shorter id.
    const stored = await redis.hgetall(`${bridge.prefix}:${TIMER_QUEUE}:${planned.reaction}`);
    expect(JSON.parse(stored.data!)).to.deep.equal(['jira-demo', issueId, 'reaction', '50%', (current.data as unknown[])[4]]);
    expect(Object.keys(JSON.parse(stored.opts!)).sort()).to.deep.equal(['attempts', 'delay', 'jobId']);
    expect(planned.reaction).to.match(/^t-[0-9a-f]{12}-[0-9a-f]{6}$/);
    // Every value within hash-max-listpack-value (64 bytes): the job keeps Redis's compact encoding.
    expect(await redis.object('ENCODING', `${bridge.prefix}:${TIMER_QUEUE}:${planned.reaction}`)).to.be.oneOf(['listpack', 'ziplist']);
    const [source, id, metric, label, at] = current.data as [string, string, string, string, number];
    await current.remove();
    const oldId = previousTimerId(source, id, metric);
    // What the old job itself answered: the claimed notification (a stale one answers null, and
    // the plan after it would notify anyway, through a new job).
    const eventsConnection = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    const events = new QueueEvents(TIMER_QUEUE, { connection: eventsConnection, prefix: bridge.prefix });
    await events.waitUntilReady();
    const answered = new Promise<unknown>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`the old job ${oldId} did not complete within 20 s`)), 20_000);
      events.on('completed', ({ jobId, returnvalue }) => {
        if (jobId !== oldId) return;
        clearTimeout(timeout);
        resolve(typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue);
      });
    });
    await timers.add('timer', { source, issueId: id, metric, label, at }, { attempts: 5, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, removeOnFail: { age: 7 * DAY_S }, jobId: oldId, delay: Math.max(0, at - Date.now()) });
    // The previous version's plan: its own hash, the ref without the field.
    await redis.hdel(`${bridge.prefix}:issue:jira-demo:${issueId}:ref`, `@${metric}`);
    await redis.hset(`${bridge.prefix}:issue:jira-demo:${issueId}:timers`, metric, oldId);
    await timers.resume();

    try {
      expect(await answered, 'what the old job claimed').to.deep.include({ issueId, metric: 'reaction', label: '50%' });
    } finally {
      await events.close();
      eventsConnection.disconnect();
    }
    await waitUntil(`three notifications of MB-412`, () => labelsOf(issueId), (labels) => labels.length >= 3, { timeoutMs: 20_000 });
    await waitForQuiet(bridge);
    expect(await labelsOf(issueId)).to.deep.equal(['50%', 'breach', 'escalation 1']);
    // The old job removed by its own retention; the ones planned after it by the workers'.
    expect(await redis.exists(`${bridge.prefix}:${TIMER_QUEUE}:${oldId}`), 'the old job kept').to.equal(0);
    // The old plan hash moved into the ref at the first write after it.
    expect(await redis.exists(`${bridge.prefix}:issue:jira-demo:${issueId}:timers`), 'the old plan hash left').to.equal(0);
    expect(await timers.getJobCounts('completed', 'failed')).to.deep.equal({ completed: 0, failed: 0 });
  });

  it('routes a claim the previous version left in the notify queue to its channel, once, and the timer of the same threshold folds into it', async () => {
    const issueId = '41003';
    const created = DateTime.now();
    await timers.pause();
    await send(bridge, issueCreated({ created: created.toISO(), id: issueId, key: 'MB-413' }));
    const state = await waitForState(bridge, 'jira-demo', issueId);
    const warningAt = thresholdAt(state, 'reaction', '50%');
    expect(warningAt, 'the 50% warning is planned').to.be.a('number');
    // What the previous version's timer queued for the 50% warning, had it fired at once (a clock ahead).
    const id = notificationId('jira-demo', issueId, 'reaction', '50%');
    const claim: DueNotification = { id, source: 'jira-demo', issueId, metric: 'reaction', kind: 'warning', label: '50%', at: warningAt!, firedAt: Date.now(), skipped: [] };
    const notify = new Queue<DueNotification>(NOTIFY_QUEUE, { connection: redis, prefix: bridge.prefix });
    const console = new Queue(chatQueueName('console'), { connection: redis, prefix: bridge.prefix });
    try {
      await notify.add(NOTIFY_JOB, claim, { ...NOTIFY_JOB_OPTIONS, jobId: id });
      const sent = await waitUntil('the old claim sent to the console', async () => (await console.getJobs(['completed'])).find((job) => job.data.notification.id === id), (job) => job !== undefined);
      expect(sent!.data.notification).to.deep.include({ threshold: '50%', kind: 'warning', firedAt: claim.firedAt });
      expect(await notify.getJobCounts('completed', 'failed')).to.deep.equal({ completed: 1, failed: 0 });
      const planned = await plannedTimers(redis, bridge.prefix, 'jira-demo', issueId);
      expect(await (await timers.getJob(planned.reaction!))?.getState(), 'the 50% timer not yet fired').to.be.oneOf(['delayed', 'waiting', 'paused']);
      await timers.resume();
      await waitUntil('three notifications of MB-413', () => labelsOf(issueId), (labels) => labels.length >= 3, { timeoutMs: 20_000 });
      await waitForQuiet(bridge);
      const queued = await queuedNotifications(redis, bridge.prefix, issueId);
      expect(queued.map((due) => due.label)).to.deep.equal(['50%', 'breach', 'escalation 1']);
      // The timer's own claim of the 50% warning folded into the old claim's chat job.
      expect(queued[0]!.firedAt, 'the 50% message is the old claim').to.equal(claim.firedAt);
    } finally {
      await notify.close();
      await console.close();
    }
  });
});
