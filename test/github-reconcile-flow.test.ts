/**
 * Reconciliation of a GitHub source through `sla-bridge reconcile`, against a GitHub intercepted by
 * nock: a bridge that got only #42's `opened` webhook reads the issue list and the timeline and
 * ends in the state a bridge that got every webhook of the story has (test/fixtures/github).
 */
import { expect } from 'chai';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { githubConnector } from '../connectors/github/index.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { reconcileCommand } from '../src/cli/reconcile-command.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { GITHUB_ISSUE_42_WEBHOOKS } from './support/github-story.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';

const FIXTURES = path.join(projectRoot(), 'test/fixtures/github');
const json = <T>(name: string): T => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;
const SECRET = 'github-secret';
const ISSUE = 'open2bizz/odoo-customer#42';

const CONFIG_DIR = writeConfig({
  'calendars/nl-office.yaml': readFileSync(path.join(projectRoot(), 'config/calendars/nl-office.yaml'), 'utf8'),
  'contracts/open2bizz.yaml': `
customer: Open2Bizz
calendar: nl-office
covers:
  - { source: github-demo, project: open2bizz/odoo-customer }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
  resolution: { starts: reaction_met, met_by: [resolved] }
policies:
  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }
  resolution: { P1: 8h, P2: 2d, P3: 2w, P4: none }
`,
  'sources/github-demo.yaml': `
kind: github
base_url: https://github.com
webhook: { secrets: [${SECRET}] }
api: { token: github-token, user: sla-bridge }
priority: { field: labels, map: { priority/1: P1, priority/2: P2, priority/3: P3 }, default: P4 }
statuses: { resolved: [closed], paused: [status/waiting-for-customer] }
agents: { users: [open2bizz-support], associations: [OWNER, MEMBER, COLLABORATOR] }
reconcile: { repositories: [open2bizz/odoo-customer] }
`,
});

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (text) => lines.push(text), err: (text) => errors.push(text) };
}

async function post(bridge: TestBridge, name: string) {
  const { headers, body } = json<{ headers: Record<string, string>; body: unknown }>(name);
  const raw = Buffer.from(JSON.stringify(body));
  const result = await postRaw(`${bridge.url}/webhooks/github-demo`, raw, { ...headers, ...githubConnector.sign(SECRET, raw) });
  expect(result.status, `${name}: ${JSON.stringify(result.body)}`).to.be.oneOf([200, 202]);
}

const metricsOf = (state: IssueState) => ('metrics' in state.sla ? state.sla.metrics : []);
/** Webhooks and the timeline stamp a change within the same second here; instants are compared to the minute all the same. */
const minute = (instant: number | null | undefined) => (typeof instant === 'number' ? Math.round(instant / 60_000) : instant);
const outcome = (state: IssueState) =>
  metricsOf(state).map(({ metric, state: metricState, priority, metAt, deadline, target }) => ({ metric, metricState, priority, metAt: minute(metAt), deadline: minute(deadline), target }));

const noTerminal = new PassThrough() as unknown as NodeJS.WriteStream;

describe('reconcile: a GitHub source', function () {
  this.timeout(40_000);
  interceptHttp();
  let lossy: TestBridge;
  let complete: TestBridge;

  before(async () => {
    const config = loadBridgeConfig(CONFIG_DIR, {});
    [lossy, complete] = await Promise.all([startTestBridge({ config }), startTestBridge({ config })]);
  });
  after(async () => {
    await Promise.all([lossy?.close(), complete?.close()]);
  });

  const reconcile = async (io: CliIo) => {
    const api = nock('https://api.github.com', { reqheaders: { authorization: 'Bearer github-token', 'x-github-api-version': '2022-11-28' } });
    api.get('/repos/open2bizz/odoo-customer/issues').query((query) => query.state === 'all' && query.per_page === '100' && typeof query.since === 'string').reply(200, [json('rest/issue-42'), json('rest/pull-44')]);
    api.get('/repos/open2bizz/odoo-customer/issues/42/timeline').query({ per_page: '100' }).reply(200, json('rest/timeline-42'));
    const env = { REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: lossy.prefix };
    const code = await reconcileCommand({ source: 'github-demo', since: '30d', config: CONFIG_DIR }, io, env, undefined, noTerminal);
    expect(api.isDone(), 'every read was made').to.equal(true);
    return code;
  };

  it('brings an issue whose later webhooks were lost to the state the complete webhooks give', async () => {
    for (const name of GITHUB_ISSUE_42_WEBHOOKS) {
      await post(complete, name);
      // One at a time, in the order GitHub sent them: the log keeps the order they were applied.
      await waitForIdleQueue(complete);
    }
    await post(lossy, 'issue-opened');
    await waitForIdleQueue(lossy);
    const expected = await waitForState(complete, 'github-demo', ISSUE, (state) => metricsOf(state).some((metric) => metric.state === 'met'));
    const before = await waitForState(lossy, 'github-demo', ISSUE);
    expect(outcome(before)).to.not.deep.equal(outcome(expected));

    const io = capture();
    expect(await reconcile(io), io.errors.join('\n')).to.equal(0);
    expect(io.lines.join('\n')).to.match(/^github-demo: 1 issue changed since .* \(30d\); 1 issue had missed events, \d+ events applied\.$/);
    await waitForIdleQueue(lossy);
    const after = (await lossy.store.loadState('github-demo', ISSUE))!;
    expect(outcome(after)).to.deep.equal(outcome(expected));
    expect(metricsOf(after).find((metric) => metric.metric === 'reaction')).to.include({ state: 'met', priority: 'P1', metAt: Date.parse('2026-11-26T08:47:30Z') });
  });

  it('adds nothing the second time', async () => {
    const eventsBefore = (await lossy.store.loadEvents('github-demo', ISSUE)).length;
    const io = capture();
    expect(await reconcile(io)).to.equal(0);
    expect(io.lines.join('\n')).to.match(/1 issue changed since .*; the bridge had every event already\.$/);
    expect(await lossy.store.loadEvents('github-demo', ISSUE)).to.have.lengthOf(eventsBefore);
  });
});
