/**
 * Functional escalation on MantisBT, 2Value's tracker: the plugin's recorded `issue_reported`
 * (test/fixtures/mantis), given to the second line's pbakker and stamped now, breaches the line's
 * handover; the bridge PATCHes the handler to the third line's rob through MantisBT's REST API
 * (nock at mantis.example.com). MantisBT sends no webhook for a REST update, so the bridge's own
 * record of the assignment is what starts the third line's handover.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { writeConfig } from '../support/temp-config.js';

const SECRET = 'mantis-lines-secret';

const config = loadBridgeConfig(
  writeConfig({
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'contracts/amarant.yaml': `customer: Amarant
calendar: round-the-clock
covers:
  - { source: mantis-demo, project: amarant-intranet }
policies:
  reaction: 1w
lines:
  second-application:
    members: [pbakker]
    handover: { P1: 2s, P2: 1h, P3: 1h, P4: none }
    escalate: { to: third, assign: true }
  third:
    members: [rob]
    handover: 1h
`,
    'sources/mantis-demo.yaml': `kind: mantis
base_url: https://mantis.example.com
webhook: { secrets: [${SECRET}] }
api: { token: mantis-lines-token }
priority: { field: priority, map: { urgent: P1 }, default: P1 }
statuses: { resolved: [resolved, closed], paused: [feedback] }
agents: { min_access_level: 55 }
`,
  }),
  {},
);

const handover = (state: IssueState, line: string) => (state.sla.covered ? state.sla.custom?.find((status) => status.metric === `handover-${line}`) : undefined);

describe('functional escalation on MantisBT', function () {
  this.timeout(30_000);
  const patches: unknown[] = [];
  let bridge: TestBridge;

  interceptHttp();

  before(async () => {
    nock('https://mantis.example.com')
      .persist()
      .patch('/api/rest/issues/1042', (body) => {
        patches.push(body);
        return true;
      })
      .matchHeader('authorization', 'mantis-lines-token')
      .reply(200, { issues: [{ id: 1042 }] });
    bridge = await startTestBridge({ config });
  });
  after(async () => bridge?.close());

  it('hands the issue to the third line with one PATCH and starts its handover from the bridge’s own record', async () => {
    const { headers, body } = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/mantis/01-issue-reported.json'), 'utf8')) as { headers: Record<string, string>; body: { timestamp: number; issue: Record<string, unknown> } };
    const now = Math.floor(Date.now() / 1000) * 1000;
    body.timestamp = now;
    Object.assign(body.issue, { created_at: now - 1000, updated_at: now - 1000, handler: { id: 12, name: 'pbakker', real_name: 'Pieter Bakker', email: 'p.bakker@2value.nl', access_level: 55 } });
    const raw = Buffer.from(JSON.stringify(body));
    const answer = await postRaw(`${bridge.url}/webhooks/mantis-demo`, raw, { ...headers, ...trackerConnectors.mantis.sign(SECRET, raw) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);

    const state = await waitForState(bridge, 'mantis-demo', '1042', (candidate) => candidate.sla.covered && candidate.sla.assignee === 'rob', 20_000);
    expect(patches).to.deep.equal([{ handler: { name: 'rob' } }]);
    expect(handover(state, 'third')).to.deep.include({ state: 'running' });
    expect(handover(state, 'second-application')?.state).to.equal('cancelled');
  });
});
