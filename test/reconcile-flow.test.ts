import { expect } from 'chai';
import nock from 'nock';
import { PassThrough } from 'node:stream';
import { jiraConnector } from '../connectors/jira/index.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import { parseSince, reconcileCommand } from '../src/cli/reconcile-command.js';
import { progressDisplay } from '../src/cli/progress-display.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { startTestBridge, postRaw, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { storyRestIssue, storyWebhooks, type JiraStory } from './support/jira-rest.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from './support/shipped-config.js';
import { waitUntil } from './support/wait-for.js';

const JIRA = 'https://jira.example.com';
const ENV = { ...DEMO_SECRETS, JIRA_API_TOKEN: 'jira-token', JIRA_API_USER: 'bot@megabite.example' };
const config = () => loadBridgeConfig(SHIPPED_CONFIG_DIR, ENV);

// Mega Bite (nl-24x7): a Medium issue escalated to Highest (P1: reaction within 4 h), answered by
// an agent at 09:30, resolved at 11:00.
const STORY: JiraStory = {
  id: '10007',
  key: 'MB-7',
  created: '2026-11-23T09:00:00.000+01:00',
  priority: 'Medium',
  status: 'Open',
  changes: [
    { at: '2026-11-23T09:20:00.000+01:00', field: 'priority', to: 'Highest' },
    { at: '2026-11-23T11:00:00.000+01:00', field: 'status', to: 'Done' },
  ],
  comments: [{ at: '2026-11-23T09:30:00.000+01:00', author: { name: 'Anna', email: 'anna@megabite.example' } }],
};

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (text) => lines.push(text), err: (text) => errors.push(text) };
}

async function post(bridge: TestBridge, delivery: { id: string; body: object }) {
  const raw = Buffer.from(JSON.stringify(delivery.body));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': delivery.id, ...jiraConnector.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
}

const metricsOf = (state: IssueState) => ('metrics' in state.sla ? state.sla.metrics : []);
/** Jira stamps a webhook a little after the change it reports, so instants are compared to the minute. */
const minute = (instant: number | null | undefined) => (typeof instant === 'number' ? Math.round(instant / 60_000) : instant);
/** What a manager sees of each metric. */
const outcome = (state: IssueState) =>
  metricsOf(state).map(({ metric, state: metricState, priority, metAt, deadline, target }) => ({ metric, metricState, priority, metAt: minute(metAt), deadline: minute(deadline), target }));

const noTerminal = new PassThrough() as unknown as NodeJS.WriteStream;

describe('reconcile: lost webhooks applied from the tracker API', () => {
  interceptHttp();
  let lossy: TestBridge;
  let complete: TestBridge;

  before(async () => {
    [lossy, complete] = await Promise.all([startTestBridge({ config: config() }), startTestBridge({ config: config() })]);
  });
  after(async () => {
    await Promise.all([lossy?.close(), complete?.close()]);
  });

  const reconcile = async (io: CliIo, issues: unknown[]) => {
    nock(JIRA).post('/rest/api/3/search/approximate-count').reply(200, { count: issues.length });
    nock(JIRA).get('/rest/api/3/search/jql').query(true).reply(200, { issues, isLast: true });
    const env = { ...ENV, REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: lossy.prefix };
    return reconcileCommand({ source: 'jira-demo', since: '30d', config: SHIPPED_CONFIG_DIR }, io, env, undefined, noTerminal);
  };

  it('brings an issue whose later webhooks were lost to the state the complete webhooks give', async () => {
    const webhooks = storyWebhooks(STORY);
    for (const delivery of webhooks) await post(complete, delivery);
    await post(lossy, webhooks[0]!);
    await Promise.all([waitForIdleQueue(complete), waitForIdleQueue(lossy)]);
    const expected = await waitForState(complete, 'jira-demo', STORY.id, (state) => metricsOf(state).some((m) => m.state === 'met'));
    const before = await waitForState(lossy, 'jira-demo', STORY.id);
    expect(outcome(before)).to.not.deep.equal(outcome(expected));

    const io = capture();
    expect(await reconcile(io, [storyRestIssue(STORY)])).to.equal(0);
    expect(io.lines.join('\n')).to.match(/^jira-demo: 1 issue changed since .* \(30d\); 1 issue had missed events, 4 events applied\.$/);
    const after = (await lossy.store.loadState('jira-demo', STORY.id))!;
    expect(outcome(after)).to.deep.equal(outcome(expected));
    expect(metricsOf(after).find((m) => m.metric === 'reaction')).to.include({ state: 'met', priority: 'P1', metAt: Date.parse('2026-11-23T09:30:00+01:00') });
  });

  it('adds nothing the second time, nor for events the webhooks already brought', async () => {
    const eventsBefore = (await lossy.store.loadEvents('jira-demo', STORY.id)).length;
    const io = capture();
    expect(await reconcile(io, [storyRestIssue(STORY)])).to.equal(0);
    expect(io.lines.join('\n')).to.match(/1 issue changed since .*; the bridge had every event already\.$/);
    expect(await lossy.store.loadEvents('jira-demo', STORY.id)).to.have.lengthOf(eventsBefore);
  });

  it('applies the issues it can read and names the ones it cannot, exiting 1', async () => {
    const other: JiraStory = { ...STORY, id: '10008', key: 'MB-8', changes: [], comments: [] };
    const io = capture();
    expect(await reconcile(io, [{ key: 'MB-999', fields: {} }, storyRestIssue(other)])).to.equal(1);
    expect(io.errors).to.have.lengthOf(1);
    expect(io.errors[0]).to.equal('sla-bridge: jira-demo MB-999: id: Invalid input: expected string, received undefined');
    expect(await lossy.store.loadState('jira-demo', '10008')).to.not.equal(undefined);
  });

  it('refuses a source without an API token, naming it', async () => {
    const env = { ...DEMO_SECRETS, REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: lossy.prefix };
    const error = await reconcileCommand({ source: 'jira-demo', since: '1d', config: SHIPPED_CONFIG_DIR }, capture(), env, undefined, noTerminal).catch((failure: Error) => failure);
    expect(String(error)).to.match(/--source: source jira-demo has no api\.token/);
  });
});

describe('reconcile: the periodic job inside the bridge', () => {
  interceptHttp();
  let bridge: TestBridge | undefined;
  after(async () => bridge?.close());

  it('reads the tracker every interval and applies what no webhook brought', async () => {
    const base = config();
    const jira = base.sources.get('jira-demo')!;
    const sources = new Map(base.sources).set('jira-demo', { ...jira, reconcile: { ...jira.reconcile, everyMs: 500 } });
    const story: JiraStory = { ...STORY, id: '10009', key: 'MB-9' };
    let searches = 0;
    nock(JIRA).persist().post('/rest/api/3/search/approximate-count').reply(200, { count: 1 });
    nock(JIRA)
      .persist()
      .get('/rest/api/3/search/jql')
      .query((q) => q.jql === 'updated >= "-2m" ORDER BY updated ASC')
      .reply(() => {
        searches += 1;
        return [200, { issues: [storyRestIssue(story)], isLast: true }];
      });
    const running = await startTestBridge({ config: { ...base, sources } });
    bridge = running;
    const state = await waitForState(running, 'jira-demo', story.id, (s) => metricsOf(s).some((m) => m.state === 'met'));
    expect(metricsOf(state).find((m) => m.metric === 'reaction')).to.include({ state: 'met', priority: 'P1' });
    // A second run that found nothing new: counted once it has finished, not when it asked.
    const okRuns = (text: string) => Number(/sla_bridge_reconcile_runs_total\{source="jira-demo",outcome="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
    const metrics = await waitUntil('a second reconcile run to finish', async () => (await fetch(`${running.url}/metrics`)).text(), (text) => okRuns(text) >= 2, { timeoutMs: 10_000, intervalMs: 50 });
    expect(searches, 'a second run').to.be.at.least(2);
    expect(await running.store.loadEvents('jira-demo', story.id)).to.have.lengthOf(5);
    expect(metrics).to.match(/sla_bridge_reconciled_events_total\{source="jira-demo"\} 5/);
  });
});

describe('reconcile command input', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const cases: [string, number][] = [
    ['24h', Date.parse('2026-11-22T12:00:00Z')],
    ['2d', Date.parse('2026-11-21T12:00:00Z')],
    ['1w', Date.parse('2026-11-16T12:00:00Z')],
    ['90m', Date.parse('2026-11-23T10:30:00Z')],
    ['2026-11-20T08:00:00+01:00', Date.parse('2026-11-20T07:00:00Z')],
  ];
  for (const [text, expected] of cases) it(`--since ${text}`, () => expect(parseSince(text, now)).to.equal(expected));
  for (const bad of ['yesterday', '24', '2030-01-01T00:00:00Z']) {
    it(`refuses --since ${bad}`, () => expect(() => parseSince(bad, now)).to.throw(/--since: ".*" is neither a duration/));
  }
});

describe('progress display', () => {
  function terminal() {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
    stream.isTTY = true;
    stream.columns = 100;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  }

  it('draws a bar with done/total on a terminal', () => {
    const { stream, text } = terminal();
    const display = progressDisplay(stream, 'jira-demo issues');
    display.update(0, 10);
    display.update(3, 10);
    display.stop();
    expect(text()).to.include('3/10 jira-demo issues');
  });

  it('counts without a bar when the tracker gives no total', () => {
    const { stream, text } = terminal();
    const display = progressDisplay(stream, 'mantis issues');
    display.update(7, undefined);
    display.stop();
    expect(text()).to.include('7 mantis issues read');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const stream = new PassThrough();
    let written = 0;
    stream.on('data', (chunk: Buffer) => (written += chunk.length));
    const display = progressDisplay(stream as unknown as NodeJS.WriteStream, 'issues');
    display.update(1, 2);
    display.stop();
    expect(written).to.equal(0);
  });
});
