/**
 * Authorized contacts through the real express app on a real Redis: Gitea deliveries (the
 * recorded fixtures, whose `issue.user` and `sender` are Gitea's own fields) from a reporter the
 * contract does not list are tracked and flagged in the status API, the chat message (a webhook
 * channel, nock at its host), the dashboard's data and the monthly report; under
 * `unlisted_clock: on_acceptance` the clock starts when an agent's assignment arrives.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'contacts-flow-token';
const SECRET = 'contacts-flow-secret';
const ZONE = 'Europe/Amsterdam';

const contract = (id: string, project: string, clock: string) => `
id: ${id}
customer: Odoo Customer ${id}
calendar: round-the-clock
covers:
  - { source: gitea-demo, project: ${project} }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
policies:
  reaction: { P1: 3s, P2: 1w, P3: 1w, P4: 1w }
warnings: ["50%"]
notify: { warnings: [managers], breaches: [managers] }
contacts:
  max: 3
  unlisted_clock: ${clock}
  people:
    - { name: Anna (placeholder), ids: { gitea-demo: [anna] } }
`;

const configDir = writeConfig({
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/as-usual.yaml': contract('odoo-as-usual', 'open2bizz/odoo-customer', 'as_usual'),
  'contracts/on-acceptance.yaml': contract('odoo-strict', 'open2bizz/strict', 'on_acceptance'),
  'sources/gitea-demo.yaml': `kind: gitea
base_url: https://gitea.example.com
webhook: { secrets: [${SECRET}] }
priority: { field: labels, map: { priority/1: P1, priority/2: P2 }, default: P4 }
agents: { users: [open2bizz-support] }
`,
  'channels/managers.yaml': 'kind: webhook\nsettings: { url: "https://chat.example.com/hooks/sla", insecure: true }\n',
});
const config = loadBridgeConfig(configDir, {});

interface Fixture {
  headers: Record<string, string>;
  body: { number?: number; issue: Record<string, unknown>; repository: Record<string, unknown>; sender: Record<string, unknown> };
}
const fixture = (name: string) => JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea', name), 'utf8')) as Fixture;

/** A recorded Gitea delivery moved to another issue number, repository and time. */
function delivery(name: string, number: number, repository: string, created: DateTime, updated = created, priority = 'priority/1') {
  const { headers, body } = fixture(name);
  const stamp = (instant: DateTime) => instant.toISO({ suppressMilliseconds: true });
  body.number = number;
  Object.assign(body.issue, { id: 9000 + number, number, created_at: stamp(created), updated_at: stamp(updated), labels: [{ id: 1, name: priority }], html_url: `https://gitea.example.com/${repository}/issues/${number}` });
  Object.assign(body.repository, { full_name: repository });
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { ...headers, 'x-gitea-delivery': randomUUID(), ...trackerConnectors.gitea.sign(SECRET, raw) } };
}

describe('authorized contacts end to end (Gitea)', function () {
  this.timeout(30_000);
  const chat: { fields: { key: string; value: string }[]; summary: string; notification: { issue: { key: string }; unlistedReporter?: string } }[] = [];
  let bridge: TestBridge;

  interceptHttp();

  before(async () => {
    nock('https://chat.example.com')
      .persist()
      .post('/hooks/sla')
      .reply(function (_uri, body) {
        const parsed = body as { notification: (typeof chat)[number]['notification']; message: { summary: string; fields: { key: string; value: string }[] } };
        chat.push({ ...parsed.message, notification: parsed.notification });
        return [200, 'ok'];
      });
    bridge = await startTestBridge({ config, apiToken: TOKEN });
  });
  after(async () => bridge.close());

  const api = async (route: string) => {
    const response = await fetch(`${bridge.url}/api${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status, route).to.equal(200);
    return response;
  };
  const post = async (sent: { raw: Buffer; headers: Record<string, string> }) => {
    const answer = await postRaw(`${bridge.url}/webhooks/gitea-demo`, sent.raw, sent.headers);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
  };

  it('tracks an issue from an unlisted reporter as usual and flags it in the API, the chat message and the report', async () => {
    // The fixture's reporter is pvandijk, whom the contract does not list.
    const created = DateTime.now().setZone(ZONE).startOf('second');
    await post(delivery('issue-opened.json', 501, 'open2bizz/odoo-customer', created));
    const state = await waitForState(bridge, 'gitea-demo', 'open2bizz/odoo-customer#501', (candidate) => candidate.sla.covered);
    expect(state.sla.covered && state.sla.contact).to.deep.equal({ reporter: 'pvandijk', listed: false, waitsForAcceptance: false });
    expect(state.sla.covered && state.sla.metrics[0]!.state).to.equal('running');

    const { issues } = (await (await api('/issues?contract=odoo-as-usual')).json()) as { issues: { issue: { key: string }; contact?: { flag: string | null; reporter: string } }[] };
    expect(issues.find((entry) => entry.issue.key === 'open2bizz/odoo-customer#501')?.contact).to.deep.include({ flag: 'reported by an unlisted contact', reporter: 'pvandijk' });

    // The 50% warning of the 3 s reaction target comes to the managers' channel with the flag.
    const warning = await waitFor('the warning of #501', () => chat.find((message) => message.notification.issue.key === 'open2bizz/odoo-customer#501'));
    expect(warning.notification.unlistedReporter).to.equal('pvandijk');
    expect(warning.fields.find((field) => field.key === 'reporter')).to.deep.equal({ key: 'reporter', label: 'Reported by', value: 'pvandijk: reported by an unlisted contact' });

    const month = created.toFormat('yyyy-MM');
    const report = (await (await api(`/reports/odoo-as-usual/${month}`)).json()) as { contacts: { max: number; unlisted: number; unlistedIssues: { key: string; reporter: string }[] } };
    expect(report.contacts).to.deep.include({ max: 3, unlisted: 1 });
    expect(report.contacts.unlistedIssues.map((issue) => [issue.key, issue.reporter])).to.deep.equal([['open2bizz/odoo-customer#501', 'pvandijk']]);
    const csv = await (await api(`/reports/odoo-as-usual/${month}?format=csv`)).text();
    expect(csv).to.include('authorized_contacts_max,unlisted_contact_issues,unknown_reporter_issues\n3,1,0\n');
    expect(csv).to.include('gitea-demo,open2bizz/odoo-customer#501,');
    const html = await (await api(`/reports/odoo-as-usual/${month}?format=html`)).text();
    expect(html).to.include('Reported by an unlisted contact: <b>1</b>');
  });

  it('under on_acceptance starts the clock only when an agent assigns the issue', async () => {
    // A P2 (a week's target), so nothing is due while the test runs.
    const created = DateTime.now().setZone(ZONE).startOf('second').minus({ minutes: 10 });
    await post(delivery('issue-opened.json', 502, 'open2bizz/strict', created, created, 'priority/2'));
    const waiting = await waitForState(bridge, 'gitea-demo', 'open2bizz/strict#502', (candidate) => candidate.sla.covered);
    if (!waiting.sla.covered) throw new Error('not covered');
    expect(waiting.sla.contact).to.deep.equal({ reporter: 'pvandijk', listed: false, waitsForAcceptance: true });
    expect(waiting.sla.metrics[0]).to.include({ state: 'not_started', reason: 'starts when an agent accepts the issue (reported by an unlisted contact)' });

    // The fixture's sender, open2bizz-support, is an agent of the source; it assigns rbakker.
    const assignedAt = created.plus({ minutes: 5 });
    await post(delivery('issue-assigned.json', 502, 'open2bizz/strict', created, assignedAt, 'priority/2'));
    const accepted = await waitForState(bridge, 'gitea-demo', 'open2bizz/strict#502', (candidate) => candidate.sla.covered && candidate.sla.metrics[0]!.state === 'running');
    if (!accepted.sla.covered) throw new Error('not covered');
    expect(accepted.sla.metrics[0]!.startedAt).to.equal(assignedAt.toMillis());
    // Still flagged: accepting does not make the reporter an authorized contact.
    expect(accepted.sla.contact?.listed).to.equal(false);
  });

  it('does not flag an issue from a listed contact', async () => {
    const created = DateTime.now().setZone(ZONE).startOf('second').minus({ minutes: 10 });
    const sent = delivery('issue-opened.json', 503, 'open2bizz/strict', created, created, 'priority/2');
    const body = JSON.parse(sent.raw.toString()) as Fixture['body'];
    Object.assign(body.issue, { user: { ...(body.issue.user as object), login: 'Anna', email: 'anna@noreply.gitea.example.com' } });
    const raw = Buffer.from(JSON.stringify(body));
    await post({ raw, headers: { ...sent.headers, ...trackerConnectors.gitea.sign(SECRET, raw) } });
    const state = await waitForState(bridge, 'gitea-demo', 'open2bizz/strict#503', (candidate) => candidate.sla.covered);
    if (!state.sla.covered) throw new Error('not covered');
    expect(state.sla.contact).to.deep.equal({ reporter: 'Anna', listed: true, waitsForAcceptance: false });
    expect(state.sla.metrics[0]!.startedAt).to.equal(created.toMillis());
  });
});
