/**
 * An escalation to the next support line names whoever is on duty for that line's team, end to
 * end: a Jira issue with the second line breaches its 2 s handover; the third line's Slack channel
 * gets one line_escalation notice with the duty line first, and while nobody of the team is on
 * duty, the team's fallback channel gets it too, once. The line's `team:` is the team asked, not
 * the team serving the contract (whose person the handover's own breach names). Real Redis, the
 * real express app, nock at the chat hosts; the rota is written relative to now and changed by a reload.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { issueCreated } from '../support/jira-payloads.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';
import { sharedRedis } from '../support/redis-server.js';
import { IssueJournal } from '../../src/app/store/issue-journal.js';
import { createRedis } from '../../src/app/store/redis-connection.js';

const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');
const ZONE = 'Europe/Amsterdam';
const minute = (instant: DateTime) => instant.setZone(ZONE).toFormat("yyyy-LL-dd'T'HH:mmZZ");

const LINES = `lines:
  second:
    members: [carla]
    handover: { P1: 2s, P2: 60s, P3: none, P4: none }
    escalate: { after: breach, to: third }
  third:
    members: [ronald]
    channel: third-line
    team: third-desk
    handover: { P1: 60s, P2: 60s, P3: none, P4: none }
`;

/** A team whose current hour (a minute ago to an hour on) is `person`'s, `null` for nobody. */
const teamFile = (name: string, serves: string, member: string, person: string, fallback = '') => `name: ${name}
calendar: round-the-clock
serves: ${serves}
handover: { summary: false }
${fallback}members:
${member}
rota:
  rotation: { every: 1 working day, order: [${/id: (\w+)/.exec(member)![1]}], starting: 2026-01-01 }
  overrides:
    - { from: ${minute(DateTime.now().minus({ minutes: 1 }))}, until: ${minute(DateTime.now().plus({ hours: 1 }))}, person: ${person} }
`;
const thirdDesk = (person: string) => teamFile('Third desk', '{ sources: [jira-demo] }', '  - { id: ronald, name: Ronald, tracker: { jira-demo: [ronald] }, chat: { slack: U0RONALD01, mattermost: ronald } }', person, 'fallback_channel: third-fallback\n');

function writeLinesConfig(): string {
  const files = Object.fromEntries(['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'contracts/fast.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]));
  return writeConfig({
    ...files,
    'contracts/fast.yaml': files['contracts/fast.yaml']!.replace(/^escalation:.*\n/m, '') + LINES,
    'channels/third-line.yaml': 'kind: slack\nlanguage: en\nsettings:\n  url: https://hooks.slack.com/services/T0000/B0000/third-line\n',
    'channels/third-fallback.yaml': 'kind: mattermost\nsettings: { url: "https://mm.example.com/hooks/third-fallback" }\n',
    // The team serving the contract: the handover's own breach (to managers) names its person.
    'teams/desk.yaml': teamFile('Desk', '{ contracts: [fast] }', '  - { id: anna, name: Anna, tracker: { jira-demo: [anna] }, chat: { slack: U0ANNA0001 } }', 'anna'),
    'teams/third-desk.yaml': thirdDesk('ronald'),
  });
}

describe('an escalation names whoever is on duty for the next line', function () {
  this.timeout(40_000);
  const thirdLine: string[] = [];
  const managers: string[] = [];
  const fallback: string[] = [];
  let bridge: TestBridge;
  const dir = writeLinesConfig();

  interceptHttp();

  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }
  /** A P1 issue with the second line, created now. */
  async function escalate(id: string, key: string) {
    const payload = issueCreated({ created: DateTime.now().startOf('second').toISO()!, id, key });
    (payload.issue.fields as Record<string, unknown>).assignee = { accountId: 'acc-carla', displayName: 'Carla' };
    await send(payload);
    await waitForState(bridge, 'jira-demo', id, (state) => state.sla.covered && state.sla.custom?.some((status) => status.metric === 'handover-second' && status.state === 'breached') === true, 20_000);
    return waitFor(`the third line told of ${key}`, () => {
      const told = thirdLine.filter((text) => text.includes(key));
      return told.length > 0 ? told : undefined;
    }, { timeoutMs: 15_000 });
  }
  const record = (into: string[]) => (body: { text?: string }) => {
    into.push(String(body.text));
    return true;
  };

  before(async () => {
    nock('https://hooks.slack.com').persist().post('/services/T0000/B0000/third-line', record(thirdLine)).reply(200, 'ok');
    nock('https://hooks.slack.com').persist().post('/services/T0000/B0000/timer-test', record(managers)).reply(200, 'ok');
    nock('https://mm.example.com').persist().post('/hooks/third-fallback', record(fallback)).reply(200, 'ok');
    bridge = await startTestBridge({ config: loadBridgeConfig(dir, {}) });
  });
  after(async () => bridge?.close());

  it('mentions the next line’s person on duty, once; its team’s fallback channel stays quiet', async () => {
    const told = await escalate('72001', 'MB-721');
    await waitFor('the handover breach in the managers channel', () => managers.find((text) => text.includes('MB-721')), { timeoutMs: 10_000 });
    expect(thirdLine.filter((text) => text.includes('MB-721'))).to.have.length(1);
    expect(told[0]).to.match(/^On duty: <@U0RONALD01> · 🔺 Escalated to third: second did not react within its handover time: MB-721 /);
    // The handover's breach is the contract's message: it names the serving team's person.
    expect(managers.filter((text) => text.includes('MB-721'))[0]).to.match(/^.+<@U0ANNA0001> · /);
    expect(fallback.filter((text) => text.includes('MB-721'))).to.deep.equal([]);
    // The issue's explanation records the escalation message, as it does its SLA messages.
    const redis = createRedis({ kind: 'url', url: (await sharedRedis()).url }, 'request');
    try {
      const journal = new IssueJournal(redis, bridge.prefix);
      const records = await waitFor('the escalation in the issue journal', async () => {
        const found = (await journal.list('jira-demo', '72001')).filter((record) => record.type === 'notification' && record.channel === 'third-line');
        return found.length > 0 ? found : undefined;
      }, { timeoutMs: 10_000 });
      expect(records).to.have.length(1);
      expect(records[0]).to.deep.include({ metric: 'handover-second', kind: 'escalation', label: 'breach → third', outcome: 'sent' });
    } finally {
      redis.disconnect();
    }
  });

  it('while nobody of the next line’s team is on duty, says so and tells the team’s fallback channel too, once', async () => {
    writeFileSync(path.join(dir, 'teams/third-desk.yaml'), thirdDesk('null'));
    expect((await bridge.reload(() => loadBridgeConfig(dir, {}))).applied).to.equal(true);
    const told = await escalate('72002', 'MB-722');
    const relayed = await waitFor('the fallback channel told of MB-722', () => fallback.find((text) => text.includes('MB-722')), { timeoutMs: 15_000 });
    expect(told).to.have.length(1);
    expect(told[0]).to.match(/^Nobody of Third desk is on duty · 🔺 Escalated to third/);
    expect(relayed.split('\n')[0]).to.equal('Nobody of Third desk is on duty');
    expect(fallback.filter((text) => text.includes('MB-722'))).to.have.length(1);
  });
});
