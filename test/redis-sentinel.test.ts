/**
 * The bridge on Redis Sentinel, with real processes: a password-protected master and replica
 * watched by a password-protected sentinel. The bridge finds the master through the sentinel,
 * and after a forced failover it keeps accepting and applying webhooks on the promoted replica.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import { trackerConnectors } from '../connectors/registry.js';
import type { RedisTarget } from '../src/app/store/redis-target.js';
import { freeLoopbackPort } from '../src/app/store/embedded-redis.js';
import { deliveryDedupId, INGEST_QUEUE } from '../src/app/jobs/pipeline.js';
import { acceptedDeliveryJob } from './support/accepted-delivery.js';
import { createRedis, RedisUnreachableError, waitUntilReady } from '../src/app/store/redis-connection.js';
import type { IssueSla } from '../src/domain/sla-clock.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type PostResult, type TestBridge } from './support/bridge-harness.js';
import { exitOf, report, serve, startedUrl } from './support/cli-process.js';
import { commentCreated, issueCreated, type JiraIssueFields } from './support/jira-payloads.js';
import { uniquePrefix } from './support/redis-server.js';
import { command, commandBuffer, startSentinelSetup, type SentinelSetup } from './support/redis-topology.js';
import { decodeState } from '../src/app/store/compact-state.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';
import { waitFor } from './support/wait-for.js';

const PASSWORD = `data-${randomUUID()}`;
const SENTINEL_PASSWORD = `sentinel-${randomUUID()}`;
// The bridges' clock, from the real one (test-clock.ts): their timers stay pending instead of
// firing in a loop, which would load the very Redis whose failover is measured.
const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
/** Every issue here is a P1 reported an hour before `now`: 3 h left of megabite-standard's 4 h. */
const CREATED = NOW.minus({ hours: 1 });
const AGENT = { name: 'Ann', email: 'ann@megabite.example' };

function issue(n: number): JiraIssueFields {
  return { created: CREATED.toISO()!, id: String(81000 + n), key: `MB-${810 + n}` };
}

function signed(body: unknown, delivery = randomUUID()) {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': delivery, ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) } };
}

const reaction = (sla: IssueSla) => (sla.covered ? sla.metrics.find((metric) => metric.metric === 'reaction') : undefined);

/** The raw state of an issue as one Redis node holds it, read past the bridge. */
async function stateOn(port: number, prefix: string, issueId: string): Promise<string | null> {
  const stored = (await commandBuffer(port, PASSWORD, 'GET', `${prefix}:issue:jira-demo:${issueId}:state`)) as Buffer | null;
  return stored ? decodeState(stored) : null;
}

/** A logger that keeps every line, to look for secrets in. */
function capturingLogger(lines: string[]): winston.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
}

/** Clients of a Redis node other than the sentinel's links and the asking connection: the bridges'. */
async function bridgeClientsOn(port: number): Promise<string[]> {
  const list = String(await command(port, PASSWORD, 'CLIENT', 'LIST'));
  return list.split('\n').filter((line) => line.trim() !== '' && !/ name=sentinel-/.test(line) && !/ cmd=client\|list/.test(line));
}

/**
 * Posts one new issue after another, each retried (same delivery) while it gets 503, the way a
 * tracker retries, until `stop()`; remembers what every attempt got.
 */
function keepPosting(bridge: TestBridge, firstIssue: number) {
  const answers: { issue: number; delivery: string; status: number; at: number }[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = firstIssue; !stopped; n += 1) {
      const delivery = randomUUID();
      const { raw, headers } = signed(issueCreated(issue(n)), delivery);
      for (;;) {
        // 0: no HTTP answer at all, which the test counts as a failure.
        const status = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers).then(
          (result) => result.status,
          () => 0,
        );
        answers.push({ issue: n, delivery, status, at: Date.now() });
        // 200: a retry after a 503 whose first arrival was stored after all (a duplicate, confirmed now).
        if (status === 202 || status === 200 || stopped) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    answers,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

describe('the bridge on Redis Sentinel', function () {
  this.timeout(30_000);
  const logLines: string[] = [];
  let setup: SentinelSetup;
  let target: Extract<RedisTarget, { kind: 'sentinel' }>;
  let bridge: TestBridge;
  /** The same, but a delivery is only accepted once the replica has it (REDIS_WAIT_REPLICAS=1). */
  let waiting: TestBridge;
  let posting: ReturnType<typeof keepPosting> | undefined;

  before(async () => {
    setup = await startSentinelSetup({ password: PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
    target = {
      kind: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port: setup.sentinelPort }],
      masterName: setup.masterName,
      password: PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
    };
    const logger = capturingLogger(logLines);
    bridge = await startTestBridge({ redis: target, now: () => NOW.toMillis(), logger, shutdownTimeoutMs: 2_000 });
    waiting = await startTestBridge({ redis: { ...target, waitReplicas: 1 }, now: () => NOW.toMillis(), logger, shutdownTimeoutMs: 2_000 });
  });
  after(async () => {
    await posting?.stop();
    await bridge?.close();
    await waiting?.close();
    await setup?.stop();
  });

  it('finds the master through the sentinel: a signed webhook is queued and applied there', async () => {
    const { raw, headers } = signed(issueCreated(issue(1)));
    const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
    const state = await waitForState(bridge, 'jira-demo', issue(1).id!);
    expect(reaction(state.sla)).to.deep.include({ state: 'running', priority: 'P1' });
    const [master, replica] = setup.nodes;
    expect(await setup.masterPort()).to.equal(master!.port);
    expect(JSON.parse((await stateOn(master!.port, bridge.prefix, issue(1).id!))!)).to.deep.equal(state);
    await setup.waitForReplication();
    expect(await stateOn(replica!.port, bridge.prefix, issue(1).id!)).to.not.equal(null);
  });

  it('waiting for the replica, answers 202 and then 200 for a repeat of the delivery, the replica holding it each time', async () => {
    const delivery = randomUUID();
    const { raw, headers } = signed(issueCreated(issue(90)), delivery);
    const [, replica] = setup.nodes;
    const mark = `${waiting.prefix}:${INGEST_QUEUE}:de:${deliveryDedupId('jira-demo', delivery)}`;
    const first = await postRaw(`${waiting.url}/webhooks/jira-demo`, raw, headers);
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    // Read at once, not waited for: the 202 came after the replica confirmed.
    const queued = (await commandBuffer(replica!.port, PASSWORD, 'GET', mark)) as Buffer | null;
    expect(queued?.toString(), 'the mark on the replica names the queued job').to.match(/^delivery-[0-9a-f]{16}$/);
    const again = await postRaw(`${waiting.url}/webhooks/jira-demo`, raw, headers);
    expect(again.body).to.deep.include({ status: 'duplicate', deliveryId: delivery });
    expect(((await commandBuffer(replica!.port, PASSWORD, 'GET', mark)) as Buffer).toString(), 'still the first arrival').to.equal(queued!.toString());
    expect(await commandBuffer(replica!.port, PASSWORD, 'EXISTS', `${waiting.prefix}:${INGEST_QUEUE}:${queued!.toString()}`), 'its job on the replica').to.equal(1);
    await waitForState(waiting, 'jira-demo', issue(90).id!);
  });

  it('after a forced failover, moves to the promoted replica and accepts and applies webhooks there', async () => {
    await waitForIdleQueue(bridge);
    await setup.waitForReplication();
    const [oldMaster, replica] = setup.nodes;
    posting = keepPosting(waiting, 100);
    await waitFor('a delivery confirmed by the replica', async () => posting!.answers.some(({ status }) => status === 202));
    const started = Date.now();
    await setup.failover();
    await waitFor('the sentinel to name the replica master', async () => (await setup.masterPort()) === replica!.port);
    const switchedMs = Date.now() - started;
    // The old master takes writes until Sentinel demotes it, seconds later: the bridges must have left.
    await waitFor('the bridges to leave the old master', async () => (await bridgeClientsOn(oldMaster!.port)).length === 0);
    const leftMs = Date.now() - started;

    const { raw, headers } = signed(issueCreated(issue(2)));
    const answers: number[] = [];
    const accepted = await waitFor('the bridge to accept a webhook on the new master', async () => {
      const result: PostResult = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
      answers.push(result.status);
      // A 200 duplicate: an earlier try was stored, though its answer was lost in the switch.
      return result.status === 202 || result.status === 200 ? result : undefined;
    });
    const acceptedMs = Date.now() - started;
    expect(['accepted', 'duplicate']).to.include(accepted.body.status);
    expect(answers.every((status) => status === 202 || status === 200 || status === 503), answers.join(',')).to.equal(true);
    const state = await waitForState(bridge, 'jira-demo', issue(2).id!);
    expect(JSON.parse((await stateOn(replica!.port, bridge.prefix, issue(2).id!))!)).to.deep.equal(state);
    // The issue from before the failover goes on from its log on the new master.
    const before = (await bridge.store.loadState('jira-demo', issue(1).id!))!;
    const comment = signed(commentCreated(issue(1), CREATED.plus({ minutes: 20 }).toISO()!, AGENT));
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, comment.raw, comment.headers)).status).to.equal(202);
    const met = await waitForState(bridge, 'jira-demo', issue(1).id!, (candidate) => reaction(candidate.sla)?.state === 'met');
    expect(met.eventCount).to.be.greaterThan(before.eventCount);
    expect(met.sla).to.deep.include({ covered: true, contract: 'megabite-standard' });

    // Sentinel demotes the old master to a replica of the new one; the waiting bridge, which had
    // nothing confirmed meanwhile, accepts again once that replica confirms.
    await waitFor('the old master to rejoin as a replica', async () => /connected_slaves:1/.test(String(await command(replica!.port, PASSWORD, 'INFO', 'replication'))), { timeoutMs: 20_000 });
    const rejoinedMs = Date.now() - started;
    const rejoined = Date.now();
    await waitFor('a confirmed delivery after the rejoin', async () => posting!.answers.some(({ status, at }) => (status === 202 || status === 200) && at > rejoined), { timeoutMs: 5_000 });
    await posting.stop();
    const statuses = posting.answers.map(({ status }) => status);
    expect(statuses, statuses.join(',')).to.include.members([202, 503]);
    expect([200, 202, 503], statuses.join(',')).to.include.members([...new Set(statuses)]);
    // Not one delivery the waiting bridge accepted was lost in the failover: each is queued on the
    // new master. (One a worker had taken when the master changed is applied after BullMQ's stall
    // check, up to a minute later; the ones accepted since are applied at once.)
    const acceptedAnswers = posting.answers.filter(({ status }) => status === 202 || status === 200);
    const jobStates: string[] = [];
    for (const { delivery } of acceptedAnswers) {
      const job = await acceptedDeliveryJob(waiting.queue, 'jira-demo', delivery);
      expect(job, `delivery ${delivery}`).to.not.equal(undefined);
      jobStates.push(await job!.getState());
    }
    const last = acceptedAnswers.at(-1)!;
    expect(last.at).to.be.greaterThan(rejoined);
    await waitForState(waiting, 'jira-demo', issue(last.issue).id!);
    const refused = posting.answers.filter(({ status }) => status === 503);
    if (process.env.TEST_LOGS) {
      console.log(
        `      failover: master switched after ${switchedMs} ms, bridges off the old master after ${leftMs} ms, first 202 after ${acceptedMs} ms (${answers.length - 1} x 503); ` +
          `old master back as a replica after ${rejoinedMs} ms; REDIS_WAIT_REPLICAS=1 bridge: ${acceptedAnswers.length} accepted (jobs now ${jobStates.join(',')}), none lost, 503 from ${refused[0]!.at - started} to ${refused.at(-1)!.at - started} ms`,
      );
    }
  });

  it('shows neither password in its log lines', () => {
    const log = logLines.join('');
    expect(log).to.include('bridge started');
    expect(log).to.include(`master \\"${setup.masterName}\\" through sentinels 127.0.0.1:${setup.sentinelPort}`);
    expect(log).to.not.include(PASSWORD);
    expect(log).to.not.include(SENTINEL_PASSWORD);
  });

  it('says in one line which sentinels it could not reach, without a password', async () => {
    const nowhere: RedisTarget = { ...target, sentinels: [{ host: '127.0.0.1', port: await freeLoopbackPort() }] };
    const redis = createRedis(nowhere, 'request');
    try {
      const failure = await waitUntilReady(redis, nowhere, 500).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure).to.be.instanceOf(RedisUnreachableError);
      expect(failure!.message).to.match(/^connecting to Redis \(master "sla-master" through sentinels 127\.0\.0\.1:\d+\) took longer than 500 ms; last error: All sentinels are unreachable/);
      expect(failure!.message).to.not.include(PASSWORD);
      expect(failure!.message).to.not.include(SENTINEL_PASSWORD);
    } finally {
      redis.disconnect();
    }
  });

  it('serve and report connect the same way, from REDIS_SENTINELS and REDIS_SENTINEL_MASTER', async () => {
    const prefix = uniquePrefix('sentinel-serve');
    const env = {
      REDIS_SENTINELS: `127.0.0.1:${setup.sentinelPort}`,
      REDIS_SENTINEL_MASTER: setup.masterName,
      REDIS_PASSWORD: PASSWORD,
      REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
      SLA_BRIDGE_PREFIX: prefix,
    };
    const child = serve({ ...DEMO_SECRETS, ...env, PORT: '0', HOST: '127.0.0.1' });
    const exited = exitOf(child);
    const url = await startedUrl(child);
    const { raw, headers } = signed(issueCreated(issue(3)));
    expect((await postRaw(`${url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    await waitFor('the served bridge to apply the webhook', async () => (await stateOn(await setup.masterPort(), prefix, issue(3).id!)) !== null);
    child.kill('SIGTERM');
    const { code, output } = await exited;
    expect(code, output).to.equal(0);
    expect(output).to.include(`through sentinels 127.0.0.1:${setup.sentinelPort}`);
    expect(output).to.not.include(PASSWORD);
    expect(output).to.not.include(SENTINEL_PASSWORD);

    const printed = report(['--contract', 'megabite-standard', '--month', CREATED.toFormat('yyyy-MM')], env);
    expect(printed.code, printed.err).to.equal(0);
    expect((JSON.parse(printed.out) as { issues: number }).issues).to.equal(1);
  });
});
