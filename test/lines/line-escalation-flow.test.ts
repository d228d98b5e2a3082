/**
 * Functional escalation end to end: a Jira issue assigned to the second line breaches the line's
 * handover target; the third line hears of it once in its own channel and the issue is assigned to
 * the third line's member through Jira's REST API, once, with two bridges working one Redis. The
 * bridge's own assignment starts the third line's handover and is no reaction of it; Jira's echo
 * of that assignment changes nothing. Real Redis, nock at the Jira and Slack hosts, real time with
 * second-scale targets; every wait is for an event.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE, LINE_ASSIGN_QUEUE, type LineAssignJob } from '../../src/app/jobs/pipeline.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { createLineAssignProcessor } from '../../src/app/jobs/line-escalation.js';
import { createLogger } from '../../src/app/logger.js';
import type { Job } from 'bullmq';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { issueCreated } from '../support/jira-payloads.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { waitUntil } from '../support/wait-for.js';

const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');

const LINES = `lines:
  second:
    members: [carla]
    handover: { P1: 2s, P2: 60s, P3: none, P4: none }
    escalate: { after: breach, to: third, assign: true }
  third:
    members: [ronald, rob]
    channel: third-line
    handover: { P1: 60s, P2: 60s, P3: none, P4: none }
`;

function linesConfig() {
  const files = Object.fromEntries(['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'contracts/fast.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]));
  const source = `${files['sources/jira-demo.yaml']!}api:\n  user: sla-bot@example.com\n  token: jira-api-token\n`;
  const contract = files['contracts/fast.yaml']!.replace(/^escalation:.*\n/m, '') + LINES;
  const thirdLine = 'kind: slack\nlanguage: en\nsettings:\n  url: https://hooks.slack.com/services/T0000/B0000/third-line\n';
  const dir = writeConfig({ ...files, 'sources/jira-demo.yaml': source, 'contracts/fast.yaml': contract, 'channels/third-line.yaml': thirdLine });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const handover = (state: IssueState, line: string) => (state.sla.covered ? state.sla.custom?.find((status) => status.metric === `handover-${line}`) : undefined);

describe('functional escalation between support lines', function () {
  this.timeout(45_000);
  const thirdLine: string[] = [];
  const managers: string[] = [];
  const assignments: { issue: string; body: unknown }[] = [];
  const bridges: TestBridge[] = [];
  let redis: Redis;
  let assignQueue: Queue;

  /**
   * Nothing on its way but timers planned later: the third line's handover keeps a timer for its
   * own target, so the bridges are never wholly quiet; the second line's breach has fired by now.
   */
  async function settled() {
    const pending = async () => {
      const counts = await Promise.all(bridges.map((bridge) => bridge.pendingJobs()));
      const open = counts.flatMap((byQueue) => Object.entries(byQueue).filter(([queue]) => queue !== 'sla-timers').map(([, count]) => count));
      const assigning = await assignQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return open.reduce((a, b) => a + b, 0) + Object.values(assigning).reduce((a, b) => a + b, 0);
    };
    await waitUntil('no message, delivery or assignment on its way', pending, (count) => count === 0, { timeoutMs: 15_000 });
  }

  interceptHttp();

  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const result = await postRaw(`${bridges[0]!.url}/webhooks/jira-demo`, raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }

  before(async () => {
    const record = (into: string[]) => (body: { text?: string }) => {
      into.push(String(body.text));
      return true;
    };
    nock('https://hooks.slack.com').persist().post('/services/T0000/B0000/third-line', record(thirdLine)).reply(200, 'ok');
    nock('https://hooks.slack.com').persist().post('/services/T0000/B0000/timer-test', record(managers)).reply(200, 'ok');
    nock('https://jira.example.com')
      .persist()
      .put(/^\/rest\/api\/2\/issue\/([^/]+)\/assignee$/, (body) => {
        assignments.push({ issue: '', body });
        return true;
      })
      .reply(function (uri) {
        assignments[assignments.length - 1] = { ...assignments[assignments.length - 1]!, issue: /issue\/([^/]+)\//.exec(uri)![1]! };
        expect(this.req.headers.authorization).to.match(/^Basic /);
        return [204, ''];
      });
    const config = linesConfig();
    const prefix = uniquePrefix('lines');
    // Two bridges, two sets of workers on one Redis: the escalation must still happen once.
    bridges.push(await startTestBridge({ config, prefix }), await startTestBridge({ config, prefix }));
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    assignQueue = new Queue(LINE_ASSIGN_QUEUE, { connection: redis, prefix });
  });
  after(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close()));
    await assignQueue.close();
    redis.disconnect();
  });

  it('tells the third line once and assigns the issue to it once, without counting that as its reaction', async () => {
    const created = DateTime.now().startOf('second').minus({ seconds: 1 });
    const payload = issueCreated({ created: created.toISO(), id: '70001', key: 'MB-701' });
    (payload.issue.fields as Record<string, unknown>).assignee = { accountId: 'acc-carla', displayName: 'Carla' };
    await send(payload);

    const state = await waitForState(bridges[0]!, 'jira-demo', '70001', (candidate) => candidate.sla.covered && candidate.sla.assignee === 'ronald', 30_000);
    await waitUntil('the third line told', async () => thirdLine.filter((text) => text.includes('MB-701')), (told) => told.length > 0, { timeoutMs: 15_000 });
    await settled();

    expect(assignments).to.deep.equal([{ issue: '70001', body: { accountId: 'ronald' } }]);
    const told = thirdLine.filter((text) => text.includes('MB-701'));
    expect(told, thirdLine.join('\n')).to.have.length(1);
    // The escalation notice of its own (line_escalation), not the handover's breach re-marked.
    expect(told[0]).to.match(/^🔺 Escalated to third: second did not react within its handover time: MB-701 /);
    // The second line's breach goes to the contract's breach channel as any breach, once.
    expect(managers.filter((text) => text.includes('MB-701') && /handover-second/i.test(text))).to.have.length(1);

    const after = await waitForState(bridges[0]!, 'jira-demo', '70001');
    expect(handover(after, 'third')).to.deep.include({ state: 'running' });
    expect(handover(after, 'second')?.state).to.equal('cancelled');
    expect(after.sla.covered && after.sla.assignee).to.equal('ronald');
    expect(state.eventCount).to.be.greaterThan(1);
  });

  it("takes Jira's echo of the assignment as a restatement: the third line's handover runs on, nothing is sent again", async () => {
    const before = await waitForState(bridges[0]!, 'jira-demo', '70001');
    const startedAt = handover(before, 'third')?.startedAt;
    expect(startedAt).to.be.a('number');
    const echo = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_assigned',
      user: { accountId: 'acc-bot', displayName: 'SLA bot', emailAddress: 'sla-bot@example.com' },
      issue: { ...issueCreated({ created: DateTime.fromMillis(before.sla.covered ? before.sla.createdAt : 0).toISO()!, id: '70001', key: 'MB-701' }).issue },
      changelog: { id: '99001', items: [{ field: 'assignee', fieldtype: 'jira', from: 'acc-carla', fromString: 'Carla', to: 'ronald', toString: 'ronald' }] },
    };
    (echo.issue.fields as Record<string, unknown>).assignee = { accountId: 'ronald', displayName: 'ronald' };
    await send(echo);
    const after = await waitForState(bridges[0]!, 'jira-demo', '70001', (candidate) => candidate.eventCount > before.eventCount);
    await settled();
    expect(handover(after, 'third')).to.deep.include({ state: 'running', startedAt });
    expect(assignments).to.have.length(1);
    expect(thirdLine.filter((text) => text.includes('MB-701'))).to.have.length(1);
  });
  it('escalates again when the issue comes back to the second line and waits too long once more', async () => {
    const before = await waitForState(bridges[0]!, 'jira-demo', '70001');
    const back = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_assigned',
      user: { accountId: 'acc-ronald', displayName: 'ronald', emailAddress: 'ronald@megabite.example' },
      issue: { ...issueCreated({ created: DateTime.fromMillis(before.sla.covered ? before.sla.createdAt : 0).toISO()!, id: '70001', key: 'MB-701' }).issue },
      changelog: { id: '99002', items: [{ field: 'assignee', fieldtype: 'jira', from: 'ronald', fromString: 'ronald', to: 'acc-carla', toString: 'Carla' }] },
    };
    (back.issue.fields as Record<string, unknown>).assignee = { accountId: 'acc-carla', displayName: 'Carla' };
    await send(back);
    // Its second handover to the second line: a cycle of its own, which breaches and escalates once more.
    await waitForState(bridges[0]!, 'jira-demo', '70001', (candidate) => candidate.sla.covered && candidate.sla.assignee === 'ronald' && candidate.eventCount > before.eventCount + 1, 30_000);
    await waitUntil('the third line told again', async () => thirdLine.filter((text) => text.includes('MB-701')), (told) => told.length >= 2, { timeoutMs: 15_000 });
    await settled();
    expect(assignments.map(({ body }) => body)).to.deep.equal([{ accountId: 'ronald' }, { accountId: 'ronald' }]);
    expect(thirdLine.filter((text) => text.includes('MB-701'))).to.have.length(2);
    const after = await waitForState(bridges[0]!, 'jira-demo', '70001');
    const second = handover(after, 'second');
    expect(second?.cycles?.map((cycle) => cycle.outcome)).to.deep.equal(['cancelled']);
    expect(second?.state).to.equal('cancelled');
  });
  it("waits for a write-back of the issue on its way before it assigns: the bridge's writes to one issue go one at a time", async () => {
    const created = DateTime.now().startOf('second').minus({ seconds: 1 });
    // High (P2): the second line's 60 s handover does not run out while the test runs; the assignment is this test's.
    const payload = issueCreated({ created: created.toISO(), id: '70003', key: 'MB-703', priority: 'High' });
    (payload.issue.fields as Record<string, unknown>).assignee = { accountId: 'acc-carla', displayName: 'Carla' };
    await send(payload);
    await waitForState(bridges[0]!, 'jira-demo', '70003', (candidate) => candidate.sla.covered && candidate.sla.assignee === 'Carla');
    const config = linesConfig();
    const ingest = new Queue(INGEST_QUEUE, { connection: redis, prefix: bridges[0]!.prefix });
    const process = createLineAssignProcessor({
      store: bridges[0]!.store,
      contracts: config.contracts,
      sources: config.sources,
      connectors: trackerConnectors,
      http: new OutboundHttp({}),
      deadLetters: undefined as never,
      ingest,
      now: Date.now,
      logger: createLogger({ silent: true }),
    });
    const job = { data: { source: 'jira-demo', issueId: '70003', assignee: 'ronald', fromLine: 'second', toLine: 'third', notificationId: 'notify-lock-test' } } as Job<LineAssignJob>;
    const assignedHere = () => assignments.filter(({ issue }) => issue === '70003');
    let assigning: Promise<unknown> | undefined;
    try {
      await bridges[0]!.store.withIssueLock(
        'jira-demo',
        '70003',
        async () => {
          assigning = process(job);
          // A write-back's request on its way, the lock held all along: 300 ms is many times what an
          // assignment that did not wait takes to reach nock here (a few ms), and the checks after the
          // release show the same assignment does go out.
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(assignedHere(), 'no assignment while the write-back is on its way').to.deep.equal([]);
        },
        'write-back-lock',
      );
      expect(await assigning).to.deep.equal({ outcome: 'assigned', issueId: '70003' });
      expect(assignedHere()).to.deep.equal([{ issue: '70003', body: { accountId: 'ronald' } }]);
      await waitForState(bridges[0]!, 'jira-demo', '70003', (candidate) => candidate.sla.covered && candidate.sla.assignee === 'ronald');
    } finally {
      await assigning?.catch(() => undefined);
      await ingest.close();
    }
  });

  it("leaves a person's choice made since the escalation alone: no assignment once the issue left the line", async () => {
    const created = DateTime.now().startOf('second').minus({ minutes: 1 });
    const payload = issueCreated({ created: created.toISO(), id: '70002', key: 'MB-702' });
    (payload.issue.fields as Record<string, unknown>).assignee = { accountId: 'acc-dora', displayName: 'Dora' };
    await send(payload);
    await waitForState(bridges[0]!, 'jira-demo', '70002', (candidate) => candidate.sla.covered && candidate.sla.assignee === 'Dora');
    const config = linesConfig();
    const process = createLineAssignProcessor({
      store: bridges[0]!.store,
      contracts: config.contracts,
      sources: config.sources,
      connectors: trackerConnectors,
      // Neither is reached on this path: a request to Jira would fail the test at nock.
      http: undefined as never,
      deadLetters: undefined as never,
      ingest: undefined as never,
      now: Date.now,
      logger: createLogger({ silent: true }),
    });
    const job = { data: { source: 'jira-demo', issueId: '70002', assignee: 'ronald', fromLine: 'second', toLine: 'third', notificationId: 'notify-test' } } as Job<LineAssignJob>;
    expect(await process(job)).to.deep.equal({ outcome: 'skipped', issueId: '70002' });
    expect(assignments.filter(({ issue }) => issue === '70002')).to.deep.equal([]);
  });
});
