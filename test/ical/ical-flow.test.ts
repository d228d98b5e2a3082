/**
 * The feeds through the real express app on a real Redis, from Jira webhooks: the operator's list
 * of URLs, what a client reads (parsed by ical.js), the tokens (a wrong one is a 404 and counts
 * against the throttle), and the live update: a pause moves the deadline, the feed follows with
 * the same UID and a higher SEQUENCE. The bridge's clock runs with the real one from a `now` just
 * ahead of it (test-clock.ts), and every fixture is relative to it.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import winston from 'winston';
import express from 'express';
import ICAL from 'ical.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { LoginThrottle } from '../../src/app/http/login-throttle.js';
import { icalDeps } from '../../src/app/ical/ical-deps.js';
import { icalListRoute, icalRouter } from '../../src/app/ical/ical-routes.js';
import { feedPath, feedToken } from '../../src/app/ical/feed-token.js';
import { createLogger } from '../../src/app/logger.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { createRedis, waitUntilReady } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { sharedRedis } from '../support/redis-server.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { fieldChanged, issueCreated } from '../support/jira-payloads.js';
import { DEMO_SECRETS, shippedConfig } from '../support/shipped-config.js';
import { fixtureNow } from '../support/test-clock.js';

const TOKEN = 'ical-flow-api-token';
const SECRET = 'ical-flow-secret-0123456789abcdef0123456789';
const ZONE = 'Europe/Amsterdam';
const ASSIGNEE = 'Alice Agent';
const NOW = fixtureNow({ zone: ZONE });
const START = Date.now();
const clock = () => NOW.toMillis() + (Date.now() - START);
const minutesBefore = (minutes: number) => NOW.minus({ minutes }).toISO()!;
const ISSUE = { id: '20501', key: 'MB-501', summary: 'Koelcel; storing, alarm \\ "kritiek"', created: minutesBefore(60) };
const UID = 'jira-demo.20501.reaction@sla-bridge';

/** A Jira payload with the issue assigned, as Jira sends it once someone is. */
function assigned<T extends { issue: { fields: Record<string, unknown> } }>(payload: T): T {
  payload.issue.fields.assignee = { accountId: 'acc-alice', displayName: ASSIGNEE, emailAddress: 'alice@megabite.example' };
  return payload;
}

async function postJira(bridge: TestBridge, payload: unknown): Promise<void> {
  const raw = Buffer.from(JSON.stringify(payload));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
  expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
}

function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((vevent) => ({
    vevent,
    event: new ICAL.Event(vevent),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    lastModified: (vevent.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().getTime(),
    alarms: vevent.getAllSubcomponents('valarm').map((alarm) => (alarm.getFirstPropertyValue('trigger') as ICAL.Time).toJSDate().getTime()),
  }));
}

const seconds = (instant: number) => Math.floor(instant / 1000) * 1000;

describe('iCalendar feeds through the bridge', () => {
  let bridge: TestBridge;
  const api = (path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${bridge.url}/api${path}`, { headers });
  const feedUrl = (kind: 'contract' | 'assignee' | 'team', id: string) => `${bridge.url}${feedPath(SECRET, { kind, id })}`;
  const reactionDeadline = async () => (await bridge.store.loadState('jira-demo', ISSUE.id))!.sla;

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, icalSecret: SECRET, now: clock, loginThrottle: { failures: 1_000, windowMs: 60_000 } });
    await postJira(bridge, assigned(issueCreated(ISSUE)));
    await waitForIdleQueue(bridge);
  });
  after(async () => {
    await bridge?.close();
  });

  it('lists the feed URLs for the bearer token: every contract and each known assignee', async () => {
    const response = await api('/ical');
    expect(response.status).to.equal(200);
    const { feeds } = (await response.json()) as { feeds: { kind: string; id: string; url: string }[] };
    expect(feeds.filter((feed) => feed.kind === 'contract').map((feed) => feed.id)).to.include.members(['megabite-standard', 'open2bizz-saas']);
    expect(feeds.filter((feed) => feed.kind === 'assignee')).to.deep.equal([{ kind: 'assignee', id: ASSIGNEE, url: feedUrl('assignee', ASSIGNEE) }]);
    const megabite = feeds.find((feed) => feed.id === 'megabite-standard')!;
    expect(megabite.url).to.equal(`${bridge.url}/ical/contract/megabite-standard/${feedToken(SECRET, { kind: 'contract', id: 'megabite-standard' })}.ics`);
  });

  it('does not list them for a session cookie or without credentials', async () => {
    const login = await fetch(`${bridge.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api('/contracts', { cookie })).status).to.equal(200);
    const byCookie = await api('/ical', { cookie });
    expect(byCookie.status).to.equal(401);
    expect(await byCookie.json()).to.deep.include({ reason: 'bearer-required' });
    expect((await api('/ical', {})).status).to.equal(401);
  });

  it('serves the contract feed: the open deadline at its instant in the calendar\'s zone, with the warnings as alarms', async () => {
    const response = await fetch(feedUrl('contract', 'megabite-standard'));
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/calendar; charset=utf-8');
    const events = parseFeed(await response.text());
    expect(events.map(({ event }) => event.uid)).to.deep.equal([UID]);
    const [{ event, alarms, sequence }] = events as [(typeof events)[0]];
    const sla = await reactionDeadline();
    if (!sla.covered) throw new Error('not covered');
    const reaction = sla.metrics.find((metric) => metric.metric === 'reaction')!;
    // Megabite P1: 4 h round the clock from creation.
    expect(reaction.deadline).to.equal(NOW.minus({ minutes: 60 }).plus({ hours: 4 }).toMillis());
    expect(event.startDate.toJSDate().getTime()).to.equal(seconds(reaction.deadline!));
    expect(event.startDate.zone.tzid).to.equal(ZONE);
    expect(event.summary).to.equal(`MB-501 reaction: ${ISSUE.summary}`);
    expect(event.description).to.include('https://jira.example.com/browse/MB-501');
    const state = (await bridge.store.loadState('jira-demo', ISSUE.id))!;
    const toCome = [...reaction.warnings!.map((warning) => warning.at!), reaction.deadline!].filter((at) => at > state.computedAt);
    expect(toCome).to.have.length.above(1);
    expect(alarms).to.deep.equal(toCome.map(seconds));
    expect(sequence).to.equal(0);
  });

  it('answers 304 to the ETag it gave while nothing changed', async () => {
    const first = await fetch(feedUrl('contract', 'megabite-standard'));
    const etag = first.headers.get('etag')!;
    expect(etag).to.match(/^"[\w-]+"$/);
    expect((await fetch(feedUrl('contract', 'megabite-standard'), { headers: { 'if-none-match': etag } })).status).to.equal(304);
    expect((await fetch(feedUrl('contract', 'megabite-standard'), { headers: { 'if-none-match': '"something-else"' } })).status).to.equal(200);
  });

  it('serves the assignee\'s feed with the same event, and an empty one for someone with nothing open', async () => {
    expect(parseFeed(await (await fetch(feedUrl('assignee', ASSIGNEE))).text()).map(({ event }) => event.uid)).to.deep.equal([UID]);
    const bob = await fetch(feedUrl('assignee', 'Bob'));
    expect(bob.status).to.equal(200);
    expect(parseFeed(await bob.text())).to.deep.equal([]);
    expect(parseFeed(await (await fetch(feedUrl('contract', 'open2bizz-saas'))).text())).to.deep.equal([]);
  });

  it('answers 404 to a wrong token, another scope\'s token, an unknown contract and a team nobody defined', async () => {
    const megabiteToken = feedToken(SECRET, { kind: 'contract', id: 'megabite-standard' });
    const wrong = [
      `/ical/contract/megabite-standard/${megabiteToken.slice(0, -1)}A.ics`,
      `/ical/contract/megabite-standard/${megabiteToken}`,
      `/ical/contract/open2bizz-saas/${megabiteToken}.ics`,
      `/ical/assignee/megabite-standard/${megabiteToken}.ics`,
      `/ical/assignee/${encodeURIComponent(ASSIGNEE)}/${feedToken(SECRET, { kind: 'assignee', id: 'Bob' })}.ics`,
      `/ical/contract/megabite-standard/${feedToken('another-secret-0123456789abcdef0123', { kind: 'contract', id: 'megabite-standard' })}.ics`,
      feedPath(SECRET, { kind: 'contract', id: 'nobody' }),
      feedPath(SECRET, { kind: 'team', id: 'first-line' }),
    ];
    for (const path of wrong) {
      const response = await fetch(`${bridge.url}${path}`);
      expect(response.status, path).to.equal(404);
      expect(await response.json(), path).to.deep.equal({ error: 'not found' });
    }
  });

  it('follows the state: a pause moves the deadline, the event keeps its UID and its SEQUENCE goes up', async () => {
    const before = await fetch(feedUrl('contract', 'megabite-standard'));
    const etag = before.headers.get('etag')!;
    const [old] = parseFeed(await before.text());
    const oldSla = await reactionDeadline();
    // Waiting for the customer from 40 to 10 minutes ago: 30 minutes more.
    await postJira(bridge, assigned(fieldChanged(ISSUE, minutesBefore(40), 'status', 'Open', 'Waiting for customer', '30001')));
    await postJira(bridge, assigned(fieldChanged({ ...ISSUE, status: 'Waiting for customer' }, minutesBefore(10), 'status', 'Waiting for customer', 'Open', '30002')));
    const moved = NOW.minus({ minutes: 60 }).plus({ hours: 4, minutes: 30 }).toMillis();
    await waitForState(bridge, 'jira-demo', ISSUE.id, (state) => state.sla.covered && state.sla.metrics[0]!.deadline === moved);
    const after = await fetch(feedUrl('contract', 'megabite-standard'), { headers: { 'if-none-match': etag } });
    expect(after.status).to.equal(200);
    expect(after.headers.get('etag')).not.to.equal(etag);
    const events = parseFeed(await after.text());
    expect(events.map(({ event }) => event.uid)).to.deep.equal([UID]);
    const [now] = events as [(typeof events)[0]];
    expect(oldSla.covered && oldSla.metrics[0]!.deadline).to.equal(moved - 30 * 60_000);
    expect(now.event.startDate.toJSDate().getTime()).to.equal(seconds(moved));
    expect(now.sequence).to.equal(old!.sequence + 1);
    expect(now.lastModified).to.be.at.least(old!.lastModified);
    // The assignee's feed shows the same revision: it is kept per issue, not per feed.
    const [mine] = parseFeed(await (await fetch(feedUrl('assignee', ASSIGNEE))).text());
    expect(mine!.sequence).to.equal(now.sequence);
    // Asking again changes nothing.
    const [again] = parseFeed(await (await fetch(feedUrl('contract', 'megabite-standard'))).text());
    expect(again!.sequence).to.equal(now.sequence);
  });

  it('serves a team\'s feed from the members the teams lookup names, and 404 for a team it does not know', async () => {
    // The routes with a lookup of their own, so the members can be chosen.
    const target = urlTarget((await sharedRedis()).url);
    const redis = createRedis(target, 'request');
    // A request connection fails fast while it is not connected: wait for it, as the bridge does at start.
    await waitUntilReady(redis, target);
    const teams: Record<string, string[]> = { 'first-line': ['Bob', ASSIGNEE], 'second-line': ['Carol'] };
    const deps = icalDeps({ secret: SECRET, store: bridge.store, contracts: shippedConfig().contracts, redis, prefix: bridge.prefix, throttle: new LoginThrottle(undefined, 'unused'), now: clock, logger: createLogger({ silent: true }), teamMembers: (id) => teams[id], teamIds: () => Object.keys(teams) });
    const app = express().use('/ical', icalRouter(deps)).get('/api/ical', icalListRoute(deps));
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const feed = (id: string) => fetch(`${base}${feedPath(SECRET, { kind: 'team', id })}`);
      expect(parseFeed(await (await feed('first-line')).text()).map(({ event }) => event.uid)).to.deep.equal([UID]);
      expect(parseFeed(await (await feed('second-line')).text())).to.deep.equal([]);
      expect((await feed('third-line')).status).to.equal(404);
      const list = (await (await fetch(`${base}/api/ical`, { headers: { authorization: 'Bearer checked-by-apiAuth-before' } })).json()) as { feeds: { kind: string; id: string; url: string }[] };
      expect(list.feeds.filter((entry) => entry.kind === 'team')).to.deep.equal(['first-line', 'second-line'].map((id) => ({ kind: 'team', id, url: `${base}${feedPath(SECRET, { kind: 'team', id })}` })));
    } finally {
      server.close();
      redis.disconnect();
    }
  });

  it("serves the shipped 2Value desk's feed from its members (config/teams), listed with the others", async () => {
    const list = (await (await api('/ical')).json()) as { feeds: { kind: string; id: string }[] };
    expect(list.feeds.filter((entry) => entry.kind === 'team').map((entry) => entry.id)).to.include('2value-desk');
    const feed = await fetch(feedUrl('team', '2value-desk'));
    expect(feed.status).to.equal(200);
    // Nobody of the desk has the Mega Bite issue: its feed is a calendar without it.
    expect(parseFeed(await feed.text()).map(({ event }) => event.uid)).to.not.include(UID);
  });

  it('drops the event once the issue is resolved', async () => {
    await postJira(bridge, assigned(fieldChanged(ISSUE, minutesBefore(5), 'status', 'Open', 'Done', '30003')));
    await waitForState(bridge, 'jira-demo', ISSUE.id, (state) => state.sla.covered && state.sla.resolved);
    expect(parseFeed(await (await fetch(feedUrl('contract', 'megabite-standard'))).text())).to.deep.equal([]);
  });
});

describe('iCalendar feeds: wrong tokens and the throttle', () => {
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, icalSecret: SECRET, now: clock, loginThrottle: { failures: 2, windowMs: 60_000 } });
  });
  after(async () => {
    await bridge?.close();
  });

  it('counts each wrong feed token against the client, and then refuses even the right one and the API', async () => {
    const right = `${bridge.url}${feedPath(SECRET, { kind: 'contract', id: 'megabite-standard' })}`;
    expect((await fetch(right)).status).to.equal(200);
    // Right tokens are not counted.
    expect((await fetch(right)).status).to.equal(200);
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await fetch(`${bridge.url}/ical/contract/megabite-standard/guess${attempt}.ics`)).status).to.equal(404);
    const refused = await fetch(right);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect((await fetch(`${bridge.url}/api/contracts`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).to.equal(429);
  });
});

describe('iCalendar feeds without SLA_BRIDGE_ICAL_SECRET', () => {
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, now: clock });
  });
  after(async () => {
    await bridge?.close();
  });

  it('serves no feed and says in the API how to enable them', async () => {
    expect((await fetch(`${bridge.url}${feedPath(SECRET, { kind: 'contract', id: 'megabite-standard' })}`)).status).to.equal(404);
    const list = await fetch(`${bridge.url}/api/ical`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.status).to.equal(404);
    expect(await list.json()).to.deep.include({ reason: 'disabled', error: 'iCalendar feeds are disabled: set SLA_BRIDGE_ICAL_SECRET (at least 32 characters, e.g. from openssl rand -base64 32) and restart the bridge' });
  });

  it('refuses to start with a secret too short to sign URLs with, naming the variable', async () => {
    let failure: unknown;
    try {
      const started = await startTestBridge({ apiToken: TOKEN, icalSecret: 'short', now: clock });
      await started.close();
    } catch (error) {
      failure = error;
    }
    expect((failure as Error | undefined)?.message).to.match(/^SLA_BRIDGE_ICAL_SECRET: 5 characters, at least 32 needed/);
  });
});

describe('iCalendar feeds while Redis is away', () => {
  it('answers 503 and logs why, without the path that holds the token', async () => {
    const lines: string[] = [];
    const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream: new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) }) })] });
    // Nothing listens on port 1: the request connection gives up at once.
    const redis = createRedis(urlTarget('redis://127.0.0.1:1'), 'request');
    redis.on('error', () => undefined);
    const deps = icalDeps({ secret: SECRET, store: new IssueStore(redis, 'ical-away'), contracts: shippedConfig().contracts, redis, prefix: 'ical-away', throttle: new LoginThrottle(undefined, 'unused'), now: clock, logger });
    const server = express().use('/ical', icalRouter(deps)).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const path = feedPath(SECRET, { kind: 'contract', id: 'megabite-standard' });
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('60');
      expect(lines.map((line) => JSON.parse(line).message)).to.deep.equal(['iCalendar feed failed']);
      const token = feedToken(SECRET, { kind: 'contract', id: 'megabite-standard' });
      expect(lines.join('\n')).not.to.include(token);
    } finally {
      server.close();
      redis.disconnect();
    }
  });
});
