/**
 * Timers end to end on real time: a signed webhook comes in, delayed BullMQ jobs fire at the
 * warning, the breach and the escalation of a contract with second-scale targets on a 24x7
 * calendar, and each notification is handed over exactly once. No timing claims: only order,
 * counts and content; every wait is for an event, and a check that nothing more came waits for
 * the queues to have nothing left to do.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { type SlaConfig } from '../src/config/load-config.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { Queue, type Job } from 'bullmq';
import nock from 'nock';
import type { IssueState } from '../src/app/store/issue-store.js';
import { Redis } from 'ioredis';
import { postRaw, startTestBridge, waitForIdleQueue, waitForQuiet, waitForState, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, issueCreated, priorityChanged } from './support/jira-payloads.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { interceptHttp } from './support/http-interception.js';
import { waitFor, waitUntil } from './support/wait-for.js';
import { NOTIFY_QUEUE, TIMER_QUEUE, chatQueueName } from '../src/app/jobs/pipeline.js';
import { notifiedLabels, queuedNotifications, thresholdAt } from './support/queued-notifications.js';

const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');
const config = loadBridgeConfig(CONFIG_DIR, {});

/** The same config without escalations: after the breach nothing is due, however long a bridge is down. */
function withoutEscalations(): SlaConfig {
  const files = Object.fromEntries(
    ['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'contracts/fast.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]),
  );
  const contract = files['contracts/fast.yaml']!;
  if (!/^escalation:.*\n/m.test(contract)) throw new Error('contracts/fast.yaml has no escalation line to drop');
  const dir = writeConfig({ ...files, 'contracts/fast.yaml': contract.replace(/^escalation:.*\n/m, '') });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function send(bridge: TestBridge, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
}

const reaction = ({ sla }: IssueState) => (sla.covered ? sla.metrics.find((metric) => metric.metric === 'reaction') : undefined);

describe('SLA timers', function () {
  this.timeout(40_000);
  const slackTexts: string[] = [];
  let bridge: TestBridge;
  let redis: Redis;

  interceptHttp();

  before(async () => {
    // The managers' Slack channel gets every breach and escalation.
    nock('https://hooks.slack.com')
      .persist()
      .post('/services/T0000/B0000/timer-test', (body: { text?: string }) => {
        slackTexts.push(String(body.text));
        return true;
      })
      .reply(200, 'ok');
    bridge = await startTestBridge({ config });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  after(async () => {
    await bridge.close();
    redis.disconnect();
  });

  it('fires the warning, the breach and the escalation once each, in order', async () => {
    await send(bridge, issueCreated({ created: DateTime.now().toISO(), id: '40001', key: 'MB-401' }));
    await waitUntil('three notifications of MB-401', () => notifiedLabels(redis, bridge.prefix, '40001'), (labels) => labels.length >= 3, { timeoutMs: 20_000 });
    // Nothing more comes: the escalation limit is 1, so once the escalation has fired no timer is
    // planned any more. A second escalation would keep a timer delayed and this wait from ending.
    await waitForQuiet(bridge);
    expect(await notifiedLabels(redis, bridge.prefix, '40001')).to.deep.equal(['50%', 'breach', 'escalation 1']);
    // Each fired timer routed its claim to the chat queues itself: no notify job in between.
    const notify = new Queue(NOTIFY_QUEUE, { connection: redis, prefix: bridge.prefix });
    try {
      expect(await notify.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed')).to.deep.equal({ completed: 0, failed: 0, active: 0, waiting: 0, delayed: 0 });
    } finally {
      await notify.close();
    }
    // The breach and the escalation went to the managers' Slack channel, in Dutch; the warning to the console.
    const ours = slackTexts.filter((text) => text.includes('MB-401'));
    expect(ours).to.have.length(2);
    expect(ours[0]).to.match(/Reactietijd overschreden.*MB-401 Mail server down \(Fast Customer, P1\)/);
  });

  it('never notifies for a metric met before its first threshold: the planned timer is stale', async () => {
    const created = DateTime.now();
    const fields = { created: created.toISO(), id: '40002', key: 'MB-402' };
    await send(bridge, issueCreated(fields));
    await send(bridge, commentCreated(fields, created.plus({ milliseconds: 500 }).toISO(), { name: 'Ann', email: 'ann@megabite.example' }));
    await waitForState(bridge, 'jira-demo', '40002', (state) => reaction(state)?.state === 'met');
    // A timer left planned for the warning would keep the queues busy until it fired.
    await waitForQuiet(bridge);
    expect(await notifiedLabels(redis, bridge.prefix, '40002')).to.deep.equal([]);
  });

  it('after downtime past the deadline, notifies once, late, saying so, and standing for the missed warning', async () => {
    const noEscalations = withoutEscalations();
    const down = await startTestBridge({ config: noEscalations });
    await send(down, issueCreated({ created: DateTime.now().toISO(), id: '40003', key: 'MB-403' }));
    const applied = await waitForState(down, 'jira-demo', '40003');
    await waitForIdleQueue(down);
    expect((await down.pendingJobs())[TIMER_QUEUE], 'the warning timer is planned').to.equal(1);
    await down.close();
    // Down until well past the deadline: a notification more than a second after its instant is late.
    const deadline = reaction(applied)!.deadline!;
    await waitFor('the reaction deadline to be 2 s past while no bridge runs', () => Date.now() > deadline + 2_000, { timeoutMs: 15_000, intervalMs: 50 });
    const up = await startTestBridge({ config: noEscalations, prefix: down.prefix });
    const chat = new Queue(chatQueueName('managers'), { connection: redis, prefix: down.prefix });
    try {
      const [first] = await waitUntil('a notification of MB-403', () => queuedNotifications(redis, down.prefix, '40003'), (queued) => queued.length > 0);
      expect(first).to.deep.include({ label: 'breach', kind: 'breach', skipped: ['50%'] });
      const [sent] = await waitUntil(
        'the late breach of MB-403 to be sent',
        async () => (await chat.getJobs(['completed'])).filter((job: Job) => job.data.notification.issue.id === '40003'),
        (jobs) => jobs.length > 0,
      );
      expect(sent!.data.notification.late).to.deep.include({ skipped: ['50%'] });
      expect(String(sent!.returnvalue.text)).to.match(/te laat verstuurd: de bridge was uitgevallen; .*50%/);
      await waitForQuiet(up);
      expect(await notifiedLabels(redis, down.prefix, '40003'), 'once').to.deep.equal(['breach']);
    } finally {
      await up.close();
      await chat.close();
    }
  });

  it('a worker whose clock is behind the others\' fires each threshold once, at its own clock\'s instant, without looping', async () => {
    // Its timers come up by the clock of whoever promotes them, seconds early by its own.
    const behind = await startTestBridge({ config, prefix: uniquePrefix('skew'), now: () => Date.now() - 8_000 });
    try {
      await send(behind, issueCreated({ created: DateTime.now().toISO(), id: '40005', key: 'MB-405' }));
      const fired = await waitUntil('three notifications of MB-405', () => queuedNotifications(redis, behind.prefix, '40005'), (queued) => queued.length >= 3, { timeoutMs: 30_000 });
      // A timer re-planned at once whenever it came up early would keep the timer queue busy for ever.
      await waitForQuiet(behind);
      expect(fired.map((due) => due.label)).to.deep.equal(['50%', 'breach', 'escalation 1']);
      const state = await waitForState(behind, 'jira-demo', '40005');
      for (const due of fired) {
        const at = thresholdAt(state, 'reaction', due.label);
        expect(at, `the instant of ${due.label}`).to.be.a('number');
        expect(due.firedAt, `${due.label} fired by the worker's own clock, not before`).to.be.at.least(at!);
      }
    } finally {
      await behind.close();
    }
  });

  it('a warning fired late by a bridge that was running says the bridge fell behind, not that it was down', async () => {
    const running = await startTestBridge({ config, prefix: uniquePrefix('behind') });
    const timers = new Queue(TIMER_QUEUE, { connection: redis, prefix: running.prefix });
    const console = new Queue(chatQueueName('console'), { connection: redis, prefix: running.prefix });
    try {
      await send(running, issueCreated({ created: DateTime.now().toISO(), id: '40006', key: 'MB-406' }));
      const state = await waitForState(running, 'jira-demo', '40006');
      const warningAt = thresholdAt(state, 'reaction', '50%')!;
      expect(warningAt, 'the 50% warning is ahead').to.be.above(Date.now());
      // No worker takes a timer while the queue is paused: the bridge runs but cannot keep up.
      await timers.pause();
      await waitFor('2 s past the 50% instant', () => Date.now() > warningAt + 2_000, { timeoutMs: 15_000, intervalMs: 50 });
      await timers.resume();
      const sent = await waitUntil(
        'the 50% warning of MB-406 on the console',
        async () => (await console.getJobs(['completed'])).find((job: Job) => job.data.notification.issue.id === '40006' && job.data.notification.threshold === '50%'),
        (job) => job !== undefined,
      );
      expect(sent!.data.notification.late).to.deep.include({ cause: 'behind' });
      expect(sent!.data.notification.late.byMs).to.be.at.least(2_000);
    } finally {
      await timers.resume();
      await running.close();
      await timers.close();
      await console.close();
    }
  });

  it('two bridges on one Redis, interleaved events of one issue: one notification per threshold', async () => {
    const other = await startTestBridge({ config, prefix: bridge.prefix });
    try {
      const created = DateTime.now();
      const fields = { created: created.toISO(), id: '40004', key: 'MB-404' };
      const later = (ms: number) => created.plus({ milliseconds: ms }).toISO();
      // Every delivery re-plans the timers, alternately on either bridge.
      await Promise.all([
        send(bridge, issueCreated(fields)),
        send(other, commentCreated(fields, later(100), { name: 'Carl', email: 'carl@customer.example' }, '1')),
        send(bridge, commentCreated(fields, later(200), { name: 'Carl', email: 'carl@customer.example' }, '2')),
        send(other, priorityChanged(fields, later(300), 'Highest', 'Highest')),
      ]);
      await waitUntil('three notifications of MB-404', () => notifiedLabels(redis, bridge.prefix, '40004'), (labels) => labels.length >= 3, { timeoutMs: 20_000 });
      // Both bridges share the prefix, so this is the sign that neither has anything left to fire.
      await waitForQuiet(bridge);
      expect(await notifiedLabels(redis, bridge.prefix, '40004')).to.deep.equal(['50%', 'breach', 'escalation 1']);
    } finally {
      await other.close();
    }
  });
});
