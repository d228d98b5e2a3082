/**
 * Timers end to end on real time: a signed webhook comes in, delayed BullMQ jobs fire at the
 * warning, the breach and the escalation of a contract with second-scale targets on a 24x7
 * calendar, and each notification is handed over exactly once. No timing claims: only order,
 * counts and content.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { NOTIFY_QUEUE } from '../src/app/fire-timer.js';
import { loadConfig } from '../src/config/load-config.js';
import { projectRoot } from '../src/project-root.js';
import { Queue, type Job } from 'bullmq';
import nock from 'nock';
import { CHAT_QUEUE } from '../src/app/notify.js';
import { Redis } from 'ioredis';
import { postRaw, startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, issueCreated, priorityChanged } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { interceptHttp } from './support/http-interception.js';

const config = loadConfig(path.join(projectRoot(), 'test/fixtures/timer-config'), {});

async function send(bridge: TestBridge, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
}

async function notifiedJobs(queue: Queue, issueId: string) {
  const jobs = await queue.getJobs(['completed', 'active', 'waiting', 'failed']);
  return jobs.filter((job) => job.data?.issueId === issueId).sort((a, b) => a.data.at - b.data.at);
}

async function notificationsOf(queue: Queue, issueId: string): Promise<string[]> {
  return (await notifiedJobs(queue, issueId)).map((job) => job.data.label as string);
}

describe('SLA timers', function () {
  this.timeout(40_000);
  const slackTexts: string[] = [];
  let bridge: TestBridge;
  let notifyQueue: Queue;
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
    notifyQueue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix: bridge.prefix });
  });
  after(async () => {
    await bridge.close();
    await notifyQueue.close();
    redis.disconnect();
  });

  it('fires the warning, the breach and the escalation once each, in order', async () => {
    const created = DateTime.now().toISO();
    await send(bridge, issueCreated({ created, id: '40001', key: 'MB-401' }));
    const deadline = Date.now() + 20_000;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      labels = await notificationsOf(notifyQueue, '40001');
      if (labels.length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(labels).to.deep.equal(['50%', 'breach', 'escalation 1']);
    // The breach and the escalation went to the managers' Slack channel, in Dutch; the warning to the console.
    const until = Date.now() + 5_000;
    while (Date.now() < until && slackTexts.filter((text) => text.includes('MB-401')).length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    const ours = slackTexts.filter((text) => text.includes('MB-401'));
    expect(ours).to.have.length(2);
    expect(ours[0]).to.match(/Reactietijd overschreden.*MB-401 Mail server down \(Fast Customer, P1\)/);
    // Nothing more comes: the escalation limit is 1.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await notificationsOf(notifyQueue, '40001')).to.deep.equal(['50%', 'breach', 'escalation 1']);
  });

  it('never notifies for a metric met before its first threshold: the planned timer is stale', async () => {
    const created = DateTime.now();
    const fields = { created: created.toISO(), id: '40002', key: 'MB-402' };
    await send(bridge, issueCreated(fields));
    await send(bridge, commentCreated(fields, created.plus({ milliseconds: 500 }).toISO(), { name: 'Ann', email: 'ann@megabite.example' }));
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(await notificationsOf(notifyQueue, '40002')).to.deep.equal([]);
  });

  it('after downtime past the deadline, notifies once, late, saying so, and standing for the missed warning', async () => {
    const down = await startTestBridge({ config });
    await send(down, issueCreated({ created: DateTime.now().toISO(), id: '40003', key: 'MB-403' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await down.close();
    await new Promise((resolve) => setTimeout(resolve, 7_500));
    const up = await startTestBridge({ config, prefix: down.prefix });
    const queue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix: down.prefix });
    try {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await notificationsOf(queue, '40003')).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const [first] = await notifiedJobs(queue, '40003');
      expect(first?.data).to.deep.include({ label: 'breach', kind: 'breach', skipped: ['50%'] });
      const chat = new Queue(CHAT_QUEUE, { connection: redis, prefix: down.prefix });
      try {
        const until = Date.now() + 10_000;
        let sent: Job[] = [];
        while (Date.now() < until && sent.length === 0) {
          sent = (await chat.getJobs(['completed'])).filter((job) => job.data.notification.issue.id === '40003');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(sent[0]?.data.notification.late).to.deep.include({ skipped: ['50%'] });
        expect(String(sent[0]?.returnvalue.text)).to.match(/te laat verstuurd: de bridge was uitgevallen; .*50%/);
      } finally {
        await chat.close();
      }
    } finally {
      await up.close();
      await queue.close();
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
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await notificationsOf(notifyQueue, '40004')).length < 3) await new Promise((resolve) => setTimeout(resolve, 200));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await notificationsOf(notifyQueue, '40004')).to.deep.equal(['50%', 'breach', 'escalation 1']);
    } finally {
      await other.close();
    }
  });
});
