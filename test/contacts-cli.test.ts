/**
 * Through the built bin (`npm run build` first), as an operator runs it: `validate` refuses a
 * contract with more authorized contacts than its maximum, naming file and path, and `report`
 * prints the contacts and sign-off sections of the shipped contracts from the bridge's Redis.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from './support/bridge-harness.js';
import { report, runCli } from './support/cli-process.js';
import { issueCreated } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';

describe('sla-bridge validate and report: contacts and sign-off', function () {
  this.timeout(60_000);

  it('validate refuses four contacts where the contract allows three, naming file, path and line', () => {
    const people = ['anna', 'bob', 'carl', 'dora'].map((name) => `    - { name: ${name}, ids: { gitea-demo: [${name}] } }`).join('\n');
    const dir = writeConfig({
      'calendars/office.yaml': OFFICE_CALENDAR,
      'contracts/acme.yaml': `customer: ACME\ncalendar: office\ncovers:\n  - { source: gitea-demo, project: acme/app }\npolicies:\n  reaction: 2h\ncontacts:\n  max: 3\n  people:\n${people}\n`,
    });
    const result = runCli(['validate', '--config', dir], {});
    expect(result.code).to.equal(1);
    expect(result.err).to.include(`${path.join(dir, 'contracts/acme.yaml')}: contacts.people: lists 4 authorized contacts, more than contacts.max (3) (line 10)`);
  });

  describe('report', () => {
    let bridge: TestBridge;
    let redisUrl: string;
    const now = DateTime.now().setZone('Europe/Amsterdam');

    before(async () => {
      redisUrl = (await sharedRedis()).url;
      bridge = await startTestBridge({});
      const raw = Buffer.from(JSON.stringify(issueCreated({ created: now.minus({ minutes: 5 }).toISO()!, id: '70401', key: 'MB-741', priority: 'Low' })));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
      expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
      for (const name of ['01-issue-reported.json', '08-status-resolved.json']) {
        const { headers: recorded, body } = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/mantis', name), 'utf8')) as { headers: Record<string, string>; body: unknown };
        const bytes = Buffer.from(JSON.stringify(body));
        expect((await postRaw(`${bridge.url}/webhooks/mantis-demo`, bytes, { ...recorded, ...trackerConnectors.mantis.sign(DEMO_SECRETS.MANTIS_WEBHOOK_SECRET, bytes) })).status).to.equal(202);
      }
      await waitForState(bridge, 'jira-demo', '70401', (state) => state.sla.covered && state.sla.contact !== undefined);
      await waitForState(bridge, 'mantis-demo', '1042', (state) => state.sla.covered && state.sla.signoff?.state === 'awaiting');
    });
    after(async () => bridge.close());

    it('prints the unlisted contacts of Mega Bite, in JSON and CSV', () => {
      const env = { REDIS_URL: redisUrl, SLA_BRIDGE_PREFIX: bridge.prefix };
      const json = report(['--contract', 'megabite-standard', '--month', now.toFormat('yyyy-MM')], env);
      expect(json.code, json.err).to.equal(0);
      const parsed = JSON.parse(json.out) as { contacts: { max: number; unlisted: number; unlistedIssues: { key: string; reporter: string }[] } };
      expect(parsed.contacts).to.deep.include({ max: 1, unlisted: 1 });
      expect(parsed.contacts.unlistedIssues.map((issue) => [issue.key, issue.reporter])).to.deep.equal([['MB-741', 'it@customer.example']]);
      const csv = report(['--contract', 'megabite-standard', '--month', now.toFormat('yyyy-MM'), '--format', 'csv'], env);
      expect(csv.out).to.include('authorized_contacts_max,unlisted_contact_issues,unknown_reporter_issues\n1,1,0\n');
    });

    it('prints the 2Value sign-off section of the MantisBT issue\u2019s month', () => {
      const env = { REDIS_URL: redisUrl, SLA_BRIDGE_PREFIX: bridge.prefix };
      const html = report(['--contract', '2value-pro', '--month', '2026-11', '--format', 'html'], env);
      expect(html.code, html.err).to.equal(0);
      expect(html.out).to.include('<h2>Customer sign-off</h2>');
      const json = JSON.parse(report(['--contract', '2value-pro', '--month', '2026-11'], env).out) as { signoff: Record<string, unknown> };
      expect(json.signoff).to.deep.include({ confirmed: 0, awaiting: 1, overdue: null, target: null, reopenedIssues: 0 });
    });
  });
});
