/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core, over a
 * real bridge. A screenshot is saved as test-artifacts/dashboard.png.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { trackerConnectors } from '../connectors/registry.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { issueCreated } from './support/jira-payloads.js';
import { DEMO_SECRETS } from './support/shipped-config.js';

const TOKEN = 'dashboard-token';
// Chromium's background services would try the (closed) network at every start.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('dashboard in Chromium', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let browser: Browser;

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, now: () => parseLocalIso('2026-11-30T10:00:00+01:00', 'UTC')! });
    for (const [id, key, at] of [
      ['10201', 'MB-201', '2026-11-30T09:00:00+01:00'],
      ['10202', 'MB-202', '2026-11-30T07:30:00+01:00'],
      ['10203', 'MB-203', '2026-11-30T05:30:00+01:00'],
    ] as const) {
      const raw = Buffer.from(JSON.stringify(issueCreated({ created: at, id, key })));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
      expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    }
    await waitForIdleQueue(bridge);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await bridge.close();
  });

  it('shows open issues per contract by time to breach, coloured by risk, with the compliance chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    const rows = page.locator('section[data-contract="megabite-standard"] tr.issue');
    expect(await rows.count()).to.equal(3);
    const classes = await rows.evaluateAll((elements) => elements.map((row) => [row.querySelector('td')!.textContent, row.className]));
    expect(classes).to.deep.equal([
      ['MB-203', 'issue breached'],
      ['MB-202', 'issue at-risk'],
      ['MB-201', 'issue ok'],
    ]);
    expect(await page.locator('section[data-contract="megabite-standard"] a[href="https://jira.example.com/browse/MB-203"]').count()).to.equal(1);
    expect(await page.locator('section[data-contract="open2bizz-saas"] rect.compliance').count()).to.equal(6);
    expect(await rows.first().locator('td').last().textContent()).to.equal('30m overdue');
    // In the contract's zone, whatever the browser's.
    expect(await rows.first().locator('td').nth(4).textContent()).to.equal('30 Nov 2026, 09:30 Europe/Amsterdam');
    expect(await page.isVisible('#login')).to.equal(false);
    const artifacts = path.join(projectRoot(), 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  });

  it('asks again for the token when it is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${bridge.url}/dashboard#token=wrong`);
    await page.waitForSelector('#error:not(:empty)');
    expect(await page.textContent('#error')).to.equal('Wrong or missing API token.');
    expect(await page.isVisible('#login')).to.equal(true);
  });
});
