/**
 * The bridge on a real three-master Redis Cluster, with a hash-tagged key prefix: a webhook is
 * applied, its timers fire, a breach the chat service refuses becomes a dead letter that is
 * replayed through the API, and `report` reads the month from REDIS_CLUSTER_NODES. Every key the
 * bridge writes (BullMQ's included) lands on the one node that owns the prefix's slot.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { DeadLetterStore } from '../src/app/store/dead-letters.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { createRedis, waitUntilReady, type RedisClient } from '../src/app/store/redis-connection.js';
import type { RedisTarget } from '../src/app/store/redis-target.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from './support/bridge-harness.js';
import { exitOf, report, serve } from './support/cli-process.js';
import { interceptHttp } from './support/http-interception.js';
import { issueCreated } from './support/jira-payloads.js';
import { command, startCluster, type ClusterSetup } from './support/redis-topology.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { waitFor } from './support/wait-for.js';

const PASSWORD = `cluster-${randomUUID()}`;
const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');
const SLACK = 'https://hooks.slack.com';
const SLACK_PATH = '/services/T0000/B0000/timer-test';
const API_TOKEN = `token-${randomUUID()}`;
/** The zone of the timer config's round-the-clock calendar, which the report counts months in. */
const ZONE = 'Europe/Amsterdam';

interface DeadLetterPage {
  readonly total: number;
  readonly letters: { id: string; description: string; status?: number }[];
}

describe('the bridge on Redis Cluster', function () {
  this.timeout(30_000);
  let cluster: ClusterSetup;
  let target: RedisTarget;
  let bridge: TestBridge;
  const prefix = `{cluster-${randomUUID().slice(0, 8)}}`;
  let slackAnswers = 400;
  /** When the one issue of these tests was created: the report's month is that instant's, not the clock's. */
  let created: DateTime;

  interceptHttp();

  before(async () => {
    nock(SLACK)
      .persist()
      .post(SLACK_PATH)
      .reply(() => [slackAnswers, slackAnswers === 200 ? 'ok' : 'invalid_payload']);
    cluster = await startCluster({ password: PASSWORD });
    target = { kind: 'cluster', nodes: cluster.nodes.slice(0, 1).map(({ port }) => ({ host: '127.0.0.1', port })), password: PASSWORD };
    bridge = await startTestBridge({
      redis: target,
      prefix,
      config: loadBridgeConfig(CONFIG_DIR, {}),
      apiToken: API_TOKEN,
      http: new OutboundHttp({ sleep: async () => undefined }),
      shutdownTimeoutMs: 2_000,
    });
  });
  after(async () => {
    await bridge?.close();
    await cluster?.stop();
  });

  const api = async <T>(pathname: string, method = 'GET'): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${bridge.url}/api${pathname}`, { method, headers: { authorization: `Bearer ${API_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('applies a webhook, fires its timers, dead-letters the refused breach and replays it', async () => {
    created = DateTime.now().setZone(ZONE);
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: created.toISO()!, id: '91001', key: 'MB-911' })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const accepted = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    const state = await waitForState(bridge, 'jira-demo', '91001');
    expect(state.sla).to.deep.include({ covered: true, contract: 'fast' });

    // The breach is due 6 s after creation; Slack refuses it for good (400), so it is kept.
    const page = await waitFor('the refused breach to be dead-lettered', async () => {
      const { body } = await api<DeadLetterPage>('/dead-letters');
      return body.total > 0 ? body : undefined;
    }, { timeoutMs: 15_000 });
    const [letter] = page.letters;
    expect(letter).to.deep.include({ status: 400 });
    expect(letter!.description).to.match(/breach .*MB-911/);

    slackAnswers = 200;
    const replayed = await api<{ status: number }>(`/dead-letters/${letter!.id}/replay`, 'POST');
    expect(replayed.status, JSON.stringify(replayed.body)).to.equal(200);
    expect((await api<DeadLetterPage>('/dead-letters')).body.letters.map(({ id }) => id)).to.not.include(letter!.id);
  });

  it('keeps every key of the prefix in the one slot its hash tag names', async () => {
    const slot = Number(await command(cluster.nodes[0]!.port, PASSWORD, 'CLUSTER', 'KEYSLOT', prefix));
    // Every key each node holds, each checked on its own: the running bridge adds keys meanwhile
    // (schedulers tick), so counts taken one after the other need not agree.
    const keysByNode = await Promise.all(cluster.nodes.map(async ({ port }) => (await command(port, PASSWORD, 'KEYS', '*')) as string[]));
    const keys = keysByNode.flat();
    // Issue state, event log, locks' leftovers, timers, BullMQ queues, dead letters: dozens of keys.
    expect(keys.length).to.be.greaterThan(20);
    expect(keysByNode.filter((held) => held.length > 0), 'nodes holding keys').to.have.length(1);
    const slots = await Promise.all(keys.map(async (key) => Number(await command(cluster.nodes[0]!.port, PASSWORD, 'CLUSTER', 'KEYSLOT', key))));
    expect(keys.filter((_, index) => slots[index] !== slot), 'keys outside the prefix\'s slot').to.deep.equal([]);
  });

  it('trims the dead-letter list in one script on the cluster', async () => {
    const redis: RedisClient = createRedis(target, 'worker');
    try {
      await waitUntilReady(redis, target);
      let clock = Date.now();
      const letters = new DeadLetterStore(redis, `{trim-${randomUUID().slice(0, 8)}}`, { maxLetters: 1, now: () => (clock += 1_000) });
      const failure = { permanent: true, status: 400, code: undefined, attempts: 1, reason: 'HTTP 400' };
      const request = { url: `${SLACK}${SLACK_PATH}`, method: 'POST' as const, body: 'x', description: 'trim test' };
      const first = await letters.add(failure, request);
      const second = await letters.add(failure, request);
      const page = await letters.list();
      expect(page.total).to.equal(1);
      expect(page.letters.map(({ id }) => id)).to.deep.equal([second]);
      expect(await letters.get(first)).to.equal(undefined);
    } finally {
      redis.disconnect();
    }
  });

  it('report reads the month from REDIS_CLUSTER_NODES; serve refuses a prefix without a hash tag', async () => {
    const nodes = cluster.nodes.map(({ port }) => `127.0.0.1:${port}`).join(',');
    const env = { REDIS_CLUSTER_NODES: nodes, REDIS_PASSWORD: PASSWORD, SLA_BRIDGE_PREFIX: prefix };
    // The issue's month in the calendar's zone; the clock may be in the next one by now.
    const month = created.toFormat('yyyy-MM');
    const printed = report(['--contract', 'fast', '--month', month, '--config', CONFIG_DIR], env);
    expect(printed.code, printed.err).to.equal(0);
    const parsed = JSON.parse(printed.out) as { issues: number; breaches: { key: string }[] };
    expect(parsed.issues).to.equal(1);
    expect(parsed.breaches.map(({ key }) => key)).to.deep.equal(['MB-911']);

    const refused = await exitOf(serve({ ...DEMO_SECRETS, ...env, SLA_BRIDGE_PREFIX: 'sla', PORT: '0' }));
    expect(refused.code).to.equal(1);
    expect(refused.output.trim()).to.equal('sla-bridge: SLA_BRIDGE_PREFIX: "sla" has no hash tag; on a Redis Cluster use one like "{sla}" so all keys share a slot');
    expect(refused.output).to.not.include(PASSWORD);
  });
});
