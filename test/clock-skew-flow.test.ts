/**
 * Trackers whose clocks are five minutes ahead of or behind the bridge's, end to end: Jira and
 * Gitea deliveries built from the recorded fixtures with their timestamps shifted relative to now,
 * through the real express app, workers and timers on the real clock. Ahead: the events are taken
 * as happening on arrival, so deadlines, warnings and breaches come as for a tracker without skew
 * whose webhook arrived then, and the log says so once per delivery. Behind: the stamps count as
 * the tracker says, and each notification still comes once, not before its instant.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { queuedNotifications, withPlannedInstants } from './support/queued-notifications.js';
import { createLogger } from '../src/app/logger.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import type { MetricStatus } from '../src/domain/metric-status.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForQuiet, waitForState, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { commentCreated, issueCreated } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitUntil } from './support/wait-for.js';

const SKEW_MS = 5 * 60_000;
const ZONE = 'Europe/Amsterdam';

// Round the clock: P1 8 s (for trackers ahead), P2 5 min 8 s (for trackers behind, whose
// creation is stamped 5 min ago: its deadline is 8 s after the delivery), a warning 4 s before.
const CONFIG_DIR = writeConfig({
  'calendars/round-the-clock.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
  'contracts/skewed.yaml': `
customer: Skewed Customer
calendar: round-the-clock
covers:
  - { source: jira-demo, project: MB }
  - { source: gitea-demo, project: open2bizz/odoo-customer }
metrics:
  reaction: { met_by: [agent_comment] }
policies:
  reaction: { P1: 8s, P2: 308s, P3: none, P4: none }
warnings: ["4s before"]
`,
  'sources/jira-demo.yaml': 'kind: jira\nbase_url: https://jira.example.com\nwebhook: { secrets: [skew-jira] }\npriority: { field: priority, map: { Highest: P1, High: P2 }, default: P3 }\nagents: { domains: [megabite.example] }\n',
  'sources/gitea-demo.yaml': 'kind: gitea\nbase_url: https://gitea.example.com\nwebhook: { secrets: [skew-gitea] }\npriority: { field: labels, map: { priority/1: P1, priority/2: P2 }, default: P4 }\n',
});
const config = loadBridgeConfig(CONFIG_DIR, {});

function giteaOpened(number: number, created: DateTime, priority: 'priority/1' | 'priority/2') {
  const fixture = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea/issue-opened.json'), 'utf8')) as { headers: Record<string, string>; body: { issue: Record<string, unknown>; number: number } };
  const body = fixture.body;
  // Gitea states instants in whole seconds, in the server's offset.
  const stamp = created.setZone(ZONE).startOf('second').toISO({ suppressMilliseconds: true });
  body.number = number;
  Object.assign(body.issue, { id: 8000 + number, number, created_at: stamp, updated_at: stamp, labels: [{ id: 101, name: priority }] });
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { ...fixture.headers, 'x-gitea-delivery': randomUUID(), ...trackerConnectors.gitea.sign('skew-gitea', raw) } };
}

function jira(body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('skew-jira', raw) } };
}

const reaction = (state: IssueState): MetricStatus => (state.sla.covered ? state.sla.metrics.find((metric) => metric.metric === 'reaction')! : expect.fail(`not covered: ${JSON.stringify(state.sla)}`));

describe('clock skew end to end: trackers 5 minutes ahead and behind', function () {
  this.timeout(60_000);
  const logged: Record<string, unknown>[] = [];
  let bridge: TestBridge;
  let redis: Redis;

  interceptHttp();

  before(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logged.push(JSON.parse(line) as Record<string, unknown>);
    });
    bridge = await startTestBridge({ config, logger: createLogger({ stream, format: 'json', level: 'info' }) });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  after(async () => {
    await bridge?.close();
    redis?.disconnect();
    rmSync(CONFIG_DIR, { recursive: true, force: true });
  });

  async function post(sourceId: string, delivery: { raw: Buffer; headers: Record<string, string> }): Promise<{ before: number; after: number }> {
    const before = Date.now();
    const result = await postRaw(`${bridge.url}/webhooks/${sourceId}`, delivery.raw, delivery.headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
    return { before, after: Date.now() };
  }

  /** An issue's notifications in the order they fired, each with the instant its state gives the threshold. */
  const notifications = async (issueId: string) => withPlannedInstants(bridge.store, await queuedNotifications(redis, bridge.prefix, issueId));
  const skewLines = () => logged.filter((line) => String(line.message).includes('taken as happening on arrival'));

  it('ahead: each creation counts from its arrival, the warning and the breach come at their instants, once; a future comment meets on arrival', async () => {
    const now = DateTime.now();
    const jiraIssue = { created: now.plus({ milliseconds: SKEW_MS }).toISO()!, id: '81001', key: 'MB-811' };
    const jiraPosted = await post('jira-demo', jira(issueCreated(jiraIssue)));
    const giteaPosted = await post('gitea-demo', giteaOpened(1, now.plus({ milliseconds: SKEW_MS }), 'priority/1'));
    const giteaId = 'open2bizz/odoo-customer#1';

    for (const [issueId, posted] of [
      ['81001', jiraPosted],
      [giteaId, giteaPosted],
    ] as const) {
      const source = issueId === '81001' ? 'jira-demo' : 'gitea-demo';
      const state = await waitForState(bridge, source, issueId);
      const [created] = await bridge.store.loadEvents(source, issueId);
      // Taken as happening on arrival, with the tracker's stamp kept.
      expect(created!.at).to.be.within(posted.before, posted.after);
      // Less the time the delivery took, and Gitea's stamp less its milliseconds.
      expect(created!.stampedAt! - created!.at, 'the stamp kept').to.be.within(SKEW_MS - 5_000, SKEW_MS);
      expect(reaction(state)).to.deep.include({ startedAt: created!.at, deadline: created!.at + 8_000 });
      const fired = await waitUntil(`the warning and the breach of ${issueId}`, () => notifications(issueId), (list) => list.length >= 2, { timeoutMs: 20_000 });
      expect(fired.map(({ label, at }) => ({ label, at }))).to.deep.equal([
        { label: '4s before', at: created!.at + 4_000 },
        { label: 'breach', at: created!.at + 8_000 },
      ]);
      for (const due of fired) expect(due.firedAt, `${due.label} not before its instant`).to.be.at.least(due.at!);
    }

    // A P2 issue answered by an agent whose comment is stamped 5 minutes ahead: met when it arrived,
    // in time, not 5 minutes later.
    const p2 = { created: DateTime.now().plus({ milliseconds: SKEW_MS }).toISO()!, id: '81002', key: 'MB-812', priority: 'High' };
    await post('jira-demo', jira(issueCreated(p2)));
    const commented = await post('jira-demo', jira(commentCreated(p2, DateTime.now().plus({ milliseconds: SKEW_MS }).toISO()!, { name: 'Ann', email: 'ann@megabite.example' })));
    const met = reaction(await waitForState(bridge, 'jira-demo', '81002', (state) => reaction(state).state === 'met'));
    expect(met.metAt).to.be.within(commented.before, commented.after);

    // Nothing more comes, and each of the four deliveries said once how far ahead it was.
    await waitForQuiet(bridge);
    expect((await notifications('81001')).map((due) => due.label)).to.deep.equal(['4s before', 'breach']);
    expect((await notifications(giteaId)).map((due) => due.label)).to.deep.equal(['4s before', 'breach']);
    expect(await notifications('81002')).to.deep.equal([]);
    const lines = skewLines();
    expect(lines.map((line) => line.issue).sort()).to.deep.equal(['MB-811', 'MB-812', 'MB-812', 'open2bizz/odoo-customer#1'].sort());
    for (const line of lines) {
      expect(line).to.deep.include({ level: 'warn', component: 'webhooks' });
      expect(line.aheadMs as number).to.be.within(SKEW_MS - 5_000, SKEW_MS);
      expect(String(line.message)).to.match(/^events stamped (29\d|300) s after they arrived, taken as happening on arrival: is the tracker's clock ahead\?$/);
    }
  });

  it('behind: each creation counts from its stamp, 5 minutes back; the warning and the breach come once, not before their instants', async () => {
    const linesBefore = skewLines().length;
    const stamped = DateTime.now().minus({ milliseconds: SKEW_MS });
    await post('jira-demo', jira(issueCreated({ created: stamped.toISO()!, id: '81003', key: 'MB-813', priority: 'High' })));
    await post('gitea-demo', giteaOpened(2, stamped, 'priority/2'));
    for (const [source, issueId, createdAt] of [
      ['jira-demo', '81003', stamped.toMillis()],
      ['gitea-demo', 'open2bizz/odoo-customer#2', stamped.startOf('second').toMillis()],
    ] as const) {
      const state = await waitForState(bridge, source, issueId);
      const [created] = await bridge.store.loadEvents(source, issueId);
      expect(created).to.not.have.property('stampedAt');
      expect(reaction(state)).to.deep.include({ startedAt: createdAt, deadline: createdAt + 308_000 });
      const fired = await waitUntil(`the warning and the breach of ${issueId}`, () => notifications(issueId), (list) => list.length >= 2, { timeoutMs: 20_000 });
      expect(fired.map(({ label, at }) => ({ label, at }))).to.deep.equal([
        { label: '4s before', at: createdAt + 304_000 },
        { label: 'breach', at: createdAt + 308_000 },
      ]);
      for (const due of fired) expect(due.firedAt, `${due.label} not before its instant`).to.be.at.least(due.at!);
    }
    await waitForQuiet(bridge);
    expect((await notifications('81003')).map((due) => due.label)).to.deep.equal(['4s before', 'breach']);
    expect((await notifications('open2bizz/odoo-customer#2')).map((due) => due.label)).to.deep.equal(['4s before', 'breach']);
    expect(skewLines().length, 'a stamp in the past is not skew the bridge can see').to.equal(linesBefore);
  });
});
