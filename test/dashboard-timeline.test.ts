/**
 * The dashboard's timeline of an issue in Debian's headless Chromium (playwright-core), over a
 * real bridge: the issue's row opens the panel, which shows what the explain API says, with its
 * reasons. The issue is placed relative to the bridge's injected clock (test-clock.ts): reported
 * eight days ago on an office calendar and waiting for the customer from two days ago until one
 * day ago, so its clock ran for six days before the pause, which always holds weekday nights and
 * a weekend day, whatever day the test runs. Screenshot: test-artifacts/dashboard-timeline.png.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { Explanation } from '../src/domain/deadline-explanation.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { fieldChanged, issueCreated } from './support/jira-payloads.js';
import { OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';
import { fixtureNow } from './support/test-clock.js';

const TOKEN = 'timeline-token';
const SECRET = 'timeline-secret';
const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function timelineConfig() {
  const dir = writeConfig({
    'calendars/office.yaml': OFFICE_CALENDAR,
    'contracts/office-support.yaml': ['customer: Office Customer', 'calendar: office', 'covers:', '  - { source: jira-demo, project: MB }', 'policies:', '  reaction: { P1: 2w, P2: none, P3: none, P4: none }', ''].join('\n'),
    'sources/jira-demo.yaml': ['kind: jira', 'base_url: https://jira.example.com', 'webhook:', `  secrets: [${SECRET}]`, 'priority:', '  field: priority', '  map: { Highest: P1 }', '  default: P1', 'statuses:', '  paused: [Waiting for customer]', ''].join('\n'),
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dashboard timeline in Chromium', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let browser: Browser;

  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
  }

  before(async () => {
    bridge = await startTestBridge({ config: timelineConfig(), apiToken: TOKEN, now: () => NOW.toMillis() });
    const fields = { created: NOW.minus({ days: 8 }).toISO()!, id: '90001', key: 'MB-901', summary: 'Explain the deadline' };
    await send(issueCreated(fields));
    await send(fieldChanged(fields, NOW.minus({ days: 2 }).toISO()!, 'status', 'Open', 'Waiting for customer'));
    await send(fieldChanged({ ...fields, status: 'Waiting for customer' }, NOW.minus({ days: 1 }).toISO()!, 'status', 'Waiting for customer', 'In Progress', '10102'));
    await waitForIdleQueue(bridge);
    await waitForState(bridge, 'jira-demo', '90001', (state) => state.sla.covered && state.sla.status === 'In Progress');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await bridge?.close();
  });

  it("opens an issue's timeline from its row, with the API's entries and their reasons", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 }, timezoneId: 'America/New_York' });
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.isHidden('#timeline')).to.equal(true);
    await page.click('tr.issue .timeline-open[data-key="MB-901"]');
    await page.waitForSelector('#timeline[data-loaded="MB-901"]');

    const api = (await (await fetch(`${bridge.url}/api/issues/jira-demo/MB-901/explain`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Explanation;
    const rendered = await page.$$eval('#timeline li.timeline-entry', (items) =>
      items.map((item) => ({ kind: item.getAttribute('data-kind'), reason: item.getAttribute('data-reason'), text: item.querySelector('.timeline-text')?.textContent ?? '', time: item.querySelector('time')?.getAttribute('datetime') })),
    );
    // Every entry of the API, in its order, and nothing else.
    expect(rendered).to.deep.equal(api.timeline.map((entry) => ({ kind: entry.kind, reason: entry.reason ?? null, text: entry.text, time: entry.at })));
    const reasons = rendered.map((entry) => entry.reason ?? '');
    expect(reasons).to.include('status "Waiting for customer"');
    expect(reasons.some((reason) => reason.split(', ').includes('weekend')), reasons.join(' | ')).to.equal(true);
    expect(reasons.some((reason) => reason.split(', ').includes('outside office hours')), reasons.join(' | ')).to.equal(true);
    // The pause is shown where it began, in the contract's zone (the browser is in New York).
    const pause = await page.textContent('#timeline li.timeline-entry[data-kind="paused"]');
    const pausedAt = NOW.minus({ days: 2 }).setZone('Europe/Amsterdam');
    expect(pause).to.include(pausedAt.toFormat('d LLL'));
    expect(pause).to.include(pausedAt.toFormat('HH:mm'));
    expect(pause).to.include('clock paused: status "Waiting for customer" until');
    const short = await page.textContent('#timeline li.timeline-short[data-metric="reaction"]');
    expect(short).to.include(api.metrics[0]!.short);
    expect(short).to.include('paused');

    const artifacts = path.join(projectRoot(), 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'dashboard-timeline.png'), fullPage: true });
    await page.close();
  });

  it('keeps an open timeline up to date when a webhook changes the issue, without a click', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    await page.waitForSelector('body[data-live="on"]');
    await page.click('tr.issue .timeline-open[data-key="MB-901"]');
    await page.waitForSelector('#timeline[data-loaded="MB-901"]');
    const pausesBefore = await page.$$eval('#timeline li.timeline-entry[data-kind="paused"]', (items) => items.length);
    const fields = { created: NOW.minus({ days: 8 }).toISO()!, id: '90001', key: 'MB-901', summary: 'Explain the deadline', status: 'In Progress' };
    await send(fieldChanged(fields, NOW.minus({ minutes: 30 }).toISO()!, 'status', 'In Progress', 'Waiting for customer', '10103'));
    await page.waitForFunction(`document.querySelectorAll('#timeline li.timeline-entry[data-kind="paused"]').length > ${pausesBefore}`, undefined, { timeout: 15_000 });
    expect(await page.isVisible('#timeline'), 'the panel stays open').to.equal(true);
    await page.close();
  });
});
