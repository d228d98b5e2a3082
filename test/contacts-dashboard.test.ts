/**
 * The dashboard in Debian's headless Chromium (playwright-core) over a real bridge with the shipped
 * config: a Mega Bite issue reported by someone other than the key employee carries the flag, and
 * a 2Value issue resolved in MantisBT shows as waiting for the customer's sign-off.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { trackerConnectors } from '../connectors/registry.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from './support/bridge-harness.js';
import { issueCreated } from './support/jira-payloads.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

const TOKEN = 'contacts-dashboard-token';
const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('dashboard: unlisted contacts and sign-off, in Chromium', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let browser: Browser;

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, now: () => NOW.toMillis() });
    // The support payload's reporter (it@customer.example) is not Mega Bite's key employee.
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: NOW.minus({ hours: 1 }).toISO()!, id: '10301', key: 'MB-301' })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    for (const name of ['01-issue-reported.json', '08-status-resolved.json']) {
      const { headers: recorded, body } = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/mantis', name), 'utf8')) as { headers: Record<string, string>; body: unknown };
      const bytes = Buffer.from(JSON.stringify(body));
      expect((await postRaw(`${bridge.url}/webhooks/mantis-demo`, bytes, { ...recorded, ...trackerConnectors.mantis.sign(DEMO_SECRETS.MANTIS_WEBHOOK_SECRET, bytes) })).status).to.equal(202);
    }
    await waitForState(bridge, 'jira-demo', '10301', (state) => state.sla.covered && state.sla.contact?.listed === false);
    await waitForState(bridge, 'mantis-demo', '1042', (state) => state.sla.covered && state.sla.signoff?.state === 'awaiting');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await bridge.close();
  });

  it('flags the issue from an unlisted contact and lists the resolution awaiting sign-off', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    const flag = page.locator('section[data-contract="megabite-standard"] tr.issue .unlisted');
    expect(await flag.first().textContent()).to.equal('reported by an unlisted contact');
    expect(await flag.first().getAttribute('title')).to.equal('it@customer.example');
    const signoff = page.locator('section[data-contract="2value-pro"] tr.signoff');
    expect(await signoff.count()).to.equal(1);
    expect(await signoff.locator('td').nth(3).textContent()).to.equal('sign-off');
    expect(await signoff.locator('td').nth(4).textContent()).to.match(/^awaiting the customer since /);
    expect(errors).to.deep.equal([]);
  });
});
