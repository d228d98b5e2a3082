/**
 * Hours approval end to end, two bridges on one Redis: hours booked on a Jira issue wait for the
 * customer's approval (status Akkoord); a wait longer than `warn_after` (2 s of a 24x7 calendar)
 * tells the managers once, an approval in time tells nothing, and the status API and the monthly
 * report show what waits and since when. Chat is nock at its host.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import nock from 'nock';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../../connectors/registry.js';
import { HOURS_QUEUE, approvalTimerId } from '../../src/app/jobs/pipeline.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { postRaw, startTestBridge, type TestBridge } from '../support/bridge-harness.js';
import { fieldChanged, issueCreated, jiraTime } from '../support/jira-payloads.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'hours-approval-secret';
const TOKEN = 'hours-approval-token';

function config() {
  const dir = writeConfig({
    'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/jira-demo.yaml': `kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: [${SECRET}]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\nagents:\n  domains: [megabite.example]\n`,
    'channels/managers.yaml': 'kind: webhook\nsettings:\n  url: https://chat.example.com/hooks/managers\n  insecure: true\n',
    'contracts/card.yaml': `customer: Approving Customer
calendar: round
covers:
  - { source: jira-demo, project: MB }
policies:
  reaction: none
notify: { breaches: [managers] }
hours:
  purchases:
    - { hours: 10, date: ${DateTime.now().setZone('Europe/Amsterdam').minus({ days: 1 }).toISODate()}, reference: INV-7 }
  approval: { by: status, statuses: [Akkoord], warn_after: 2s }
`,
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function signed(body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) } };
}

const worklog = (issueId: string, id: string, seconds: number, at: DateTime) => ({
  timestamp: at.toMillis(),
  webhookEvent: 'worklog_created',
  worklog: { id, issueId, author: { accountId: 'acc-ann', displayName: 'Ann' }, created: jiraTime(at.toISO()!), updated: jiraTime(at.toISO()!), timeSpentSeconds: seconds },
});

describe('hours approval end to end, two workers', function () {
  this.timeout(30_000);
  const cfg = config();
  const messages: { id: string; body: { notification: { subject: string; issue: { key: string }; call: { since: number } }; message: { summary: string } } }[] = [];
  let first: TestBridge;
  let second: TestBridge;
  let redis: Redis;
  let hoursQueue: Queue;

  interceptHttp();

  before(async () => {
    nock('https://chat.example.com')
      .persist()
      .post('/hooks/managers')
      .reply(function (this: { req: { headers: Record<string, string> } }, _uri: string, body: unknown) {
        messages.push({ id: this.req.headers['x-sla-bridge-notification-id']!, body: body as (typeof messages)[number]['body'] });
        return [200, 'ok'];
      });
    first = await startTestBridge({ config: cfg, apiToken: TOKEN });
    second = await startTestBridge({ config: cfg, prefix: first.prefix });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    hoursQueue = new Queue(HOURS_QUEUE, { connection: redis, prefix: first.prefix });
  });
  after(async () => {
    await first?.close();
    await second?.close();
    await hoursQueue?.close();
    redis?.disconnect();
  });

  const post = async (bridge: TestBridge, body: unknown) => {
    const { raw, headers } = signed(body);
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
  };

  it('warns the managers once when approval waits too long, and not for hours approved in time', async () => {
    const now = DateTime.now().setZone('Europe/Amsterdam');
    const created = now.minus({ minutes: 30 });
    const waiting = { created: created.toISO()!, id: '40001', key: 'MB-41', summary: 'waits' };
    const approved = { created: created.toISO()!, id: '40002', key: 'MB-42', summary: 'approved in time' };
    await post(first, issueCreated(waiting));
    await post(second, issueCreated(approved));
    const bookedAt = now.minus({ seconds: 1 });
    // Both worklogs at both bridges: the timers they plan are one per wait.
    for (const bridge of [first, second]) {
      await post(bridge, worklog('40001', '50001', 3600, bookedAt));
      await post(bridge, worklog('40002', '50002', 1200, bookedAt));
    }
    await post(first, fieldChanged({ ...approved, status: 'Akkoord' }, now.toISO()!, 'status', 'Open', 'Akkoord'));

    await waitFor('the approval warning of MB-41', () => messages.find((m) => m.body.notification.issue.key === '40001' || m.body.notification.issue.key === 'MB-41'));
    // The sign that MB-42's timer has run too: its job completed.
    const since = bookedAt.toMillis();
    await waitFor('both approval timers done', async () => {
      const jobs = await Promise.all(['40001', '40002'].map((id) => hoursQueue.getJob(approvalTimerId('card', `jira-demo:${id}`, since))));
      return jobs.every((job) => job && job.finishedOn !== undefined);
    });
    await waitFor('the chat queue drained', async () => (await first.pendingJobs())['sla-chat-managers'] === 0);
    expect(messages).to.have.length(1);
    expect(messages[0]!.body.notification.subject).to.equal('hours-approval');
    expect(messages[0]!.body.notification.call.since).to.equal(since);
    expect(messages[0]!.body.message.summary).to.equal("⚠️ Booked hours wait for the customer's approval for more than 2s: Approving Customer");
  });

  it('shows what waits and since when in the status API and the report', async () => {
    const get = async (path: string) => (await fetch(`${first.url}/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<Record<string, any>>;
    const status = await get('/hours/card');
    expect(status.pendingApprovals.map((entry: { issueKey: string; billedSeconds: number }) => [entry.issueKey, entry.billedSeconds])).to.deep.equal([['MB-41', 3600]]);
    const month = DateTime.now().setZone('Europe/Amsterdam').minus({ seconds: 1 }).toFormat('yyyy-MM');
    const report = await get(`/reports/card/${month}`);
    expect(report.hours.approval).to.deep.equal({ approvedSeconds: 1800, pendingSeconds: 3600 });
  });
});
