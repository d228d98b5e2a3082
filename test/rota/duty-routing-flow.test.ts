/**
 * Warnings and breaches reach the person on duty, end to end: Gitea deliveries through the real
 * express app on a real Redis, a 3 s reaction target on a 24x7 calendar, the contract's Slack
 * channel and the team's Mattermost fallback channel intercepted by nock at their hosts. The rota
 * is written relative to now (an override of the current hour), then changed by a reload.
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
import { postRaw, startTestBridge, waitForQuiet, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'duty-flow-secret';
const ZONE = 'Europe/Amsterdam';
const REPO = 'open2bizz/odoo-customer';

const minute = (instant: DateTime) => instant.setZone(ZONE).toFormat("yyyy-LL-dd'T'HH:mmZZ");

/** The team file with the current hour (from a minute ago to an hour on) given to `person`. */
function teamFile(person: string): string {
  const now = DateTime.now();
  return `
name: Duty desk
calendar: round-the-clock
serves: { contracts: [odoo] }
fallback_channel: managers
members:
  - { id: anna, name: Anna, tracker: { gitea-demo: [anna] }, chat: { slack: U0ANNA0001, mattermost: anna } }
  - { id: bram, name: Bram, tracker: { gitea-demo: [bram] }, chat: { slack: U0BRAM0001, mattermost: bram } }
rota:
  rotation: { every: 1 working day, order: [anna, bram], starting: 2026-01-01 }
  overrides:
    - { from: ${minute(now.minus({ minutes: 1 }))}, until: ${minute(now.plus({ hours: 1 }))}, person: ${person} }
`;
}

const configDir = writeConfig({
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/odoo.yaml': `
id: odoo
customer: Odoo Customer
calendar: round-the-clock
covers:
  - { source: gitea-demo, project: ${REPO} }
policies:
  reaction: { P1: 3s, P2: 1w, P3: 1w, P4: 1w }
warnings: ["50%"]
notify: { warnings: [desk], breaches: [desk] }
`,
  'sources/gitea-demo.yaml': `kind: gitea
base_url: https://gitea.example.com
webhook: { secrets: [${SECRET}] }
priority: { field: labels, map: { priority/1: P1 }, default: P4 }
`,
  'channels/desk.yaml': 'kind: slack\nsettings: { url: "https://hooks.slack.com/services/T000/B000/DUTYDESK" }\n',
  'channels/managers.yaml': 'kind: mattermost\nsettings: { url: "https://mm.example.com/hooks/managers" }\n',
  'teams/desk.yaml': teamFile('anna'),
});

function delivery(number: number) {
  const { headers, body } = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea/issue-opened.json'), 'utf8')) as { headers: Record<string, string>; body: Record<string, Record<string, unknown> & { number?: number }> };
  const stamp = DateTime.now().toISO({ suppressMilliseconds: true });
  body.number = number as never;
  Object.assign(body.issue!, { id: 7000 + number, number, created_at: stamp, updated_at: stamp, labels: [{ id: 1, name: 'priority/1' }], html_url: `https://gitea.example.com/${REPO}/issues/${number}` });
  Object.assign(body.repository!, { full_name: REPO });
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { ...headers, 'x-gitea-delivery': randomUUID(), ...trackerConnectors.gitea.sign(SECRET, raw) } };
}

describe('duty routing end to end: the person on duty is mentioned, once', function () {
  this.timeout(40_000);
  const slack: { text: string; id: string; at: number }[] = [];
  /** The first message of this issue is answered 503 with Retry-After: 3 (and recorded here), the rest 200. */
  let failFirstOf: number | undefined;
  const failed: { text: string; id: string }[] = [];
  const mattermost: string[] = [];
  let bridge: TestBridge;

  interceptHttp();

  before(async () => {
    nock('https://hooks.slack.com')
      .persist()
      .post('/services/T000/B000/DUTYDESK')
      .reply(function (_uri, body) {
        const message = body as { text: string; blocks: { type: string; elements?: { text: string }[] }[] };
        const context = message.blocks.find((block) => block.type === 'context')!.elements![0]!.text;
        const id = context.split(' · ').pop()!;
        if (failFirstOf !== undefined && message.text.includes(`#${failFirstOf}`)) {
          failFirstOf = undefined;
          failed.push({ text: message.text, id });
          return [503, 'try later', { 'Retry-After': '3' }];
        }
        slack.push({ text: message.text, id, at: Date.now() });
        return [200, 'ok'];
      });
    nock('https://mm.example.com')
      .persist()
      .post('/hooks/managers')
      .reply(function (_uri, body) {
        mattermost.push((body as { text: string }).text);
        return [200, 'ok'];
      });
    bridge = await startTestBridge({ config: loadBridgeConfig(configDir, {}) });
  });
  after(async () => bridge?.close());

  const messagesOf = (issue: number) => slack.filter((message) => message.text.includes(`#${issue}`));
  const open = async (issue: number) => {
    const sent = delivery(issue);
    const answer = await postRaw(`${bridge.url}/webhooks/gitea-demo`, sent.raw, sent.headers);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    return waitFor(`the warning and the breach of #${issue}`, () => (messagesOf(issue).length >= 2 ? messagesOf(issue) : undefined), { timeoutMs: 20_000 });
  };

  it('mentions the person on duty in the warning and the breach, each sent once, and leaves the fallback channel alone', async () => {
    const messages = await open(811);
    await waitForQuiet(bridge);
    expect(messagesOf(811)).to.have.length(2);
    expect(new Set(messages.map((message) => message.id)).size).to.equal(2);
    for (const message of messages) expect(message.text).to.match(/^On duty: <@U0ANNA0001> · /);
    expect(mattermost.filter((text) => text.includes('#811'))).to.deep.equal([]);
  });

  it('after the rota changes, the next warning mentions the next person', async () => {
    writeFileSync(path.join(configDir, 'teams/desk.yaml'), teamFile('bram'));
    const outcome = await bridge.reload(() => loadBridgeConfig(configDir, {}));
    expect(outcome.applied).to.equal(true);
    const messages = await open(812);
    await waitForQuiet(bridge);
    expect(messagesOf(812)).to.have.length(2);
    for (const message of messages) expect(message.text).to.match(/^On duty: <@U0BRAM0001> · /);
  });

  it('while nobody is on duty the message says so and the team\'s fallback channel gets it too, once', async () => {
    writeFileSync(path.join(configDir, 'teams/desk.yaml'), teamFile('null'));
    expect((await bridge.reload(() => loadBridgeConfig(configDir, {}))).applied).to.equal(true);
    const messages = await open(813);
    const fallback = await waitFor('both messages of #813 in the fallback channel', () => {
      const seen = mattermost.filter((text) => text.includes('#813'));
      return seen.length >= 2 ? seen : undefined;
    });
    await waitForQuiet(bridge);
    expect(messagesOf(813)).to.have.length(2);
    for (const message of messages) expect(message.text).to.match(/^Nobody of Duty desk is on duty · /);
    expect(mattermost.filter((text) => text.includes('#813'))).to.have.length(2);
    for (const text of fallback) expect(text.split('\n')[0]).to.equal('Nobody of Duty desk is on duty');
  });

  it('a retried message names whom it named at its first attempt, though the rota changed in between', async () => {
    writeFileSync(path.join(configDir, 'teams/desk.yaml'), teamFile('anna'));
    expect((await bridge.reload(() => loadBridgeConfig(configDir, {}))).applied).to.equal(true);
    failFirstOf = 814;
    const sent = delivery(814);
    expect((await postRaw(`${bridge.url}/webhooks/gitea-demo`, sent.raw, sent.headers)).status).to.equal(202);
    const first = await waitFor('the first attempt of a message of #814 (answered 503)', () => failed[0], { timeoutMs: 20_000 });
    expect(first.text).to.match(/^On duty: <@U0ANNA0001> · /);
    writeFileSync(path.join(configDir, 'teams/desk.yaml'), teamFile('bram'));
    expect((await bridge.reload(() => loadBridgeConfig(configDir, {}))).applied).to.equal(true);
    const reloadedAt = Date.now();
    const retried = await waitFor('the retry of that message', () => slack.find((message) => message.id === first.id), { timeoutMs: 20_000 });
    expect(retried.at, 'the retry must come after the reload for this test to say anything').to.be.greaterThan(reloadedAt);
    expect(retried.text).to.equal(first.text);
    await waitForQuiet(bridge);
    expect(slack.filter((message) => message.id === first.id)).to.have.length(1);
  });
});
