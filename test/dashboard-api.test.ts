/**
 * What the live dashboard reads, over a bridge split into an api and a worker process on one real
 * redis-server (and a Redis Cluster): the event stream (`GET /api/events`) hearing the worker's saves, the priority and
 * assignee filters of `GET /api/issues` with their refusals, and `GET /api/compliance`.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../connectors/registry.js';
import { urlTarget, type RedisTarget } from '../src/app/store/redis-target.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { issueCreated } from './support/jira-payloads.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { startCluster, type ClusterSetup } from './support/redis-topology.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

const TOKEN = 'dashboard-api-token';
const NOW = fixtureNow({ zone: 'Europe/Amsterdam', intoMonth: { hours: 5 } });
const bearer = { authorization: `Bearer ${TOKEN}` };

function jiraCreated(id: string, key: string, hoursBefore: number, priority: string) {
  const body = issueCreated({ created: NOW.minus({ hours: hoursBefore }).toISO()!, id, key, priority });
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) } };
}

/** An open event stream: the events as they arrive, and a wait for one with a deadline. */
async function openStream(url: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, { headers: bearer, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return void (ended = true);
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ? JSON.parse(data) : undefined });
      }
    }
  })();
  const waitFor = async (what: string, found: () => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!found()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; events: ${JSON.stringify(events)}, ended: ${ended}`);
      await Promise.race([pump, new Promise((resolve) => setImmediate(resolve))]);
    }
  };
  return { response, events, waitFor, ended: () => ended, close: () => controller.abort() };
}

describe('the live dashboard\'s API, over an api and a worker process', function () {
  this.timeout(60_000);
  let redis: RedisTarget;
  let prefix: string;
  let api: TestBridge;
  let worker: TestBridge;
  const get = async (path: string) => {
    const response = await fetch(`${api.url}${path}`, { headers: bearer });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  before(async () => {
    redis = urlTarget((await sharedRedis()).url);
    prefix = uniquePrefix('dash-api');
    worker = await startTestBridge({ role: 'worker', redis, prefix, now: () => NOW.toMillis() });
    api = await startTestBridge({ role: 'api', redis, prefix, apiToken: TOKEN, now: () => NOW.toMillis() });
    for (const { raw, headers } of [jiraCreated('10401', 'MB-401', 5, 'Highest'), jiraCreated('10402', 'MB-402', 1, 'High')]) {
      expect((await postRaw(`${api.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    }
    await waitForIdleQueue(worker);
  });
  after(async () => {
    await api?.close();
    await worker?.close();
  });

  it('streams a "changed" event to the api process when the worker process saves a state', async () => {
    expect((await fetch(`${api.url}/api/events`)).status).to.equal(401);
    const stream = await openStream(api.url);
    try {
      expect(stream.response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
      expect(stream.response.headers.get('cache-control')).to.equal('no-cache, no-transform');
      await stream.waitFor('the stream to be subscribed', () => stream.events.some((entry) => entry.event === 'ready'));
      const { raw, headers } = jiraCreated('10403', 'MB-403', 0.5, 'Highest');
      expect((await postRaw(`${api.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
      await stream.waitFor('MB-403 saved', () => stream.events.some((entry) => entry.event === 'changed' && (entry.data as { key?: string }).key === 'MB-403'));
      expect(stream.events.find((entry) => entry.event === 'changed')!.data).to.deep.equal({ source: 'jira-demo', issueId: '10403', key: 'MB-403' });
    } finally {
      stream.close();
    }
  });

  it('tells the streams to read everything again when its subscription was cut, and hears the saves after it', async () => {
    const stream = await openStream(api.url);
    const admin = new Redis((await sharedRedis()).url);
    try {
      await stream.waitFor('the stream to be subscribed', () => stream.events.some((entry) => entry.event === 'ready'));
      const subscribers = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).split('\n').filter((line) => / name=sla-bridge-state-changes /.test(line));
      expect(subscribers).to.have.length(1);
      await admin.call('CLIENT', 'KILL', 'ID', /^id=(\d+) /.exec(subscribers[0]!)![1]!);
      await stream.waitFor('a resync after the reconnect', () => stream.events.some((entry) => entry.event === 'resync'));
      const { raw, headers } = jiraCreated('10404', 'MB-404', 0.5, 'Highest');
      expect((await postRaw(`${api.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
      await stream.waitFor('MB-404 saved', () => stream.events.some((entry) => entry.event === 'changed' && (entry.data as { key?: string }).key === 'MB-404'));
    } finally {
      stream.close();
      admin.disconnect();
    }
  });

  it('ends its open streams when it stops, instead of waiting for them', async () => {
    const other = await startTestBridge({ role: 'api', redis, prefix, apiToken: TOKEN, now: () => NOW.toMillis() });
    const stream = await openStream(other.url);
    await stream.waitFor('the stream to be subscribed', () => stream.events.some((entry) => entry.event === 'ready'));
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([other.close().then(() => 'closed'), new Promise((resolve) => (timer = setTimeout(() => resolve('still open after 5 s'), 5_000)))]);
    clearTimeout(timer);
    expect(closed).to.equal('closed');
    await stream.waitFor('the stream to end', () => stream.ended());
  });

  it('filters issues by priority and assignee, and names the field of a bad value', async () => {
    const keys = async (query: string) => ((await get(`/api/issues${query}`)).body.issues as { issue: { key: string } }[]).map((entry) => entry.issue.key).sort();
    expect(await keys('?priority=P1')).to.include.members(['MB-401']).and.not.include('MB-402');
    expect(await keys('?priority=P2')).to.deep.equal(['MB-402']);
    expect(await keys('?assignee=nobody-here')).to.deep.equal([]);
    // Jira's payloads here have no assignee: every one is unassigned, and says so.
    expect(((await get('/api/issues?priority=P2')).body.issues as { assignee: unknown }[])[0]!.assignee).to.equal(null);
    const answer = await get('/api/issues');
    expect(answer.body.now).to.equal(NOW.toMillis());
    for (const [query, field] of [
      ['?priority=P9', 'priority'],
      ['?priority=', 'priority'],
      ['?assignee=', 'assignee'],
    ] as const) {
      const refused = await get(`/api/issues${query}`);
      expect(refused.status, query).to.equal(400);
      expect(refused.body.field, query).to.equal(field);
      expect(refused.body.error, query).to.match(new RegExp(`^${field}: `));
    }
    expect((await get('/api/issues?owner=x')).body.error).to.equal('owner: not a filter (use state, contract, source, metric, priority, assignee, limit or offset)');
  });

  it('answers the compliance per month and priority of every contract, and refuses a bad months', async () => {
    const { status, body } = await get('/api/compliance?months=3');
    expect(status).to.equal(200);
    const megabite = (body.contracts as any[]).find((contract) => contract.id === 'megabite-standard');
    expect(megabite.months.map((entry: { month: string }) => entry.month)).to.deep.equal([2, 1, 0].map((back) => NOW.minus({ months: back }).toFormat('yyyy-MM')));
    // MB-401 is 5 h old against a 4 h reaction: breached; the other two are running.
    expect(megabite.months[2]).to.deep.include({ met: 0, breached: 1, percentMet: 0, breaches: 1 });
    expect(megabite.months[2].byPriority.P1).to.deep.equal({ met: 0, breached: 1, percentMet: 0 });
    expect(megabite.months[2].byPriority.P2).to.deep.equal({ met: 0, breached: 0, percentMet: null });
    for (const [query, field] of [
      ['?months=0', 'months'],
      ['?months=many', 'months'],
      ['?contract=x', 'contract'],
    ] as const) {
      const refused = await get(`/api/compliance${query}`);
      expect(refused.status, query).to.equal(400);
      expect(refused.body.field, query).to.equal(field);
    }
  });
});

describe('the event stream on a Redis Cluster, over an api and a worker process', function () {
  this.timeout(60_000);
  let cluster: ClusterSetup;
  let api: TestBridge;
  let worker: TestBridge;

  before(async () => {
    cluster = await startCluster({ password: 'dash-cluster-password' });
    const redis: RedisTarget = { kind: 'cluster', nodes: cluster.nodes.slice(0, 1).map(({ port }) => ({ host: '127.0.0.1', port })), password: 'dash-cluster-password' };
    // A hash tag: every key of the prefix in one slot, as a Cluster needs.
    const prefix = `{dash-${randomUUID().slice(0, 8)}}`;
    worker = await startTestBridge({ role: 'worker', redis, prefix, now: () => NOW.toMillis(), shutdownTimeoutMs: 2_000 });
    api = await startTestBridge({ role: 'api', redis, prefix, apiToken: TOKEN, now: () => NOW.toMillis(), shutdownTimeoutMs: 2_000 });
  });
  after(async () => {
    await api?.close();
    await worker?.close();
    await cluster?.stop();
  });

  it('hears the worker\'s save on whichever node it subscribed to', async () => {
    const stream = await openStream(api.url);
    try {
      await stream.waitFor('the stream to be subscribed', () => stream.events.some((entry) => entry.event === 'ready'));
      const { raw, headers } = jiraCreated('10501', 'MB-501', 0.5, 'Highest');
      expect((await postRaw(`${api.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
      await stream.waitFor('MB-501 saved', () => stream.events.some((entry) => entry.event === 'changed' && (entry.data as { key?: string }).key === 'MB-501'));
    } finally {
      stream.close();
    }
  });
});
