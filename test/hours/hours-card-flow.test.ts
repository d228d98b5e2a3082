/**
 * The hours card end to end, with two bridges on one Redis (two workers racing on one card): Jira
 * issues and their worklogs come in through the real webhook endpoint, alternating between the
 * bridges and each worklog delivered to both; the card's balance follows the calls, goes negative
 * and stays negative, and each warning level goes to chat exactly once. Chat is nock at its host.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import nock from 'nock';
import { Redis } from 'ioredis';
import { trackerConnectors } from '../../connectors/registry.js';
import { HoursStore } from '../../src/app/hours/hours-store.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { buildLedger } from '../../src/domain/hours-ledger.js';
import { postRaw, startTestBridge, waitForQuiet, type TestBridge } from '../support/bridge-harness.js';
import { issueCreated, jiraTime } from '../support/jira-payloads.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'hours-flow-secret';
const TOKEN = 'hours-flow-api-token';
const today = DateTime.now().setZone('Europe/Amsterdam');

function cardConfig() {
  const dir = writeConfig({
    'calendars/office.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/jira-demo.yaml': `kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: [${SECRET}]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\nagents:\n  domains: [megabite.example]\n`,
    'channels/managers.yaml': 'kind: webhook\nsettings:\n  url: https://chat.example.com/hooks/managers\n  insecure: true\n',
    'contracts/card.yaml': `customer: Card Customer
calendar: office
covers:
  - { source: jira-demo, project: MB }
policies:
  reaction: none
notify: { breaches: [managers] }
hours:
  billing: { min: 15m, max: 2h30m, step: 15m }
  purchases:
    - { hours: 2, date: ${today.minus({ days: 30 }).toISODate()}, reference: INV-1 }
  warnings: [1h, 0h]
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

function worklogCreated(issueId: string, worklogId: string, seconds: number, at: DateTime) {
  return {
    timestamp: at.toMillis(),
    webhookEvent: 'worklog_created',
    worklog: {
      self: `https://jira.example.com/rest/api/2/issue/${issueId}/worklog/${worklogId}`,
      author: { accountId: '712020:associate-ann', displayName: 'Ann Associate' },
      updateAuthor: { accountId: '712020:associate-ann', displayName: 'Ann Associate' },
      comment: 'werk',
      created: jiraTime(at.toISO()!),
      updated: jiraTime(at.toISO()!),
      started: jiraTime(at.minus({ hours: 1 }).toISO()!),
      timeSpent: `${seconds / 60}m`,
      timeSpentSeconds: seconds,
      id: worklogId,
      issueId,
    },
  };
}

describe('hours card end to end, two workers', function () {
  this.timeout(40_000);
  const messages: { id: string; body: { notification: { threshold: string; balanceSeconds: number; subject: string }; message: { summary: string } } }[] = [];
  const config = cardConfig();
  let first: TestBridge;
  let second: TestBridge;
  let redis: Redis;

  interceptHttp();

  before(async () => {
    nock('https://chat.example.com')
      .persist()
      .post('/hooks/managers')
      .reply(function (this: { req: { headers: Record<string, string> } }, _uri: string, body: unknown) {
        messages.push({ id: this.req.headers['x-sla-bridge-notification-id']!, body: body as (typeof messages)[number]['body'] });
        return [200, 'ok'];
      });
    first = await startTestBridge({ config, apiToken: TOKEN });
    second = await startTestBridge({ config, prefix: first.prefix });
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  after(async () => {
    await first?.close();
    await second?.close();
    redis?.disconnect();
  });

  it('charges each call by the rule, shows the overdrawn balance as negative and warns once per level', async () => {
    const bridges = [first, second];
    const created = today.minus({ hours: 6 });
    for (let n = 1; n <= 4; n += 1) {
      const { raw, headers } = signed(issueCreated({ created: created.toISO()!, id: `2000${n}`, key: `MB-${n}`, summary: `call ${n}` }));
      expect((await postRaw(`${bridges[n % 2]!.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    }
    // 40 minutes on each call: billed 45 minutes each, 3 h against the 2 h bought. Every worklog
    // goes to both bridges at once, with the same delivery id.
    await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const { raw, headers } = signed(worklogCreated(`2000${n}`, `3000${n}`, 40 * 60, created.plus({ minutes: n })));
        const answers = await Promise.all(bridges.map((bridge) => postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)));
        // Racing: one is queued, the other folds into it (202 for the same job) or is a duplicate (200).
        for (const answer of answers) expect(answer.status).to.be.oneOf([200, 202]);
      }),
    );
    await waitFor('both warning levels in chat', () => messages.length >= 2);
    await waitForQuiet(first);
    await waitForQuiet(second);

    const calls = await new HoursStore(redis, first.prefix).loadCalls('card');
    const ledger = buildLedger(config.contracts.get('card')!.hours!, calls, Date.now());
    expect(ledger.movements.map((m) => [m.type, m.seconds / 60])).to.deep.equal([
      ['purchase', 120],
      ['charge', -45],
      ['charge', -45],
      ['charge', -45],
      ['charge', -45],
    ]);
    expect(ledger.balanceSeconds).to.equal(-3600);

    expect(messages.map((m) => m.body.notification.threshold).sort()).to.deep.equal(['0h', '1h']);
    expect(new Set(messages.map((m) => m.id)).size).to.equal(2);
    for (const { body } of messages) {
      expect(body.notification.subject).to.equal('hours-card');
      // Sent when the level was reached: at or below it.
      expect(body.notification.balanceSeconds).to.be.at.most(body.notification.threshold === '1h' ? 3600 : 0);
    }
    const overdrawn = messages.find((m) => m.body.notification.threshold === '0h')!;
    expect(overdrawn.body.message.summary).to.match(/^⚠️ Hours card overdrawn: -\d+h\d*m? \(level 0h\): Card Customer$|^⚠️ Hours card down to 0h \(level 0h\): Card Customer$/);
  });

  it('another charge below the levels warns no more', async () => {
    const before = messages.length;
    const { raw, headers } = signed(issueCreated({ created: today.minus({ hours: 6 }).toISO()!, id: '20005', key: 'MB-5' }));
    await postRaw(`${first.url}/webhooks/jira-demo`, raw, headers);
    const worklog = signed(worklogCreated('20005', '30005', 10 * 60, today.minus({ hours: 6 }).plus({ minutes: 10 })));
    expect((await postRaw(`${second.url}/webhooks/jira-demo`, worklog.raw, worklog.headers)).status).to.equal(202);
    const store = new HoursStore(redis, first.prefix);
    // The sign that the charge was filed: the fifth call.
    await waitFor('the fifth call on the card', async () => (await store.loadCalls('card')).length === 5);
    await waitForQuiet(first);
    await waitForQuiet(second);
    expect(messages.length).to.equal(before);
    expect(buildLedger(config.contracts.get('card')!.hours!, await store.loadCalls('card'), Date.now()).balanceSeconds).to.equal(-75 * 60);
  });

  it('shows the card in the status API and the monthly report (JSON, CSV, HTML), the overdrawn balance as negative', async () => {
    const get = (path: string) => fetch(`${first.url}/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const status = (await (await get('/hours/card')).json()) as Record<string, any>;
    expect(status).to.include({ contract: 'card', balanceSeconds: -75 * 60, overdrawn: true, purchasedSeconds: 7200, chargedSeconds: 195 * 60, currentPurchase: 'INV-1' });
    expect(status.levelsReached).to.deep.equal(['1h', '0h']);
    expect(status.movements.map((m: { type: string }) => m.type)).to.deep.equal(['purchase', 'charge', 'charge', 'charge', 'charge', 'charge']);
    expect(status.calls.map((c: { issueKey: string; rawSeconds: number; billedSeconds: number }) => [c.issueKey, c.rawSeconds / 60, c.billedSeconds / 60])).to.deep.include.members([
      ['MB-1', 40, 45],
      ['MB-5', 10, 15],
    ]);
    expect((await get('/hours/open2bizz-saas')).status).to.equal(404);
    expect((await get('/hours/nope')).status).to.equal(404);
    const contracts = (await (await get('/contracts')).json()) as { contracts: { id: string; hours: boolean }[] };
    expect(contracts.contracts.find((c) => c.id === 'card')!.hours).to.equal(true);

    const month = today.minus({ hours: 6 }).toFormat('yyyy-MM');
    const report = (await (await get(`/reports/card/${month}`)).json()) as { hours: Record<string, any> };
    // The calls were booked this month; the purchase 30 days ago may fall in the month before.
    const purchasedBefore = report.hours.movements.every((m: { type: string }) => m.type !== 'purchase');
    expect(report.hours.openingBalanceSeconds).to.equal(purchasedBefore ? 7200 : 0);
    expect(report.hours.closingBalanceSeconds).to.equal(-75 * 60);
    expect(report.hours.chargedSeconds).to.equal(195 * 60);
    const csv = await (await get(`/reports/card/${month}?format=csv`)).text();
    expect(csv).to.include('hours_card,opening_balance_minutes');
    expect(csv).to.include(purchasedBefore ? '\nbalance,120,0,195,0,-75,,\n' : '\nbalance,0,120,195,0,-75,,\n');
    const html = await (await get(`/reports/card/${month}?format=html`)).text();
    expect(html).to.include('<h2>Hours card</h2>');
    expect(html).to.include('-1h15m');
  });
});

