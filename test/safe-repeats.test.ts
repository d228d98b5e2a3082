/**
 * The bridge's Redis writes are safe to run twice. After a reconnect ioredis sends again every
 * command that got no answer, and one that Redis ran just before the connection dropped then runs
 * a second time; a proxy in front of the real Redis loses exactly that answer. Also the issue
 * lock's heartbeat and fence, and a write-back whose worker died between the tracker's answer and
 * the record of it.
 */
import { expect } from 'chai';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { giteaDueDate } from '../connectors/gitea/write-back.js';
import { createWriteBackProcessor, type WriteBackOutcome } from '../src/app/jobs/write-back.js';
import type { DeliveryJob, WriteBackJob } from '../src/app/jobs/pipeline.js';
import { createLogger } from '../src/app/logger.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { DeliveryFailure, OutboundHttp, redactRequest } from '../src/app/outbound/outbound-http.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { DeadLetterStore } from '../src/app/store/dead-letters.js';
import { ISSUE_LOCK_TTL_MS, IssueLockLost, IssueStore, type IssueState } from '../src/app/store/issue-store.js';
import { createRedis, waitUntilReady, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { runClock } from '../src/domain/sla-clock.js';
import { writeBackFieldsFrom } from '../src/domain/write-back-fields.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { ReplyDroppingProxy } from './support/reply-dropping-proxy.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor } from './support/wait-for.js';

const GITEA = 'https://gitea.example.com';
const config = loadBridgeConfig(
  writeConfig({
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'contracts/support.yaml': 'customer: ACME\ncalendar: round-the-clock\ncovers: [{ source: gitea-demo, project: acme/app }]\nmetrics: { reaction: { met_by: [agent_comment] } }\npolicies: { reaction: 1w }\n',
    'sources/gitea-demo.yaml': `kind: gitea\nbase_url: ${GITEA}\nwebhook: { secrets: [s] }\napi: { token: gitea-token }\npriority: { field: labels, map: { priority/1: P1 }, default: P3 }\nagents: { users: [agent] }\nwrite_back: { enabled: true, due_date: true }\n`,
  }),
  {},
);

/** An issue of acme/app opened now, its reaction met by an agent if `answered`. */
function issueState(number: number, answered: boolean, now: number): IssueState {
  const events = [
    { type: 'created', at: now - 60_000, project: 'acme/app', priority: 'P3', status: 'open' },
    ...(answered ? [{ type: 'commented', at: now - 30_000, by: 'agent' }] : []),
  ].map((event) => issueEventSchema.parse(event));
  const id = `acme/app#${number}`;
  return { source: 'gitea-demo', issue: { id, key: id }, sla: runClock({ source: 'gitea-demo', events }, config.contracts.values(), now), computedAt: now, eventCount: events.length };
}

describe('Redis writes sent twice after a lost answer', function () {
  this.timeout(20_000);
  let proxy: ReplyDroppingProxy;
  let client: RedisClient;
  let direct: Redis;
  let prefix: string;

  before(async () => {
    const { url } = await sharedRedis();
    proxy = await ReplyDroppingProxy.start(url);
    // As a worker's connection is: waits through a reconnect and sends again what got no answer.
    client = createRedis(urlTarget(proxy.url), 'worker');
    await waitUntilReady(client, urlTarget(proxy.url));
    direct = new Redis(url);
  });
  beforeEach(() => {
    prefix = uniquePrefix('repeats');
    proxy.dropped = 0;
  });
  after(async () => {
    client.disconnect();
    direct.disconnect();
    await proxy.close();
  });

  it('an issue lock whose acquire ran twice is taken at once: the work runs once and the lock is released', async () => {
    const store = new IssueStore(client, prefix);
    const lockKey = `${prefix}:issue:gitea-demo:acme/app#1:lock`;
    proxy.dropReplyTo(lockKey);
    let runs = 0;
    // A second acquire colliding with the first one's own lock would wait 10 s and throw.
    await store.withIssueLock('gitea-demo', 'acme/app#1', async () => {
      runs += 1;
      expect(await direct.pttl(lockKey), 'held while the work runs').to.be.above(0);
    });
    expect(proxy.dropped, 'the acquire lost its answer').to.equal(1);
    expect(runs).to.equal(1);
    expect(await direct.exists(lockKey)).to.equal(0);
  });

  it('events appended twice are stored once', async () => {
    const store = new IssueStore(client, prefix);
    const events = [0, 1, 2].map((index) => ({ id: `delivery-1#${index}`, event: issueEventSchema.parse({ type: 'commented', at: 1_000 + index, by: 'customer' }) }));
    proxy.dropReplyTo('RPUSH');
    await store.appendEvents('gitea-demo', { id: 'acme/app#2', key: 'acme/app#2' }, events);
    expect(proxy.dropped).to.equal(1);
    expect(await store.loadEvents('gitea-demo', 'acme/app#2')).to.have.length(3);
  });

  it('a restore counted twice counts once', async () => {
    const store = new IssueStore(client, prefix);
    proxy.dropReplyTo(`${prefix}:issue:gitea-demo:acme/app#3:restores`);
    expect(await store.countRestore('gitea-demo', 'acme/app#3', 'wanted-1', 60_000, 'wb-1@1')).to.equal(1);
    expect(proxy.dropped).to.equal(1);
    expect(await store.restoresOf('gitea-demo', 'acme/app#3', 'wanted-1')).to.equal(1);
    // Another restore still counts.
    expect(await store.countRestore('gitea-demo', 'acme/app#3', 'wanted-1', 60_000, 'wb-2@2')).to.equal(2);
  });

  describe('a dead letter', () => {
    interceptHttp({ cleanAfterEach: true });

    it('whose failed replay is recorded twice gains its attempts once', async () => {
      const letters = new DeadLetterStore(client, prefix);
      const request = { url: `${GITEA}/api/v1/repos/acme/app/issues/4`, method: 'PATCH' as const, headers: {}, body: { due_date: null }, description: 'gitea: due date of acme/app#4' };
      const id = await letters.add(new DeliveryFailure({ permanent: false, status: 503, attempts: 3, reason: 'HTTP 503', request: redactRequest(request) }), request);
      nock(GITEA).patch('/api/v1/repos/acme/app/issues/4').reply(503, 'busy');
      proxy.dropReplyTo("'replays'");
      const http = new OutboundHttp({ retry: { maxAttempts: 1 }, sleep: async () => undefined });
      await letters.replay(id, http).then(
        () => expect.fail('the replay should fail'),
        (error: unknown) => expect(error).to.be.instanceOf(DeliveryFailure),
      );
      expect(proxy.dropped).to.equal(1);
      expect(await letters.get(id)).to.deep.include({ attempts: 4, replays: 1 });
    });
  });
});

describe('issue locks: heartbeat and fence', function () {
  this.timeout(20_000);
  let redis: Redis;
  let prefix: string;

  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  beforeEach(() => (prefix = uniquePrefix('locks')));
  after(() => redis.disconnect());

  it('keeps the lock while the work outlasts its TTL: a second worker waits for the end', async () => {
    const first = new IssueStore(redis, prefix);
    const second = new IssueStore(redis, prefix);
    const order: string[] = [];
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const lockKey = `${prefix}:issue:gitea-demo:acme/app#5:lock`;
    const firstRun = first.withIssueLock('gitea-demo', 'acme/app#5', async () => {
      order.push('first starts');
      await holding;
      order.push('first ends');
    });
    const secondRun = second.withIssueLock('gitea-demo', 'acme/app#5', async () => void order.push('second runs'));
    const token = await waitFor('the first holder to take the lock', () => order.length > 0 && redis.get(lockKey));
    // Past the TTL the lock is still the first one's, renewed, and the second worker still waits.
    const pastTtl = Date.now() + ISSUE_LOCK_TTL_MS + 1_000;
    await waitFor('the lock to outlive its TTL', () => Date.now() > pastTtl, { timeoutMs: ISSUE_LOCK_TTL_MS + 5_000 });
    expect(await redis.get(lockKey)).to.equal(token);
    expect(order).to.deep.equal(['first starts']);
    release();
    await Promise.all([firstRun, secondRun]);
    expect(order).to.deep.equal(['first starts', 'first ends', 'second runs']);
  });

  it('does not save a state once the lock is another holder\'s: IssueLockLost, and the other state stays', async () => {
    const store = new IssueStore(redis, prefix);
    const now = Date.now();
    const ours = issueState(6, false, now);
    const theirs = { ...issueState(6, true, now), computedAt: now + 1 };
    const lockKey = `${prefix}:issue:gitea-demo:acme/app#6:lock`;
    const run = store.withIssueLock('gitea-demo', 'acme/app#6', async () => {
      // The lock expired (Redis away past the TTL) and another worker took it and saved its state.
      await redis.set(lockKey, 'another-worker', 'PX', 10_000);
      await redis.set(`${prefix}:issue:gitea-demo:acme/app#6:state`, JSON.stringify(theirs));
      await store.saveState(ours);
    });
    await run.then(
      () => expect.fail('the save should be refused'),
      (error: unknown) => expect(error).to.be.instanceOf(IssueLockLost),
    );
    expect(await store.loadState('gitea-demo', 'acme/app#6')).to.deep.equal(theirs);
    expect(await redis.get(lockKey), "the other holder's lock is left alone").to.equal('another-worker');
  });
});

describe('write-back after a write that was never recorded', function () {
  this.timeout(20_000);
  interceptHttp({ cleanAfterEach: true });
  let redis: Redis;
  let ingest: Queue<DeliveryJob>;
  let prefix: string;

  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    prefix = uniquePrefix('unrecorded');
    ingest = new Queue<DeliveryJob>('sla-ingest', { connection: redis, prefix });
  });
  after(async () => {
    await ingest.close();
    redis.disconnect();
  });

  it('clears the due date the dead worker set, though no record says it was written', async () => {
    const store = new IssueStore(redis, prefix);
    const now = Date.now();
    const before = issueState(7, false, now);
    // The worker wrote the due date, Gitea answered, and the worker died before recording it.
    await store.saveWriting('gitea-demo', 'acme/app#7', writeBackFieldsFrom(before.sla, now));
    expect(giteaDueDate(writeBackFieldsFrom(before.sla, now).nearest, 'Europe/Amsterdam'), 'the due date the tracker may show').to.be.a('string');
    // Then an agent answered: nothing should be due any more.
    await store.saveState(issueState(7, true, now));
    const bodies: unknown[] = [];
    nock(GITEA)
      .patch('/api/v1/repos/acme/app/issues/7')
      .reply(201, (_uri: string, body: unknown) => (bodies.push(body), {}));
    const process = createWriteBackProcessor({
      store,
      sources: config.sources,
      connectors: trackerConnectors,
      http: new OutboundHttp({ sleep: async () => undefined }),
      deadLetters: new DeadLetterStore(redis, prefix),
      ingest,
      now: () => now,
      logger: createLogger({ silent: true }),
      metrics: new BridgeMetrics(),
    });
    const outcome = await process({ id: 'wb-7', timestamp: now, data: { source: 'gitea-demo', issueId: 'acme/app#7' } } as Job<WriteBackJob>);
    expect(outcome).to.deep.equal({ outcome: 'written', requests: 1, issueId: 'acme/app#7' } satisfies WriteBackOutcome);
    expect(bodies).to.deep.equal([{ unset_due_date: true }]);
    expect(await store.loadWriting('gitea-demo', 'acme/app#7'), 'the write is recorded').to.equal(undefined);
    expect(await store.loadWritten('gitea-demo', 'acme/app#7')).to.deep.include({ nearest: null });
  });
});
