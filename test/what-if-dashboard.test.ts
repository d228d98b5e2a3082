/**
 * The dashboard's what-if form in Debian's headless Chromium (playwright-core) over an API bridge
 * whose Redis holds seeded issues: logged in by the session cookie, the form sends the typed token
 * as the bearer and shows both sides. Screenshot: test-artifacts/what-if-dashboard.png.
 */
import { expect } from 'chai';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { urlTarget } from '../src/app/store/redis-target.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { spawnRedis, type TestRedis, uniquePrefix } from './support/redis-server.js';
import { shippedConfig } from './support/shipped-config.js';
import { p2 } from './what-if/what-if-cases.js';
import { seedIssues } from './what-if/seed.js';

const TOKEN = 'what-if-dashboard-token';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const O2B = readFileSync(path.join(projectRoot(), 'config/contracts/open2bizz-saas.yaml'), 'utf8');

describe('dashboard: the what-if form in Chromium', function () {
  this.timeout(60_000);
  let redis: TestRedis;
  let client: Redis;
  let bridge: TestBridge;
  let browser: Browser;

  before(async () => {
    redis = await spawnRedis();
    client = new Redis(redis.url);
    const prefix = uniquePrefix('what-if-dash');
    await seedIssues(client, prefix, shippedConfig().contracts.values(), 'gitea-demo', [p2('O2B-1', '2026-03-02T09:00', '2026-03-02T15:00', 'open2bizz/odoo-customer')], Date.now());
    bridge = await startTestBridge({ role: 'api', apiToken: TOKEN, redis: urlTarget(redis.url), prefix });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await bridge?.close();
    client?.disconnect();
    await redis?.stop();
  });

  it("shows both sides and the changed issue, and the API's refusal of a wrong token", async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1100 } });
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    await page.waitForSelector('#what-if-contracts option[value="open2bizz-saas"]', { state: 'attached' });
    await page.fill('#what-if-contract', 'open2bizz-saas');
    await page.fill('#what-if-month', '2026-03');
    await page.fill('#what-if-yaml', O2B.replace('P2: 8h', 'P2: 4h'));

    // A wrong token: the API's answer is shown.
    await page.fill('#what-if-token', 'not-the-token');
    await page.click('#what-if-run');
    await page.waitForFunction("document.getElementById('what-if-error').textContent !== ''");
    expect(await page.textContent('#what-if-error')).to.equal('wrong bearer token');

    await page.fill('#what-if-token', TOKEN);
    await page.click('#what-if-run');
    await page.waitForSelector('#what-if-result[data-loaded="true"]');
    const row = await page.$$eval('#what-if-result tr[data-priority="P2"][data-metric="reaction"] td', (cells) => cells.map((cell) => cell.textContent));
    // metric, then met, breached, on time, median, p90 as it was and as it would have been.
    expect(row).to.deep.equal(['reaction', '1', '0', '100%', '6h', '6h', '0', '1', '0%', '6h', '6h']);
    const change = await page.$$eval('#what-if-result tr.change td', (cells) => cells.map((cell) => cell.textContent));
    expect(change.slice(0, 4)).to.deep.equal(['2026-03', 'O2B-1', 'Issue O2B-1', 'reaction']);
    expect(change[4]).to.match(/^met \(P2\)/);
    expect(change[5]).to.match(/^breached \(P2\) deadline 2026-03-02 13:00/);
    mkdirSync(path.join(projectRoot(), 'test-artifacts'), { recursive: true });
    await page.locator('#what-if').screenshot({ path: path.join(projectRoot(), 'test-artifacts/what-if-dashboard.png') });
  });
});
