/**
 * Hours approved by the reporter's note, end to end: a contract whose card is approved by a
 * comment of the issue's reporter holding `akkoord`. Jira Cloud webhooks through the real app on a
 * real Redis: the issue (reported by it@customer.example), a worklog, then comments. The webhook
 * path marks the keyword (the text is not kept) and the status API shows what still waits.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from '../support/bridge-harness.js';
import { commentCreated, issueCreated, jiraTime } from '../support/jira-payloads.js';
import { writeConfig } from '../support/temp-config.js';
import { waitUntil } from '../support/wait-for.js';

const SECRET = 'hours-note-secret';
const TOKEN = 'hours-note-token';

function config() {
  const dir = writeConfig({
    'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/jira-demo.yaml': `kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: [${SECRET}]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\nagents:\n  domains: [megabite.example]\n`,
    'contracts/card.yaml': `customer: Approving Customer
calendar: round
covers:
  - { source: jira-demo, project: MB }
policies:
  reaction: none
hours:
  purchases:
    - { hours: 10, date: ${DateTime.now().setZone('Europe/Amsterdam').minus({ days: 1 }).toISODate()}, reference: INV-8 }
  approval: { by: reporter_note, keyword: Akkoord }
`,
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hours approved by the reporter\'s note', function () {
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
  const note = (fields: { id: string; key: string; created: string }, at: DateTime, author: { email: string; name: string }, text: string, id: string) => {
    const delivery = commentCreated(fields, at.toISO()!, author, id);
    return { ...delivery, comment: { ...delivery.comment, body: text } };
  };
  const pending = async () => {
    const status = (await (await fetch(`${bridge.url}/api/hours/card`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { pendingApprovals: { issueKey: string }[] };
    return status.pendingApprovals.map((entry) => entry.issueKey).sort();
  };

  it('approves on the reporter\'s comment holding the keyword, in any case, and not on anyone else\'s', async () => {
    const now = DateTime.now().setZone('Europe/Amsterdam');
    const created = now.minus({ minutes: 30 }).toISO()!;
    const byReporter = { id: '41001', key: 'MB-51', created, summary: 'approved by the reporter' };
    const byAgent = { id: '41002', key: 'MB-52', created, summary: 'the agent says akkoord' };
    const withoutKeyword = { id: '41003', key: 'MB-53', created, summary: 'the reporter says thanks' };
    for (const fields of [byReporter, byAgent, withoutKeyword]) {
      await post(issueCreated(fields));
      const at = now.minus({ minutes: 20 });
      await post({ timestamp: at.toMillis(), webhookEvent: 'worklog_created', worklog: { id: `w${fields.id}`, issueId: fields.id, author: { accountId: 'acc-ann', displayName: 'Ann' }, created: jiraTime(at.toISO()!), updated: jiraTime(at.toISO()!), timeSpentSeconds: 1800 } });
    }
    await waitUntil('all three waiting for approval', pending, (keys) => keys.length === 3);

    const reporter = { email: 'it@customer.example', name: 'customer' };
    await post(note(byReporter, now.minus({ minutes: 10 }), reporter, 'AKKOORD met de uren, dank je.', '20001'));
    await post(note(byAgent, now.minus({ minutes: 10 }), { email: 'ann@megabite.example', name: 'ann' }, 'Akkoord van de klant gekregen per telefoon.', '20002'));
    await post(note(withoutKeyword, now.minus({ minutes: 10 }), reporter, 'Dank je wel!', '20003'));
    await waitForIdleQueue(bridge);

    expect(await pending()).to.deep.equal(['MB-52', 'MB-53']);
    const state = await bridge.store.loadEvents('jira-demo', '41001');
    const comment = state.find((event) => event.type === 'commented') as { keywords?: string[]; text?: unknown } | undefined;
    expect(comment?.keywords, 'the keyword is marked').to.deep.equal(['akkoord']);
    expect(JSON.stringify(state), 'the text is not kept').to.not.include('dank je');
  });
});
