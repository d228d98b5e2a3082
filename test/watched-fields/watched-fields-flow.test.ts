/**
 * Custom fields the contracts read, end to end through Jira Cloud webhooks, the real app and a
 * real Redis: hours approved by a select field ("Hours approved" = Approved), and an outage's
 * "Down since" and "Service restored" date-time fields deciding the month's downtime.
 *
 * The changelog items have the shape Jira Cloud sends for custom fields (fieldtype "custom",
 * fieldId customfield_N; a select's `to` is the option id and `toString` its value; a date-time's
 * `to` its ISO form), as documented for the changelog's ChangeDetails and seen in recorded
 * Sprint items (test/fixtures/jira/README.md).
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from '../support/bridge-harness.js';
import { issueCreated, jiraTime } from '../support/jira-payloads.js';
import { writeConfig } from '../support/temp-config.js';
import { waitUntil } from '../support/wait-for.js';

const SECRET = 'watched-fields-secret';
const TOKEN = 'watched-fields-token';
const ZONE = 'Europe/Amsterdam';
const MINUTE = 60_000;
const APPROVED = 'customfield_10070';
const DOWN_SINCE = 'customfield_10071';
const RESTORED = 'customfield_10072';

function config() {
  const dir = writeConfig({
    'calendars/round.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
    'sources/jira-demo.yaml': `kind: jira
base_url: https://jira.example.com
webhook:
  secrets: [${SECRET}]
priority:
  field: priority
  map: { Highest: P1 }
  default: P3
statuses: { resolved: [Done] }
watched_fields:
  hours_approved: ${APPROVED}
  down_since: ${DOWN_SINCE}
  restored_at: ${RESTORED}
`,
    'contracts/card.yaml': `customer: Watching Customer
calendar: round
covers:
  - { source: jira-demo, project: MB }
policies:
  reaction: none
hours:
  purchases:
    - { hours: 10, date: ${DateTime.now().setZone(ZONE).minus({ months: 2 }).toISODate()}, reference: INV-9 }
  approval: { by: field, field: hours_approved, values: [Approved, Akkoord] }
availability: { target: 99.9%, down_since_field: down_since, restored_field: restored_at }
`,
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Fields {
  readonly id: string;
  readonly key: string;
  readonly created: string;
  readonly summary: string;
  readonly priority?: string;
}

describe('custom fields the contracts read (watched_fields), through Jira webhooks', function () {
  this.timeout(30_000);
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge({ config: config(), apiToken: TOKEN });
  });
  after(async () => {
    await bridge?.close();
  });

  const post = async (body: unknown) => {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
  };
  const get = async <T>(path: string) => (await (await fetch(`${bridge.url}/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;
  const created = (fields: Fields, custom: Record<string, unknown>) => {
    const delivery = issueCreated(fields);
    return { ...delivery, issue: { ...delivery.issue, fields: { ...delivery.issue.fields, ...custom } } };
  };
  /** An update of one custom field; `issue` shows the issue after it, as Jira's payloads do. */
  const customChanged = (fields: Fields, at: DateTime, custom: Record<string, unknown>, item: Record<string, unknown>) => {
    const delivery = created(fields, custom);
    return { ...delivery, timestamp: at.toMillis(), webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_updated', changelog: { id: randomUUID(), items: [{ fieldtype: 'custom', ...item }] } };
  };
  const worklog = (fields: Fields, at: DateTime) => ({
    timestamp: at.toMillis(),
    webhookEvent: 'worklog_created',
    worklog: { id: `w${fields.id}`, issueId: fields.id, author: { accountId: 'acc-ann', displayName: 'Ann' }, created: jiraTime(at.toISO()!), updated: jiraTime(at.toISO()!), timeSpentSeconds: 1800 },
  });

  it('approves booked hours when the select field takes an approving value, and not another', async () => {
    const now = DateTime.now().setZone(ZONE);
    const approved = { id: '51001', key: 'MB-61', created: now.minus({ minutes: 30 }).toISO()!, summary: 'approved in the field', priority: 'Medium' };
    const rejected = { id: '51002', key: 'MB-62', created: now.minus({ minutes: 30 }).toISO()!, summary: 'rejected in the field', priority: 'Medium' };
    for (const fields of [approved, rejected]) {
      await post(created(fields, { [APPROVED]: null }));
      await post(worklog(fields, now.minus({ minutes: 20 })));
    }
    const pending = async () => (await get<{ pendingApprovals: { issueKey: string }[] }>('/hours/card')).pendingApprovals.map((entry) => entry.issueKey).sort();
    await waitUntil('both waiting for approval', pending, (keys) => keys.length === 2);

    const select = (value: string, optionId: string) => ({ [APPROVED]: { self: `https://jira.example.com/rest/api/2/customFieldOption/${optionId}`, value, id: optionId } });
    const item = (value: string, optionId: string) => ({ field: 'Hours approved', fieldId: APPROVED, from: null, fromString: null, to: optionId, toString: value });
    await post(customChanged(approved, now.minus({ minutes: 10 }), select('Approved', '10101'), item('Approved', '10101')));
    await post(customChanged(rejected, now.minus({ minutes: 10 }), select('Rejected', '10102'), item('Rejected', '10102')));
    await waitForIdleQueue(bridge);

    expect(await pending()).to.deep.equal(['MB-62']);
    const events = await bridge.store.loadEvents('jira-demo', '51001');
    expect(events.filter((event) => event.type === 'field_changed')).to.deep.include({ type: 'field_changed', at: now.minus({ minutes: 10 }).toMillis(), field: 'hours_approved', value: 'Approved' });
  });

  it("counts an outage from its stated down-since to its stated restore, not from the report to the resolution", async () => {
    // Last month, so the outage is over and inside one month whenever the test runs.
    const month = DateTime.now().setZone(ZONE).minus({ months: 1 }).startOf('month');
    const reported = month.plus({ days: 9, hours: 10 });
    const downSince = reported.minus({ minutes: 90 });
    const restored = reported.plus({ minutes: 25 });
    const incident = { id: '51003', key: 'MB-63', created: reported.toISO()!, summary: 'mail server down', priority: 'Highest' };
    await post(created(incident, { [DOWN_SINCE]: jiraTime(downSince.toISO()!), [RESTORED]: null }));
    const restoredAt = jiraTime(restored.toISO()!);
    await post(customChanged(incident, reported.plus({ minutes: 40 }), { [DOWN_SINCE]: jiraTime(downSince.toISO()!), [RESTORED]: restoredAt }, { field: 'Service restored', fieldId: RESTORED, from: null, fromString: null, to: restoredAt, toString: restored.toFormat('dd/LLL/yy h:mm a') }));
    await waitForIdleQueue(bridge);

    const report = await get<{ availability: { downtimeMs: number; incidents: { key: string; downtimeMs: number; open: boolean }[] } }>(`/reports/card/${month.toFormat('yyyy-MM')}`);
    expect(report.availability.incidents).to.deep.equal([{ source: 'jira-demo', key: 'MB-63', url: 'https://jira.example.com/browse/MB-63', downtimeMs: 115 * MINUTE, open: false }]);
    expect(report.availability.downtimeMs).to.equal(115 * MINUTE);
  });
});
