/**
 * The duty handover end to end: a bridge on a real Redis, a rota whose duty passes to bram a few
 * seconds from now (a swap written relative to now), the team's Mattermost channel intercepted by
 * nock. Bram gets one summary naming the open issue of the team's contract, with the mention;
 * re-planning after a reload and a second bridge on the same Redis send nothing more.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { Redis } from 'ioredis';
import { DUTY_HANDOVER_QUEUE, chatQueueName, dutyHandoverJobId, dutyHandoverSentKey } from '../../src/app/jobs/pipeline.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor, waitUntil } from '../support/wait-for.js';

const SECRET = 'duty-handover-secret';
const ZONE = 'Europe/Amsterdam';
const REPO = 'open2bizz/odoo-customer';

describe('duty handover end to end: one summary for the person taking over', function () {
  this.timeout(40_000);
  const received: string[] = [];
  const bridges: TestBridge[] = [];
  const prefix = uniquePrefix('handover');
  // Set when the bridge starts, not when the file is loaded: a suite runs for minutes before this.
  let handoverAt: DateTime;
  let configDir: string;
  const stamp = (instant: DateTime) => instant.toFormat("yyyy-LL-dd'T'HH:mm:ssZZ");
  const writeTeamConfig = () =>
    writeConfig({
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'contracts/odoo.yaml': `
id: odoo
customer: Odoo Customer
calendar: round-the-clock
covers:
  - { source: gitea-demo, project: ${REPO} }
policies:
  reaction: { P1: 1w, P2: 1w, P3: 1w, P4: 1w }
notify: { warnings: [desk], breaches: [desk] }
`,
    'sources/gitea-demo.yaml': `kind: gitea
base_url: https://gitea.example.com
webhook: { secrets: [${SECRET}] }
priority: { field: labels, map: { priority/1: P1 }, default: P4 }
`,
    'channels/desk.yaml': 'kind: mattermost\nsettings: { url: "https://mm.example.com/hooks/desk" }\n',
    'teams/desk.yaml': `
name: Duty desk
calendar: round-the-clock
serves: { contracts: [odoo] }
handover: { channel: desk }
members:
  - { id: anna, name: Anna, chat: { mattermost: anna } }
  - { id: bram, name: Bram, chat: { mattermost: bram } }
rota:
  rotation: { every: 1 working day, order: [anna], starting: 2026-01-01 }
  overrides:
    - { from: "${stamp(handoverAt)}", until: "${stamp(handoverAt.plus({ hours: 1 }))}", person: bram }
`,
  });

  interceptHttp();

  before(async () => {
    nock('https://mm.example.com')
      .persist()
      .post('/hooks/desk')
      .reply(function (_uri, body) {
        received.push((body as { text: string }).text);
        return [200, 'ok'];
      });
    handoverAt = DateTime.now().setZone(ZONE).plus({ seconds: 10 }).startOf('second');
    configDir = writeTeamConfig();
    bridges.push(await startTestBridge({ config: loadBridgeConfig(configDir, {}), prefix }));
  });
  after(async () => Promise.all(bridges.map((bridge) => bridge.close())));

  it('sends bram the open issues once, at the handover, however often it is planned', async () => {
    const { headers, body } = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea/issue-opened.json'), 'utf8')) as { headers: Record<string, string>; body: Record<string, Record<string, unknown>> };
    const now = DateTime.now().toISO({ suppressMilliseconds: true });
    Object.assign(body.issue!, { id: 9901, number: 901, title: 'Facturen blijven hangen', created_at: now, updated_at: now, labels: [{ id: 1, name: 'priority/1' }], html_url: `https://gitea.example.com/${REPO}/issues/901` });
    Object.assign(body.repository!, { full_name: REPO });
    body.number = 901 as never;
    const raw = Buffer.from(JSON.stringify(body));
    const answer = await postRaw(`${bridges[0]!.url}/webhooks/gitea-demo`, raw, { ...headers, 'x-gitea-delivery': randomUUID(), ...trackerConnectors.gitea.sign(SECRET, raw) });
    expect(answer.status).to.equal(202);
    await waitForState(bridges[0]!, 'gitea-demo', `${REPO}#901`, (state) => state.sla.covered);
    // A second bridge on the same Redis plans the same handover at its start.
    bridges.push(await startTestBridge({ config: loadBridgeConfig(configDir, {}), prefix }));

    const summary = await waitFor('the handover summary', () => received.find((text) => text.includes('Duty handover')), { timeoutMs: 25_000 });
    expect(Date.now()).to.be.at.least(handoverAt.toMillis());
    const [mention, headline, issue] = summary.split('\n');
    expect(mention).to.equal('On duty: @bram');
    expect(headline).to.match(/^🔁 \*\*Duty handover: Bram is on duty until \w{3} \d+ \w+ \d{2}:\d{2}\*\*: Duty desk /);
    expect(headline!.replace(/\\/g, ""), summary).to.include(`${REPO}#901 Facturen blijven hangen (Odoo Customer, reaction time): breach in `);
    expect(issue).to.equal(undefined);

    // Planned again after a reload on both bridges: the mark says it was sent.
    for (const bridge of bridges) expect((await bridge.reload(() => loadBridgeConfig(configDir, {}))).applied).to.equal(true);
    const redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    try {
      const jobId = dutyHandoverJobId('desk', handoverAt.toMillis(), 'bram');
      expect(await redis.exists(dutyHandoverSentKey(prefix, jobId))).to.equal(1);
      const handovers = new Queue(DUTY_HANDOVER_QUEUE, { connection: redis, prefix });
      const chat = new Queue(chatQueueName('desk'), { connection: redis, prefix });
      expect(await (await handovers.getJob(jobId))?.getState()).to.equal('completed');
      await waitUntil('the desk chat queue to be empty', () => chat.getJobCounts('waiting', 'active', 'delayed'), (counts) => Object.values(counts).every((count) => count === 0));
      await Promise.all([handovers.close(), chat.close()]);
    } finally {
      redis.disconnect();
    }
    expect(received.filter((text) => text.includes('Duty handover'))).to.have.length(1);
  });
});
