/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core, over a
 * real bridge. Every page is a fresh browser context (no cookies). Screenshots are saved as
 * test-artifacts/dashboard.png and test-artifacts/queue-board.png.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { trackerConnectors } from '../connectors/registry.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { issueCreated } from './support/jira-payloads.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

const TOKEN = 'dashboard-token';
// From the real clock (test-clock.ts): the issues' timers stay pending instead of firing in a loop.
const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
// Chromium's background services would try the (closed) network at every start.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const artifact = (name: string) => {
  const artifacts = path.join(projectRoot(), 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, name);
};

describe('dashboard in Chromium', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let browser: Browser;

  /** A page in a new context that never leaves the bridge (bull-board links a web font), recording what it sends. */
  async function freshPage(): Promise<{ page: Page; sent: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, timezoneId: 'America/New_York' });
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.method()} ${request.url()} ${JSON.stringify(request.headers())}${request.url().endsWith('/api/session') ? '' : ` ${request.postData() ?? ''}`}`));
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    return { page, sent };
  }

  /** The token is in no cookie, no storage, nothing the page shows and no request but the login. */
  async function expectTokenNowhere(page: Page, sent: string[]): Promise<void> {
    for (const cookie of await page.context().cookies()) expect(cookie.value).to.not.include(TOKEN);
    expect(String(await page.evaluate('JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])'))).to.not.include(TOKEN);
    expect(await page.content()).to.not.include(TOKEN);
    expect(page.url()).to.not.include(TOKEN);
    expect(sent.join('\n')).to.not.include(TOKEN);
  }

  before(async () => {
    bridge = await startTestBridge({ apiToken: TOKEN, now: () => NOW.toMillis() });
    for (const [id, key, hoursBefore] of [
      ['10201', 'MB-201', 1], // running
      ['10202', 'MB-202', 2.5], // at risk
      ['10203', 'MB-203', 4.5], // breached 30 min ago
    ] as const) {
      const at = NOW.minus({ hours: hoursBefore }).toISO()!;
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

  it("shows a 2Value hours card with its balance, negative and marked when overdrawn", async () => {
    // MantisBT's note with 1:30 booked (plugin 1.2), on work the Pro tier bills per strip.
    const fixture = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/mantis/04-note-developer-public.json'), 'utf8')) as { headers: Record<string, string>; body: Record<string, any> };
    fixture.body.issue.category = 'Content migratie';
    const raw = Buffer.from(JSON.stringify(fixture.body));
    const headers = { ...fixture.headers, ...trackerConnectors.mantis.sign(DEMO_SECRETS.MANTIS_WEBHOOK_SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/mantis-demo`, raw, headers)).status).to.equal(202);
    await waitForIdleQueue(bridge);
    const { page } = await freshPage();
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    const balance = page.locator('section[data-contract="2value-pro"] .hours-balance');
    await balance.waitFor();
    expect(await balance.textContent()).to.equal('-1h30m');
    expect(await balance.getAttribute('class')).to.equal('hours-balance breached');
    expect(await page.locator('section[data-contract="2value-basic"] .hours-balance').textContent()).to.equal('0h');
    await page.screenshot({ path: artifact('dashboard-hours.png'), fullPage: true });
  });

  it('shows open issues per contract by time to breach, coloured by risk, with the compliance chart', async () => {
    const { page, sent } = await freshPage();
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
    // Open2Bizz's uptime target this month (no P1 of theirs here), Mega Bite's two recurring obligations (nothing opened: jira-demo has no token here).
    expect(await page.textContent('section[data-contract="open2bizz-saas"] p.availability')).to.match(/^Availability \d{4}-\d{2}: 100% \(target 99\.9%\), 0\.0 of 4\d\.\d{1,2} minutes of downtime used$/);
    expect(await page.locator('section[data-contract="megabite-standard"] tr.obligation td:first-child').allTextContents()).to.deep.equal(['Preventieve onderhoudssessie netwerk', 'Back-up- en noodstroomlogs uitlezen']);
    // Under an hour the clock shows seconds, counted from the bridge's (injected) now.
    expect(await rows.first().locator('td.clock').textContent()).to.match(/^30m 0\ds overdue$/);
    // In the contract's zone, whatever the browser's (New York here): e.g. "30 Nov 2026, 09:30".
    const shown = String(await rows.first().locator('td').nth(4).textContent());
    const deadline = NOW.minus({ minutes: 30 });
    const parts = /^(\d{1,2}) ([A-Z][a-z]{2,3}) (\d{4}), (\d{2}:\d{2}) Europe\/Amsterdam$/.exec(shown);
    expect(parts, shown).to.not.equal(null);
    // Month names as the browser's ICU writes them ("Sep" or "Sept"): compared by their first three letters.
    expect([Number(parts![1]), parts![2]!.slice(0, 3), Number(parts![3]), parts![4]], shown).to.deep.equal([deadline.day, deadline.setLocale('en').toFormat('LLL'), deadline.year, deadline.toFormat('HH:mm')]);
    expect(await page.isVisible('#login')).to.equal(false);
    // The token from the address was traded for the session cookie and is gone from the address.
    expect(page.url()).to.equal(`${bridge.url}/dashboard`);
    await expectTokenNowhere(page, sent);
    await page.screenshot({ path: artifact('dashboard.png'), fullPage: true });
  });

  it('asks for the token, logs in with it, and the queue-board link opens bull-board on the session cookie alone', async () => {
    const { page, sent } = await freshPage();
    await page.goto(`${bridge.url}/dashboard`);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.textContent('#error')).to.equal('');
    expect(await page.isVisible('#queues')).to.equal(false);
    await page.fill('#token', TOKEN);
    await page.click('#login button');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.inputValue('#token')).to.equal('');
    const [session] = await page.context().cookies();
    expect(session).to.deep.include({ name: 'sla_bridge_session', httpOnly: true, sameSite: 'Strict', path: '/', secure: false });

    expect(await page.isVisible('#queues')).to.equal(true);
    expect(await page.textContent('#queues')).to.equal('Queue board');
    await page.click('#queues');
    await page.waitForURL(`${bridge.url}/api/queues/`);
    // The shipped config names no channel: the one chat queue is the console's.
    for (const queue of ['sla-ingest', 'sla-timers', 'sla-notify', 'sla-chat-console', 'sla-write-back', 'sla-reconcile', 'sla-retention', 'sla-obligations', 'sla-availability']) {
      await page.getByText(queue, { exact: true }).first().waitFor();
    }
    expect(sent.filter((request) => /"authorization"/i.test(request))).to.deep.equal([]);
    await expectTokenNowhere(page, sent);
    await page.screenshot({ path: artifact('queue-board.png') });
  });

  it('logs out: the form comes back and the cookie opens nothing any more', async () => {
    const { page } = await freshPage();
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.textContent('#error')).to.equal('Logged out.');
    expect(await page.isVisible('#queues')).to.equal(false);
    expect(await page.context().cookies()).to.deep.equal([]);
    expect((await page.goto(`${bridge.url}/api/queues/`))!.status()).to.equal(401);
  });

  it('says so when the token is wrong, and asks again', async () => {
    const { page } = await freshPage();
    await page.goto(`${bridge.url}/dashboard#token=wrong`);
    await page.waitForSelector('#error:not(:empty)');
    expect(await page.textContent('#error')).to.equal("Not logged in: wrong token: it is not the bridge's SLA_BRIDGE_API_TOKEN.");
    expect(await page.isVisible('#login')).to.equal(true);
    expect(await page.context().cookies()).to.deep.equal([]);
  });
});
