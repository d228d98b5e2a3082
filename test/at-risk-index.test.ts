/**
 * `GET /api/issues?state=at-risk` from the index the saved states keep: the same issues in the same
 * order as reading every state, in pages, following each issue as it comes into and out of risk,
 * and built from the states when they were saved before the index existed. The megabite-standard
 * contract (P1: 4 h round the clock, warnings at 50/75/90%), times relative to a `now` from the
 * real clock (test-clock.ts).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../connectors/registry.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { issueCommented, issueCreated } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

const TOKEN = 'at-risk-index-token';
const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
const hoursBefore = (hours: number) => NOW.minus({ hours }).toISO()!;
const AGENT = { email: 'anna@megabite.example', name: 'Anna (Mega Bite)' };

// Created this long ago: under 2 h is running without a warning passed, 2-4 h at risk, over 4 h breached.
const ISSUES: readonly [string, number][] = [
  ['MB-201', 1],
  ['MB-202', 2.5],
  ['MB-203', 3.5],
  ['MB-204', 2.1],
  ['MB-205', 4.5],
  ['MB-206', 3.9],
  ['MB-207', 3],
  ['MB-208', 0.5],
];
/** Soonest deadline first: the longest ago created of those at risk. */
const AT_RISK = ['MB-206', 'MB-203', 'MB-207', 'MB-202', 'MB-204'];

describe('the at-risk list from its index', function () {
  this.timeout(30_000);
  let bridge: TestBridge;
  const api = async (path: string) => {
    const response = await fetch(`${bridge.url}/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const keys = (body: Record<string, any>) => (body.issues as { issue: { key: string } }[]).map((entry) => entry.issue.key);
  const post = async (body: unknown) => {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
  };
  const fields = (key: string, hours: number) => ({ created: hoursBefore(hours), id: key.replace('MB-', '90'), key });

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, now: () => NOW.toMillis() });
    for (const [key, hours] of ISSUES) await post(issueCreated(fields(key, hours)));
    await waitForIdleQueue(bridge);
  });
  after(async () => {
    await bridge.close();
  });

  it('lists the issues at risk, soonest deadline first, as the list of every issue filtered shows them', async () => {
    const indexed = await api('/issues?state=at-risk');
    expect(indexed.status).to.equal(200);
    expect(keys(indexed.body)).to.deep.equal(AT_RISK);
    expect(indexed.body.total).to.equal(AT_RISK.length);
    // The full list marks each metric at risk or not: the same issues, found without the index.
    const every = await api('/issues');
    const marked = (every.body.issues as { issue: { key: string }; metrics?: { atRisk: boolean }[] }[]).filter((entry) => entry.metrics?.some((metric) => metric.atRisk));
    expect(marked.map((entry) => entry.issue.key).sort()).to.deep.equal([...AT_RISK].sort());
  });

  it('pages through them with limit and offset, saying where the next page starts', async () => {
    const first = await api('/issues?state=at-risk&limit=2');
    expect(keys(first.body)).to.deep.equal(AT_RISK.slice(0, 2));
    expect(first.body).to.include({ total: AT_RISK.length, next: 2 });
    const second = await api(`/issues?state=at-risk&limit=2&offset=${first.body.next}`);
    expect(keys(second.body)).to.deep.equal(AT_RISK.slice(2, 4));
    const last = await api(`/issues?state=at-risk&limit=2&offset=${second.body.next}`);
    expect(keys(last.body)).to.deep.equal(AT_RISK.slice(4));
    expect(last.body).to.not.have.property('next');
    expect(keys((await api('/issues?limit=3')).body)).to.have.length(3);
  });

  it('refuses a limit it cannot serve, naming the field', async () => {
    for (const bad of ['0', '1001', 'many']) {
      const answer = await api(`/issues?state=at-risk&limit=${bad}`);
      expect(answer.status, bad).to.equal(400);
      expect(answer.body.field).to.equal('limit');
    }
  });

  it('drops an issue whose reaction was met, and keeps the order of the rest', async () => {
    const [key, hours] = ISSUES.find(([candidate]) => candidate === 'MB-203')!;
    await post(issueCommented(fields(key, hours), NOW.minus({ minutes: 5 }).toISO()!, AGENT));
    await waitForIdleQueue(bridge);
    expect(keys((await api('/issues?state=at-risk')).body)).to.deep.equal(AT_RISK.filter((candidate) => candidate !== 'MB-203'));
  });

  it('builds the index from the saved states when they were saved before it existed', async () => {
    const redis = new Redis((await sharedRedis()).url);
    try {
      await redis.del(`${bridge.prefix}:index:at-risk`, `${bridge.prefix}:index:at-risk:version`);
      expect(await redis.exists(`${bridge.prefix}:index:at-risk`)).to.equal(0);
      expect(keys((await api('/issues?state=at-risk')).body)).to.deep.equal(AT_RISK.filter((candidate) => candidate !== 'MB-203'));
      expect(await redis.zcard(`${bridge.prefix}:index:at-risk`)).to.equal(AT_RISK.length - 1);
    } finally {
      redis.disconnect();
    }
  });
});
