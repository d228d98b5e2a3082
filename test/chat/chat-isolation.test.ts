/**
 * One failing chat endpoint never holds up another channel. A real bridge on a real Redis sends
 * every warning and breach of many issues, due within a few seconds of each other, to generic
 * webhook channels on loopback receivers of our own: a healthy one, and ones that fail (seeded,
 * so a run is reproducible), hang, rate-limit or refuse. Each notification reaches a channel once
 * (the receivers count by X-Sla-Bridge-Notification-Id), or ends as a dead letter after a bounded
 * number of attempts. No timing claims: isolation is shown by order (the healthy channel gets
 * everything while its neighbour holds every one of its worker slots); the lateness figures are
 * printed for the README, and `bench/chat-isolation.bench.ts` measures them.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { chatQueueName, chatQueueSetKey, CHAT_JOB, CHAT_JOB_OPTIONS, CHAT_QUEUE, type ChatJob } from '../../src/app/jobs/pipeline.js';
import { queuedNotifications, withPlannedInstants } from '../support/queued-notifications.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import type { DeadLetterView } from '../../src/app/store/dead-letters.js';
import { NOTIFICATION_ID_HEADER } from '../../connectors/chat/webhook/index.js';
import { startTestBridge, waitForQuiet, type TestBridge } from '../support/bridge-harness.js';
import { fanOutConfig, notificationIdsOf, openIssue, spread } from '../support/chat-fan-out.js';
import { startChatReceiver, type ChatReceiver } from '../support/chat-receiver.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-for.js';
import { BASE } from './samples.js';

const TOKEN = 'chat-isolation-token';
const ATTEMPTS = CHAT_JOB_OPTIONS.attempts!;
// Waits of tens of milliseconds instead of seconds, and Retry-After capped to a third of a second.
const QUICK_RETRY = { baseDelayMs: 20, maxDelayMs: 400, maxRetryAfterMs: 300 };

describe('chat isolation: a failing channel delays no other', function () {
  this.timeout(120_000);
  const receivers: ChatReceiver[] = [];
  const bridges: TestBridge[] = [];
  let redis: Redis;

  interceptHttp();

  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    for (const bridge of bridges.splice(0)) await bridge.close();
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  after(() => redis.disconnect());

  async function receiver(...args: Parameters<typeof startChatReceiver>): Promise<ChatReceiver> {
    const started = await startChatReceiver(...args);
    receivers.push(started);
    return started;
  }

  async function bridge(...args: Parameters<typeof startTestBridge>): Promise<TestBridge> {
    const started = await startTestBridge({ apiToken: TOKEN, ...args[0] });
    bridges.push(started);
    return started;
  }

  async function openIssues(target: TestBridge, first: number, count: number): Promise<string[]> {
    const ids: number[] = Array.from({ length: count }, (_, index) => first + index);
    await Promise.all(ids.map((id) => openIssue(target.url, id)));
    return ids.flatMap(notificationIdsOf);
  }

  async function deadLetters(target: TestBridge): Promise<DeadLetterView[]> {
    const response = await fetch(`${target.url}/api/dead-letters?limit=1000`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).to.equal(200);
    return ((await response.json()) as { letters: DeadLetterView[] }).letters;
  }
  const letterId = (letter: DeadLetterView) => letter.headers[NOTIFICATION_ID_HEADER];

  /** Per notification id, the instant its threshold was due by the issue's state. */
  async function plannedAt(target: TestBridge, ids: readonly string[]): Promise<Map<string, number>> {
    const wanted = new Set(ids);
    const queued = (await queuedNotifications(redis, target.prefix)).filter((due) => wanted.has(due.id));
    return new Map((await withPlannedInstants(target.store, queued)).flatMap((due) => (due.at === undefined ? [] : [[due.id, due.at] as const])));
  }

  function lateness(planned: Map<string, number>, deliveredAt: Map<string, number>) {
    return spread([...deliveredAt].filter(([id]) => planned.has(id)).map(([id, at]) => at - planned.get(id)!));
  }

  it('delivers every due notification to the healthy channel once, and to a flaky one once or as a dead letter after bounded attempts', async () => {
    const healthy = await receiver();
    // 30% 500, 10% 429 with Retry-After, 5% no answer past the 1.5 s timeout. The timeout is long
    // enough that the healthy receiver, in this process on a loaded machine, always answers in
    // time: a healthy answer past it would be sent again, and counted twice below.
    const flaky = await receiver({ error: 0.3, rateLimited: 0.1, hang: 0.05, retryAfterS: 1 }, 'chat-isolation-flaky');
    const target = await bridge({ config: fanOutConfig({ healthy: healthy.url, flaky: flaky.url }), http: new OutboundHttp({ timeoutMs: 1_500 }), chatRetry: QUICK_RETRY });
    const expected = await openIssues(target, 71000, 40);

    await waitUntil('the healthy channel to show every notification', () => healthy.delivered(), (shown) => expected.every((id) => shown.has(id)), { timeoutMs: 30_000 });
    const settled = await waitUntil(
      'the flaky channel to show or dead-letter every notification',
      async () => ({ shown: flaky.delivered(), lettered: new Set((await deadLetters(target)).map(letterId)) }),
      ({ shown, lettered }) => expected.every((id) => shown.has(id) || lettered.has(id)),
      { timeoutMs: 60_000 },
    );
    await waitForQuiet(target, 30_000);

    // The healthy channel: each notification once, in one request, and nothing else.
    expect(healthy.requests.map((request) => request.notificationId).sort()).to.deep.equal([...expected].sort());
    // The flaky one: shown at most once each; those never shown were dead-lettered after every attempt.
    const shown = flaky.delivered();
    for (const id of expected) expect(shown.get(id) ?? 0, `${id} shown on the flaky channel`).to.be.at.most(1);
    const letters = await deadLetters(target);
    expect(letters.filter((letter) => shown.has(letterId(letter)!)).map(letterId), 'shown and dead-lettered too').to.deep.equal([]);
    for (const letter of letters) expect(letter.attempts, `attempts of the dead letter of ${letterId(letter)}`).to.equal(ATTEMPTS);
    const tries = new Map<string, number>();
    for (const request of flaky.requests) tries.set(request.notificationId, Math.max(tries.get(request.notificationId) ?? 0, request.attempt));
    expect(Math.max(...tries.values()), 'requests for one notification').to.be.at.most(ATTEMPTS);
    expect([...tries.values()].some((count) => count > 1), 'the flaky channel needed retries').to.equal(true);
    expect(settled.lettered.size, 'one letter per notification at most').to.equal(letters.length);

    const planned = await plannedAt(target, expected);
    const answers = flaky.requests.reduce<Record<string, number>>((counts, request) => ({ ...counts, [request.answer]: (counts[request.answer] ?? 0) + 1 }), {});
    console.log(`      ${expected.length} notifications per channel; flaky answers ${JSON.stringify(answers)}, ${letters.length} dead-lettered`);
    console.log(`      late after the planned instant (ms): healthy ${JSON.stringify(lateness(planned, healthy.deliveredAt()))}, flaky ${JSON.stringify(lateness(planned, flaky.deliveredAt()))}`);
  });

  it('sends all of the healthy channel\'s messages while a hanging neighbour holds every one of its worker slots', async () => {
    const healthy = await receiver();
    const stuck = await receiver({ hang: 1 });
    // A timeout far beyond the test: the stuck channel's requests hang until released.
    const target = await bridge({ config: fanOutConfig({ healthy: healthy.url, stuck: stuck.url }, 2), http: new OutboundHttp({ timeoutMs: 120_000 }), workerConcurrency: 4 });
    const expected = await openIssues(target, 72000, 10);

    await waitUntil('the healthy channel to show every notification', () => healthy.delivered(), (shown) => expected.every((id) => shown.has(id)), { timeoutMs: 60_000 });
    // Meanwhile the stuck channel has a request hanging in each of its 4 slots and has shown nothing.
    await waitUntil('the stuck channel to hold 4 requests', () => stuck.hanging, (hanging) => hanging === 4);
    expect(stuck.delivered().size).to.equal(0);
    expect(healthy.requests).to.have.length(expected.length);

    stuck.release();
    await waitUntil('the stuck channel, released, to show every notification', () => stuck.delivered(), (shown) => expected.every((id) => shown.has(id)), { timeoutMs: 20_000 });
    await waitForQuiet(target);
    expect([...stuck.delivered().values()].every((count) => count === 1), 'each once').to.equal(true);
  });

  it('pauses a channel that answers 429 for its Retry-After, and delays only that channel', async () => {
    const healthy = await receiver();
    const limited = await receiver({ rateLimited: 1, retryAfterS: 30 });
    const target = await bridge({ config: fanOutConfig({ healthy: healthy.url, limited: limited.url }, 2), chatRetry: { maxRetryAfterMs: 60_000 } });
    const [warning, breach] = await openIssues(target, 73000, 1);

    await waitUntil('the limited channel to answer 429', () => limited.requests.length, (count) => count > 0);
    const queue = new Queue<ChatJob>(chatQueueName('limited'), { connection: redis, prefix: target.prefix });
    try {
      const ttl = await queue.getRateLimitTtl();
      expect(ttl, 'the channel queue is paused for the Retry-After').to.be.within(1, 30_000);
      const [job] = await waitUntil('the refused message to wait as a delayed retry', () => queue.getJobs(['delayed']), (jobs) => jobs.length > 0);
      expect(job!.id).to.equal(`${warning}-limited`);
      expect(job!.delay, 'the retry waits as long as Retry-After asked').to.equal(30_000);
      expect(job!.attemptsMade).to.equal(1);
      // The healthy channel gets both the warning and the breach meanwhile.
      await waitUntil('the healthy channel to show both notifications', () => healthy.delivered().size, (count) => count === 2);
      expect(await queue.getRateLimitTtl(), 'still paused').to.be.greaterThan(0);
      // Only the first message went out to the limited channel: the breach waits for the pause to end.
      expect(await queue.getJobState(`${breach}-limited`)).to.equal('waiting');
      expect(limited.requests.map((request) => request.notificationId)).to.deep.equal([warning]);
    } finally {
      await queue.close();
    }
  });

  it('dead-letters after the last attempt, or at once for a permanent refusal, and the letters replay', async () => {
    const broken = await receiver({ error: 1 });
    const refusing = await receiver({ refused: 1 });
    const target = await bridge({ config: fanOutConfig({ broken: broken.url, refusing: refusing.url }, 2), chatRetry: { baseDelayMs: 5, maxDelayMs: 20 } });
    const expected = await openIssues(target, 74000, 1);

    const letters = await waitUntil('four dead letters', () => deadLetters(target), (found) => found.length === 4, { timeoutMs: 20_000 });
    await waitForQuiet(target);
    const of = (channel: string) => letters.filter((letter) => letter.description.startsWith(`${channel} (webhook)`));
    expect(of('broken').map((letter) => [letterId(letter), letter.attempts, letter.permanent, letter.status])).to.have.deep.members(expected.map((id) => [id, ATTEMPTS, false, 500]));
    expect(of('refusing').map((letter) => [letterId(letter), letter.attempts, letter.permanent, letter.status])).to.have.deep.members(expected.map((id) => [id, 1, true, 400]));
    expect(broken.requests, 'every attempt, no more').to.have.length(ATTEMPTS * expected.length);
    expect(refusing.requests, 'one attempt each').to.have.length(expected.length);

    // The endpoint works again: a replay sends the message once and the letter leaves the list.
    broken.release();
    const letter = of('broken')[0]!;
    const replay = await fetch(`${target.url}/api/dead-letters/${letter.id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(replay.status).to.equal(200);
    expect(broken.delivered()).to.deep.equal(new Map([[letterId(letter), 1]]));
    expect((await deadLetters(target)).map((left) => left.id)).not.to.include(letter.id);
  });

  it('drains sla-chat of older versions and the queue of a removed channel into live queues, keeping the job ids', async () => {
    const healthy = await receiver();
    const config = fanOutConfig({ healthy: healthy.url });
    const prefix = uniquePrefix('chat-drain');
    const legacy = new Queue<ChatJob>(CHAT_QUEUE, { connection: redis, prefix });
    const removed = new Queue<ChatJob>(chatQueueName('gone'), { connection: redis, prefix });
    const live = new Queue<ChatJob>(chatQueueName('healthy'), { connection: redis, prefix });
    const fallback = new Queue<ChatJob>(chatQueueName(config.fallbackChannel.id), { connection: redis, prefix });
    try {
      const older = { ...BASE, id: 'notify-queued-by-an-older-version' };
      const orphan = { ...BASE, id: 'notify-for-a-removed-channel' };
      // As an older version queued it: the shared queue, its old options.
      await legacy.add(CHAT_JOB, { channelId: 'healthy', notification: older }, { jobId: `${older.id}-healthy`, attempts: 3 });
      await removed.add(CHAT_JOB, { channelId: 'gone', notification: orphan }, { ...CHAT_JOB_OPTIONS, jobId: `${orphan.id}-gone` });
      await redis.sadd(chatQueueSetKey(prefix), chatQueueName('gone'));

      const target = await bridge({ config, prefix });
      await waitUntil('the older message to reach the healthy channel', () => healthy.delivered(), (shown) => shown.get(older.id) === 1);
      const logged = await waitUntil('the removed channel\'s message to go to the fallback channel', () => fallback.getJob(`${orphan.id}-gone`), (job) => job?.returnvalue !== undefined && job.returnvalue !== null);
      expect(logged!.returnvalue).to.deep.include({ outcome: 'logged' });
      expect((await live.getJob(`${older.id}-healthy`))!.returnvalue).to.deep.include({ outcome: 'sent' });
      await waitForQuiet(target);
      expect(await legacy.getWaitingCount()).to.equal(0);
      expect(await removed.getWaitingCount()).to.equal(0);
      await target.close();
      bridges.splice(bridges.indexOf(target), 1);

      // Drained: the next start finds the removed channel's queue empty and stops listing it.
      const again = await bridge({ config, prefix });
      await waitForQuiet(again);
      expect(await redis.smembers(chatQueueSetKey(prefix))).to.have.members([chatQueueName('healthy'), chatQueueName(config.fallbackChannel.id)]);
      expect(healthy.delivered().get(older.id), 'sent once').to.equal(1);
    } finally {
      await Promise.all([legacy, removed, live, fallback].map((queue) => queue.close()));
    }
  });
});
