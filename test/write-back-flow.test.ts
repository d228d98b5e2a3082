/**
 * Write-back end to end: a signed Jira webhook comes in, the worker computes the deadline and the
 * bridge PUTs it into Jira's fields (nock at Jira's host); Jira's echo webhook of that very change
 * causes no second write; a real change (priority) does.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { WRITE_BACK_QUEUE } from '../src/app/write-back.js';
import { loadConfig } from '../src/config/load-config.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { issueCreated, priorityChanged } from './support/jira-payloads.js';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sharedRedis } from './support/redis-server.js';
import { interceptHttp } from './support/http-interception.js';

const config = loadConfig(path.join(projectRoot(), 'test/fixtures/writeback-config'), {});

async function send(bridge: TestBridge, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('write-back-secret', raw) };
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
}

describe('write-back into the tracker', function () {
  this.timeout(30_000);
  const puts: { fields: Record<string, string | null>; authorization: string }[] = [];
  let bridge: TestBridge;
  let redis: Redis;
  let writeBacks: Queue;

  interceptHttp();

  before(async () => {
    nock('https://jira.example.com')
      .persist()
      .put('/rest/api/2/issue/50001')
      .reply(function (_uri, body) {
        puts.push({ fields: (body as { fields: Record<string, string | null> }).fields, authorization: String(this.req.headers.authorization) });
        return [204, ''];
      });
    bridge = await startTestBridge({ config });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    writeBacks = new Queue(WRITE_BACK_QUEUE, { connection: redis, prefix: bridge.prefix });
  });
  after(async () => {
    await bridge.close();
    await writeBacks.close();
    redis.disconnect();
  });

  async function settled() {
    await waitForIdleQueue(bridge);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const counts = await writeBacks.getJobCounts('waiting', 'active', 'delayed');
      if (Object.values(counts).every((count) => count === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('writes the deadline, ignores its own echo, and writes again on a real change', async () => {
    const created = DateTime.fromISO('2026-11-30T09:00:00+01:00');
    const fields = { created: created.toISO()!, id: '50001', key: 'MB-501' };
    await send(bridge, issueCreated(fields));
    await settled();
    expect(puts).to.have.length(1);
    expect(puts[0]!.fields).to.deep.equal({ customfield_10060: '2026-11-30T10:00:00.000+0100', duedate: '2026-11-30' });
    expect(puts[0]!.authorization).to.equal(`Basic ${Buffer.from('sla-bot@example.com:jira-api-token').toString('base64')}`);

    // Jira's webhook for the bridge's own change: the same fields, by the bot user.
    const echo = {
      ...issueCreated(fields),
      timestamp: created.plus({ minutes: 1 }).toMillis(),
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_updated',
      user: { accountId: 'sla-bot', emailAddress: 'sla-bot@example.com', displayName: 'SLA bot' },
      changelog: {
        id: '20001',
        items: [
          { field: 'SLA reaction deadline', fieldtype: 'custom', fieldId: 'customfield_10060', from: null, fromString: null, to: '2026-11-30T10:00:00.000+0100', toString: '30/Nov/26 10:00 AM' },
          { field: 'duedate', fieldtype: 'jira', fieldId: 'duedate', from: null, fromString: null, to: '2026-11-30', toString: '2026-11-30 00:00:00.0' },
        ],
      },
    };
    await send(bridge, echo);
    await settled();
    expect(puts, 'no write caused by the echo').to.have.length(1);

    await send(bridge, priorityChanged(fields, created.plus({ minutes: 10 }).toISO()!, 'Highest', 'High'));
    await settled();
    expect(puts).to.have.length(2);
    expect(puts[1]!.fields).to.deep.equal({ customfield_10060: '2026-11-30T11:00:00.000+0100' });
  });
});
