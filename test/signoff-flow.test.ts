/**
 * The customer's sign-off through the real express app on a real Redis, with the MantisBT
 * plugin's payloads (test/fixtures/mantis: the reporter Jan de Vries, `jdevries`): the issue is
 * reported and resolved, then the reporter's note with the contract's keyword confirms it, which
 * the status API and the monthly report show. The plugin's `note.reporter` and `note.text` are
 * its own field names (connectors/mantis/payload-schema.ts).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from './support/bridge-harness.js';
import { writeConfig, OFFICE_CALENDAR } from './support/temp-config.js';

const TOKEN = 'signoff-flow-token';
const SECRET = 'signoff-flow-secret';

const config = loadBridgeConfig(
  writeConfig({
    'calendars/office.yaml': OFFICE_CALENDAR,
    'contracts/amarant.yaml': `customer: Amarant
calendar: office
covers:
  - { source: mantis-demo, project: amarant-intranet }
policies:
  reaction: 2d
signoff:
  confirmed_by: ["status:closed", "reporter_note:akkoord"]
  within: 2d
`,
    'sources/mantis-demo.yaml': `kind: mantis
base_url: https://mantis.example.com
webhook: { secrets: [${SECRET}] }
priority: { field: priority, map: { high: P2 }, default: P3 }
statuses: { resolved: [resolved, closed], paused: [feedback] }
agents: { min_access_level: 55 }
`,
  }),
  {},
);

type Payload = { event: string; timestamp: number; issue: Record<string, unknown>; note?: Record<string, unknown> };
const fixture = (name: string) => (JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/mantis', name), 'utf8')) as { headers: Record<string, string>; body: Payload });

describe('customer sign-off end to end (MantisBT plugin payloads)', function () {
  this.timeout(30_000);
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge({ config, apiToken: TOKEN });
  });
  after(async () => bridge.close());

  async function post(payload: Payload, headers: Record<string, string>) {
    const raw = Buffer.from(JSON.stringify(payload));
    const answer = await postRaw(`${bridge.url}/webhooks/mantis-demo`, raw, { ...headers, ...trackerConnectors.mantis.sign(SECRET, raw) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
  }

  it('measures the time from the resolution to the reporter\u2019s note with the keyword', async () => {
    const reported = fixture('01-issue-reported.json');
    const resolved = fixture('08-status-resolved.json');
    await post(reported.body, reported.headers);
    await post(resolved.body, resolved.headers);
    const awaiting = await waitForState(bridge, 'mantis-demo', '1042', (state) => state.sla.covered && state.sla.signoff?.state === 'awaiting');
    expect(awaiting.sla.covered && awaiting.sla.signoff?.resolvedAt).to.equal(resolved.body.timestamp);

    // The reporter answers on the resolved issue, an hour later, with the contract's keyword.
    const note = fixture('07-note-reporter.json');
    const confirmedAt = resolved.body.timestamp + 3_600_000;
    const body: Payload = {
      ...note.body,
      timestamp: confirmedAt,
      issue: { ...note.body.issue, status: resolved.body.issue.status, updated_at: confirmedAt },
      note: { ...note.body.note, id: 9001, created_at: confirmedAt, text: 'Akkoord, het werkt weer. Bedankt!' },
    };
    await post(body, note.headers);
    const confirmed = await waitForState(bridge, 'mantis-demo', '1042', (state) => state.sla.covered && state.sla.signoff?.state === 'confirmed');
    if (!confirmed.sla.covered) throw new Error('not covered');
    expect(confirmed.sla.signoff).to.deep.include({ confirmedAt, confirmedBy: 'reporter_note:akkoord', reopened: 0 });

    const api = async (route: string) => (await fetch(`${bridge.url}/api${route}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    const { issues } = (await api('/issues')) as { issues: { issue: { key: string }; signoff?: { state: string } }[] };
    expect(issues.find((entry) => entry.issue.key === '1042')?.signoff).to.deep.include({ state: 'confirmed', confirmedBy: 'reporter_note:akkoord' });
    const month = DateTime.fromMillis(reported.body.timestamp, { zone: 'Europe/Amsterdam' }).toFormat('yyyy-MM');
    const report = (await api(`/reports/amarant/${month}`)) as { signoff: Record<string, unknown> };
    expect(report.signoff).to.deep.include({ confirmed: 1, awaiting: 0, reopenedIssues: 0, target: '2d' });
    expect(report.signoff.medianMs).to.equal(confirmed.sla.signoff!.elapsedMs);
  });
});
