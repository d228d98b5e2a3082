/**
 * A metric defined by conditions flows like the presets: through a signed webhook into the issue's
 * state, the status API and the contracts API, timers that fire its warning and breach once each
 * into chat, and the monthly report. Second-scale targets on a 24x7 calendar, on real time; every
 * wait is for an event.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Queue } from 'bullmq';
import nock from 'nock';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { TIMER_QUEUE } from '../src/app/jobs/pipeline.js';
import { notifiedLabels } from './support/queued-notifications.js';
import { SlaTimers } from '../src/app/jobs/sla-timers.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForQuiet, waitForState, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, issueCreated } from './support/jira-payloads.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitUntil } from './support/wait-for.js';

const TOKEN = 'custom-metrics-token';
const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');

function customConfig() {
  const files = Object.fromEntries(
    ['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'contracts/fast.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]),
  );
  const contract = files['contracts/fast.yaml']!;
  const metrics = `metrics:
  reaction: { met_by: [agent_comment, resolved] }
  first-answer:
    start: [created]
    stop: ["comment_by:agent"]
    pause_while: ["status:waiting for customer"]
    targets: { P1: 3s, P2: 60s, P3: none, P4: none }
    warnings: ["50%"]
`;
  if (!/^metrics:\n.*\n/m.test(contract) || !/^escalation:.*\n/m.test(contract)) throw new Error('contracts/fast.yaml changed: no metrics or escalation lines to replace');
  const dir = writeConfig({ ...files, 'contracts/fast.yaml': contract.replace(/^metrics:\n.*\n/m, metrics).replace(/^escalation:.*\n/m, '') });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const custom = ({ sla }: IssueState) => (sla.covered ? sla.custom?.find((status) => status.metric === 'first-answer') : undefined);

describe('metrics defined by conditions end to end', function () {
  this.timeout(40_000);
  const slackTexts: string[] = [];
  let bridge: TestBridge;
  let redis: Redis;

  interceptHttp();

  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }
  const api = async (route: string) => {
    const response = await fetch(`${bridge.url}/api${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status, route).to.equal(200);
    return (await response.json()) as Record<string, any>;
  };
  const notified = (issueId: string, metric: string) => notifiedLabels(redis, bridge.prefix, issueId, metric);

  before(async () => {
    nock('https://hooks.slack.com')
      .persist()
      .post('/services/T0000/B0000/timer-test', (body: { text?: string }) => {
        slackTexts.push(String(body.text));
        return true;
      })
      .reply(200, 'ok');
    bridge = await startTestBridge({ config: customConfig(), apiToken: TOKEN });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  after(async () => {
    await bridge.close();
    redis.disconnect();
  });

  it('fires its warning and breach once each, and the breach reaches chat under its own name', async () => {
    await send(issueCreated({ created: DateTime.now().toISO(), id: '50001', key: 'MB-501' }));
    await waitUntil('the first-answer breach of MB-501', () => notified('50001', 'first-answer'), (labels) => labels.includes('breach'), { timeoutMs: 20_000 });
    await waitForQuiet(bridge);
    expect(await notified('50001', 'first-answer')).to.deep.equal(['50%', 'breach']);
    const breaches = slackTexts.filter((text) => text.includes('MB-501') && /first-answer/i.test(text));
    expect(breaches, slackTexts.join('\n')).to.have.length(1);
    expect(breaches[0]).to.match(/First-answer overschreden/);
    const state = await waitForState(bridge, 'jira-demo', '50001');
    expect(custom(state)).to.deep.include({ state: 'breached' });
    // What an export keeps, so that an imported bridge does not send them again.
    const timerQueue = new Queue(TIMER_QUEUE, { connection: redis, prefix: bridge.prefix });
    try {
      const sent = await new SlaTimers(timerQueue, redis, bridge.prefix).sentByMetric('jira-demo', '50001', ['first-answer']);
      expect(sent['first-answer']).to.deep.equal(['50%', 'breach']);
    } finally {
      await timerQueue.close();
    }
  });

  it('is met by an agent comment, in the state, the status API, the contracts API and the monthly report', async () => {
    // In the past, whole seconds: a tracker stamp after its arrival would be taken as the arrival (clock-skew.ts).
    const created = DateTime.now().startOf('second').minus({ seconds: 20 });
    const fields = { created: created.toISO(), id: '50002', key: 'MB-502' };
    await send(issueCreated(fields));
    await send(commentCreated(fields, created.plus({ seconds: 1 }).toISO(), { name: 'Ann', email: 'ann@megabite.example' }));
    const state = await waitForState(bridge, 'jira-demo', '50002', (candidate) => custom(candidate)?.state === 'met');
    expect(custom(state)).to.deep.include({ metAt: created.plus({ seconds: 1 }).toMillis(), elapsedMs: 1_000, reason: 'met by an agent comment' });

    const list = await api('/issues?source=jira-demo');
    const entry = (list.issues as any[]).find((candidate) => candidate.issue.id === '50002');
    expect(entry.customMetrics).to.deep.equal([
      { metric: 'first-answer', state: 'met', reason: 'met by an agent comment', startedAt: created.toMillis(), deadline: null, zone: 'Europe/Amsterdam', remainingMs: 2_000, elapsedMs: 1_000, targetMs: 3_000, metAt: created.plus({ seconds: 1 }).toMillis() },
    ]);
    const contracts = await api('/contracts');
    const fast = (contracts.contracts as any[]).find((candidate) => candidate.id === 'fast');
    expect(fast.customMetrics[0]).to.deep.include({
      metric: 'first-answer',
      explanation: 'first-answer starts when the issue is created, pauses while the issue is in status "waiting for customer", stops when an agent comments publicly.',
    });

    await waitForQuiet(bridge);
    const report = await api(`/reports/fast/${created.setZone('Europe/Amsterdam').toFormat('yyyy-MM')}`);
    const row = (report.customMetrics as any[]).find((candidate) => candidate.metric === 'first-answer');
    // MB-501 breached, MB-502 met: those created in this month by this suite.
    expect(row).to.deep.include({ cycles: 2, met: 1, breached: 1, cancelled: 0, open: 0, percentMet: 50 });
  });
});
