/**
 * The duty rota's teams as groups of metric conditions, through a real bridge: `assigned_to_group:
 * <team>` and `comment_by:group:<team>` meet the team's members by their tracker names and e-mail
 * addresses, and a contract's own line of the same name is looked up before a team.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { teamGroups } from '../../src/app/team-groups.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { commentCreated, issueCreated } from '../support/jira-payloads.js';
import { writeConfig } from '../support/temp-config.js';

const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');

const team = (id: string, serves: string, members: string) => `name: ${id}
calendar: round-the-clock
serves: ${serves}
handover: { summary: false }
members:
${members}
rota:
  rotation: { every: 1 working day, order: [${/id: (\w+)/.exec(members)![1]}], starting: 2026-01-01 }
`;

function teamConfig() {
  const files = Object.fromEntries(['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]));
  const contract = `customer: Desk Customer
calendar: round-the-clock
covers:
  - { source: jira-demo, project: MB }
policies:
  reaction: 1w
lines:
  second: { members: [carla] }
metrics:
  desk-reaction:
    start: ["assigned_to_group:desk"]
    stop: ["comment_by:group:desk"]
    targets: 1h
  second-watch:
    start: ["assigned_to_group:second"]
    stop: [resolved]
    targets: 1h
`;
  const dir = writeConfig({
    ...files,
    'contracts/desk.yaml': contract,
    'teams/desk.yaml': team('desk', '{ contracts: [desk] }', '  - { id: anna, name: Anna, email: anna@megabite.example, tracker: { jira-demo: [Anna] } }'),
    // A team of the same name as the contract's line: the line wins.
    'teams/second.yaml': team('second', '{ sources: [jira-demo] }', '  - { id: bob, name: Bob, tracker: { jira-demo: [Bob] } }'),
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const metric = (state: IssueState, name: string) => (state.sla.covered ? state.sla.custom?.find((status) => status.metric === name) : undefined);

describe("the rota's teams as groups of metric conditions", function () {
  this.timeout(30_000);
  const config = teamConfig();
  let bridge: TestBridge;

  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }
  const assigned = <T extends { issue: { fields: Record<string, unknown> } }>(payload: T, name: string) => {
    payload.issue.fields.assignee = { accountId: `acc-${name}`, displayName: name };
    return payload;
  };

  before(async () => {
    bridge = await startTestBridge({ config });
  });
  after(async () => bridge?.close());

  it('a team is its members’ tracker names and e-mail addresses', () => {
    const groups = teamGroups(config.teams)!;
    expect([...groups('desk')!]).to.deep.equal(['anna', 'anna@megabite.example']);
    expect([...groups('second')!]).to.deep.equal(['bob']);
    expect(groups('nobody')).to.equal(undefined);
  });

  it('starts on an assignment to a team member and stops on her comment', async () => {
    const created = DateTime.now().startOf('second').minus({ minutes: 10 });
    const fields = { created: created.toISO()!, id: '90001', key: 'MB-901' };
    await send(assigned(issueCreated(fields), 'Anna'));
    const started = await waitForState(bridge, 'jira-demo', '90001', (state) => metric(state, 'desk-reaction')?.state === 'running');
    expect(metric(started, 'desk-reaction')?.startedAt).to.equal(created.toMillis());
    await send(assigned(commentCreated(fields, created.plus({ minutes: 4 }).toISO()!, { name: 'Anna', email: 'anna@megabite.example' }), 'Anna'));
    const met = await waitForState(bridge, 'jira-demo', '90001', (state) => metric(state, 'desk-reaction')?.state === 'met');
    expect(metric(met, 'desk-reaction')).to.deep.include({ elapsedMs: 4 * 60_000 });
  });

  it("looks up the contract's line before a team of the same name", async () => {
    const created = DateTime.now().startOf('second').minus({ minutes: 5 });
    await send(assigned(issueCreated({ created: created.toISO()!, id: '90002', key: 'MB-902' }), 'Bob'));
    await send(assigned(issueCreated({ created: created.toISO()!, id: '90003', key: 'MB-903' }), 'Carla'));
    const line = await waitForState(bridge, 'jira-demo', '90003', (state) => metric(state, 'second-watch') !== undefined);
    expect(metric(line, 'second-watch')?.state).to.equal('running');
    const bob = await waitForState(bridge, 'jira-demo', '90002', (state) => metric(state, 'second-watch') !== undefined);
    expect(metric(bob, 'second-watch')?.state).to.equal('not_started');
    expect(metric(bob, 'desk-reaction')?.state).to.equal('not_started');
  });
});
