/**
 * The status API over real SLA state: issues filtered by state, contract, source and metric and
 * ordered by time to breach, one issue with its event history, the contracts. Times are the
 * megabite-standard contract's (P1: 4 h round the clock), relative to a `now` from the real clock
 * (test-clock.ts), so that the issues' timers are pending on any day.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { trackerConnectors } from '../connectors/registry.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { issueCreated } from './support/jira-payloads.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

const TOKEN = 'status-api-token';
// At least 5 h into its month: the three issues, created up to 4.5 h before, are one month's report.
const NOW = fixtureNow({ zone: 'Europe/Amsterdam', intoMonth: { hours: 5 } });
const MONTH = NOW.toFormat('yyyy-MM');
const hoursBefore = (hours: number) => NOW.minus({ hours }).toISO()!;

describe('status API', () => {
  let bridge: TestBridge;
  const api = async (path: string, token: string | null = TOKEN) => {
    const response = await fetch(`${bridge.url}/api${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const keys = (body: Record<string, any>) => (body.issues as { issue: { key: string } }[]).map((entry) => entry.issue.key);

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, now: () => NOW.toMillis() });
    const created = [
      ['10101', 'MB-101', hoursBefore(1)], // running, 50% in 1 h
      ['10102', 'MB-102', hoursBefore(2.5)], // at risk: 50% passed 30 min ago, deadline in 1.5 h
      ['10103', 'MB-103', hoursBefore(4.5)], // breached 30 min ago
    ];
    for (const [id, key, at] of created) {
      const raw = Buffer.from(JSON.stringify(issueCreated({ created: at!, id, key })));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
      expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    }
    await waitForIdleQueue(bridge);
  });
  after(async () => {
    await bridge.close();
  });

  it('answers 401 without the bearer token', async () => {
    expect((await api('/issues', null)).status).to.equal(401);
  });

  it('lists issues by time to breach, and filters by state', async () => {
    expect(keys((await api('/issues')).body)).to.deep.equal(['MB-103', 'MB-102', 'MB-101']);
    expect(keys((await api('/issues?state=breached')).body)).to.deep.equal(['MB-103']);
    expect(keys((await api('/issues?state=at-risk')).body)).to.deep.equal(['MB-102']);
    expect(keys((await api('/issues?state=running')).body)).to.deep.equal(['MB-102', 'MB-101']);
    expect(keys((await api('/issues?contract=megabite-standard&source=jira-demo&metric=reaction')).body)).to.have.length(3);
    expect(keys((await api('/issues?contract=open2bizz-saas')).body)).to.deep.equal([]);
  });

  it('names the bad filter', async () => {
    const bad = await api('/issues?state=late');
    expect(bad.status).to.equal(400);
    expect(bad.body.field).to.equal('state');
  });

  it('shows one issue with every metric and its event history, by key or id', async () => {
    const byKey = await api('/issues/jira-demo/MB-102');
    expect(byKey.status).to.equal(200);
    expect(byKey.body.sla.metrics[0]).to.deep.include({ metric: 'reaction', state: 'running', deadline: NOW.plus({ hours: 1.5 }).toMillis() });
    expect(byKey.body.events.map((event: { type: string }) => event.type)).to.include('created');
    expect((await api('/issues/jira-demo/10102')).body.issue.key).to.equal('MB-102');
    expect((await api('/issues/jira-demo/MB-999')).status).to.equal(404);
  });

  it('lists the contracts with their targets', async () => {
    const { body } = await api('/contracts');
    const open2bizz = body.contracts.find((contract: { id: string }) => contract.id === 'open2bizz-saas');
    expect(open2bizz.metrics[1]).to.deep.include({ metric: 'resolution', starts: 'reaction_met', targets: { P1: '8h', P2: '2d', P3: '2w', P4: null } });
    expect(body.contracts).to.have.length(5);
  });

  it('exposes Prometheus metrics: webhooks by outcome, processing latency, pending timers', async () => {
    const response = await fetch(`${bridge.url}/metrics`);
    expect(response.status).to.equal(200);
    const text = await response.text();
    expect(text).to.match(/sla_bridge_webhooks_total\{source="jira-demo",outcome="accepted"\} 3/);
    expect(text).to.match(/sla_bridge_delivery_processing_seconds_count\{source="jira-demo"\} 3/);
    expect(text).to.match(/sla_bridge_pending_timers [1-9]/);
  });

  it('shows the BullMQ queues in bull-board, behind the same token', async () => {
    expect((await fetch(`${bridge.url}/api/queues`)).status).to.equal(401);
    const page = await fetch(`${bridge.url}/api/queues/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/<html/i);
    const queues = await api('/queues/api/queues');
    expect(queues.status).to.equal(200);
    // One chat queue per channel; the shipped config names none, so there is the console's.
    expect(queues.body.queues.map((queue: { name: string }) => queue.name).sort()).to.deep.equal(['sla-availability', 'sla-chat-console', 'sla-contract-term', 'sla-duty-handover', 'sla-hours', 'sla-ingest', 'sla-line-assign', 'sla-notify', 'sla-obligations', 'sla-reconcile', 'sla-retention', 'sla-timers', 'sla-write-back']);
  });

  it('serves the monthly report as JSON, CSV and HTML', async () => {
    const { status, body } = await api(`/reports/megabite-standard/${MONTH}`);
    expect(status).to.equal(200);
    expect(body).to.deep.include({ contract: 'megabite-standard', month: MONTH, issues: 3 });
    expect(body.metrics[0]).to.deep.include({ metric: 'reaction', met: 0, breached: 1, open: 2 });
    expect(body.breaches.map((breach: { key: string }) => breach.key)).to.deep.equal(['MB-103']);
    const csv = await fetch(`${bridge.url}/api/reports/megabite-standard/${MONTH}?format=csv`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    expect(await csv.text()).to.match(/^contract,customer,month/);
    const html = await fetch(`${bridge.url}/api/reports/megabite-standard/${MONTH}?format=html`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await html.text()).to.include('<svg');
    expect((await api('/reports/megabite-standard/2026-13')).body.field).to.equal('month');
    expect((await api(`/reports/nobody/${MONTH}`)).status).to.equal(404);
  });
});
