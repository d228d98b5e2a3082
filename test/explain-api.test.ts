/**
 * The explanation over the API through the real express app and workers on a real redis-server:
 * a P1 with a 3 s reaction on a 24x7 calendar warns at 50% into a Slack channel (nock at Slack's
 * host) and its deadline is written into Jira (nock at Jira's host); the explanation names the
 * channel and the instant the message went out, and the write-back's result.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { Explanation } from '../src/domain/deadline-explanation.js';
import { postRaw, startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { issueCreated } from './support/jira-payloads.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor, waitUntil } from './support/wait-for.js';

const TOKEN = 'explain-token';
const SLACK = { host: 'https://hooks.slack.com', path: '/services/T0000/B0000/explain-test' };

function explainConfig() {
  const dir = writeConfig({
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'channels/team.yaml': `kind: slack\nsettings:\n  url: ${SLACK.host}${SLACK.path}\n`,
    'contracts/fast.yaml': [
      'customer: Fast Customer',
      'calendar: round-the-clock',
      'covers:',
      '  - { source: jira-demo, project: MB }',
      'metrics:',
      '  reaction: { met_by: [agent_comment, resolved] }',
      'policies:',
      '  reaction: { P1: 3s, P2: 60s, P3: none, P4: none }',
      'warnings: ["50%"]',
      'notify: { warnings: [team], breaches: [team] }',
      '',
    ].join('\n'),
    'sources/jira-demo.yaml': [
      'kind: jira',
      'base_url: https://jira.example.com',
      'webhook:',
      '  secrets: [explain-secret]',
      'api:',
      '  user: sla-bot@example.com',
      '  token: jira-api-token',
      'priority:',
      '  field: priority',
      '  map: { Highest: P1, High: P2 }',
      '  default: P3',
      'write_back:',
      '  enabled: true',
      '  fields: { reaction: customfield_10060 }',
      '',
    ].join('\n'),
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GET /api/issues/:source/:key/explain', function () {
  this.timeout(40_000);
  /** When Slack took each message, by its text. */
  const slack: { text: string; at: number }[] = [];
  let writes = 0;
  let bridge: TestBridge;

  interceptHttp();

  before(async () => {
    nock(SLACK.host)
      .persist()
      .post(SLACK.path, (body: { text?: string }) => {
        slack.push({ text: String(body.text), at: Date.now() });
        return true;
      })
      .reply(200, 'ok');
    nock('https://jira.example.com')
      .persist()
      .put('/rest/api/2/issue/60001')
      .reply(() => {
        writes += 1;
        return [204, ''];
      });
    bridge = await startTestBridge({ config: explainConfig(), apiToken: TOKEN });
  });
  after(async () => {
    await bridge?.close();
  });

  const get = (path: string, token: string | undefined = TOKEN) => fetch(`${bridge.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('names the channel and the instant of the warning that was really sent, and the write-back', async () => {
    const reportedAt = Date.now();
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: DateTime.fromMillis(reportedAt).toISO()!, id: '60001', key: 'MB-601', summary: 'Explain me' })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('explain-secret', raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);

    const warning = await waitFor('the 50% warning of MB-601 in Slack', () => slack.find((message) => message.text.includes('MB-601') && !/breach|overschreden/i.test(message.text)), { timeoutMs: 20_000 });
    const explanation = await waitUntil(
      'the explanation to list the warning as sent to team',
      async () => (await (await get('/api/issues/jira-demo/MB-601/explain')).json()) as Explanation,
      (answer) => answer.timeline?.some((entry) => entry.kind === 'notified' && entry.text.startsWith('warning 50% sent to team')) === true,
      { timeoutMs: 20_000 },
    );
    const askedAt = Date.now();
    expect(explanation).to.include({ source: 'jira-demo', key: 'MB-601', contract: 'fast', zone: 'Europe/Amsterdam' });
    const sent = explanation.timeline.find((entry) => entry.kind === 'notified' && entry.text.startsWith('warning 50%'))!;
    expect(sent).to.deep.include({ metric: 'reaction', reason: 'sent', text: 'warning 50% sent to team (slack)' });
    // Recorded once Slack had answered, before we asked.
    expect(Date.parse(sent.at)).to.be.within(warning.at, askedAt);
    // The warning itself at half of the 3 s target, before the message.
    const reached = explanation.timeline.find((entry) => entry.kind === 'warning' && entry.metric === 'reaction')!;
    expect(Date.parse(reached.at)).to.equal(reportedAt + 1_500);
    expect(Date.parse(reached.at)).to.be.at.most(Date.parse(sent.at));

    const metric = explanation.metrics.find((entry) => entry.metric === 'reaction')!;
    expect(metric.deadline).to.equal(new Date(reportedAt + 3_000).toISOString());
    expect(metric.deadlineLocal).to.equal(DateTime.fromMillis(reportedAt + 3_000, { zone: 'Europe/Amsterdam' }).toFormat('yyyy-MM-dd HH:mm'));

    // The write-back's result: the deadline went into Jira.
    await waitUntil('a write-back to Jira', () => writes, (count) => count > 0);
    const withWrite = await waitUntil(
      'the explanation to list the write-back',
      async () => (await (await get('/api/issues/jira-demo/MB-601/explain')).json()) as Explanation,
      (answer) => answer.timeline.some((entry) => entry.kind === 'write-back'),
    );
    expect(withWrite.timeline.find((entry) => entry.kind === 'write-back')).to.deep.include({ reason: 'written' });

    const text = await get('/api/issues/jira-demo/MB-601/explain?format=text');
    expect(text.headers.get('content-type')).to.match(/^text\/plain/);
    const body = await text.text();
    expect(body).to.match(/^MB-601 \(jira-demo\): contract fast \(Fast Customer\)/);
    expect(body).to.include('warning 50% sent to team (slack)');
  });

  it('answers 404 naming the issue it does not know, 400 for a bad format, 401 without the token', async () => {
    const missing = await get('/api/issues/jira-demo/MB-999/explain');
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.deep.equal({ error: 'no issue MB-999 of source jira-demo' });
    const format = await get('/api/issues/jira-demo/MB-601/explain?format=xml');
    expect(format.status).to.equal(400);
    expect(await format.json()).to.deep.include({ field: 'format' });
    expect((await get('/api/issues/jira-demo/MB-601/explain', '')).status).to.equal(401);
  });
});
