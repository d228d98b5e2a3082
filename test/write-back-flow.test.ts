/**
 * Write-back end to end: a signed Jira webhook comes in, the worker computes the deadline and the
 * bridge PUTs it into Jira's fields (nock at Jira's host); Jira's echo webhook of that very change
 * causes no second write; a real change (priority) does. Each step waits until the write-back job
 * of its delivery has finished, so "no second write" is checked after the job that would send it.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { type WriteBackOutcome } from '../src/app/jobs/write-back.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { issueCreated, priorityChanged } from './support/jira-payloads.js';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { sharedRedis } from './support/redis-server.js';
import { interceptHttp } from './support/http-interception.js';
import { waitUntil } from './support/wait-for.js';
import { WRITE_BACK_QUEUE } from '../src/app/jobs/pipeline.js';

const config = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/writeback-config'), {});
const ZONE = 'Europe/Amsterdam';

async function send(bridge: TestBridge, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('write-back-secret', raw) };
  const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
  expect(result.status, JSON.stringify(result.body)).to.equal(202);
}

/** Jira's rendering of a custom date-time field, and of the due date, for a deadline in the contract's zone. */
/** As the bridge writes a Jira date-time: whole minutes, rounded down (the precision of Jira's pickers). */
const jiraDateTime = (at: DateTime) => at.startOf('minute').toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");

describe('write-back into the tracker', function () {
  this.timeout(30_000);
  const puts: { fields: Record<string, string | null>; authorization: string }[] = [];
  /** What each finished write-back job did, in order: written, unchanged, ... */
  const outcomes: string[] = [];
  let bridge: TestBridge;
  let events: QueueEvents;
  let eventsRedis: Redis;

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
    // From the start of the prefix's event stream, so no completion is missed.
    eventsRedis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    events = new QueueEvents(WRITE_BACK_QUEUE, { connection: eventsRedis, prefix: bridge.prefix, lastEventId: '0-0' });
    events.on('completed', ({ returnvalue }) => outcomes.push((returnvalue as unknown as WriteBackOutcome).outcome));
    await events.waitUntilReady();
  });
  after(async () => {
    await bridge.close();
    await events.close();
    eventsRedis.disconnect();
  });

  /** Until the write-back job of the latest delivery has finished; says what it did. */
  async function writeBackDone(count: number): Promise<string> {
    const done = await waitUntil(`write-back job ${count} to finish`, () => [...outcomes], (seen) => seen.length >= count);
    expect(done, 'one write-back job per delivery').to.have.length(count);
    return done[count - 1]!;
  }

  it('writes the deadline, ignores its own echo, and writes again on a real change', async () => {
    // A P1 reported a quarter of an hour ago: reaction within 1 h round the clock, so 45 min to go.
    const created = DateTime.now().setZone(ZONE).startOf('second').minus({ minutes: 15 });
    const p1Deadline = created.plus({ hours: 1 });
    const fields = { created: created.toISO()!, id: '50001', key: 'MB-501' };
    await send(bridge, issueCreated(fields));
    expect(await writeBackDone(1)).to.equal('written');
    expect(puts).to.have.length(1);
    expect(puts[0]!.fields).to.deep.equal({ customfield_10060: jiraDateTime(p1Deadline), duedate: p1Deadline.toISODate() });
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
          { field: 'SLA reaction deadline', fieldtype: 'custom', fieldId: 'customfield_10060', from: null, fromString: null, to: jiraDateTime(p1Deadline), toString: p1Deadline.toFormat('dd/LLL/yy h:mm a') },
          { field: 'duedate', fieldtype: 'jira', fieldId: 'duedate', from: null, fromString: null, to: p1Deadline.toISODate(), toString: `${p1Deadline.toISODate()} 00:00:00.0` },
        ],
      },
    };
    await send(bridge, echo);
    expect(await writeBackDone(2), 'the echo changes nothing to write').to.equal('unchanged');
    expect(puts, 'no write caused by the echo').to.have.length(1);

    // Down to P2 (2 h) ten minutes after creation: the deadline moves, the due date only with its day.
    await send(bridge, priorityChanged(fields, created.plus({ minutes: 10 }).toISO()!, 'Highest', 'High'));
    expect(await writeBackDone(3)).to.equal('written');
    const p2Deadline = created.plus({ hours: 2 });
    expect(puts).to.have.length(2);
    expect(puts[1]!.fields).to.deep.equal({
      customfield_10060: jiraDateTime(p2Deadline),
      ...(p2Deadline.toISODate() === p1Deadline.toISODate() ? {} : { duedate: p2Deadline.toISODate() }),
    });
  });
});
