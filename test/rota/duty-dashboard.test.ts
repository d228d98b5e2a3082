/**
 * Who is on duty now and next: GET /api/teams and the dashboard's duty block in Debian's headless
 * Chromium, over a real bridge whose rota gives the current hour to anna and the next to bram
 * (written relative to now).
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.js';
import { writeConfig } from '../support/temp-config.js';

const TOKEN = 'duty-dashboard-token';
const ZONE = 'Europe/Amsterdam';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('who is on duty: API and dashboard', function () {
  this.timeout(60_000);
  const now = DateTime.now().setZone(ZONE).startOf('minute');
  const stamp = (instant: DateTime) => instant.toFormat("yyyy-LL-dd'T'HH:mmZZ");
  const switchAt = now.plus({ hours: 1 });
  let bridge: TestBridge;
  let browser: Browser | undefined;

  before(async () => {
    const dir = writeConfig({
      'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
      'contracts/odoo.yaml': 'customer: Odoo Customer\ncalendar: round-the-clock\ncovers:\n  - { source: gitea-demo, project: o/p }\npolicies:\n  reaction: 1w\n',
      'sources/gitea-demo.yaml': 'kind: gitea\nbase_url: https://gitea.example.com\nwebhook: { secrets: [s3cret-duty] }\npriority: { field: labels, map: {}, default: P4 }\n',
      'teams/desk.yaml': `
name: Duty desk
calendar: round-the-clock
serves: { contracts: [odoo] }
handover: { summary: false }
members:
  - { id: anna, name: Anna, tracker: { gitea-demo: [anna-gitea] } }
  - { id: bram, name: Bram, tracker: { gitea-demo: [bram-gitea] } }
rota:
  rotation: { every: 1 working day, order: [anna, bram], starting: 2026-01-01 }
  overrides:
    - { from: ${stamp(now.minus({ minutes: 1 }))}, until: ${stamp(switchAt)}, person: anna }
    - { from: ${stamp(switchAt)}, until: ${stamp(switchAt.plus({ hours: 1 }))}, person: bram }
`,
    });
    bridge = await startTestBridge({ config: loadBridgeConfig(dir, {}), apiToken: TOKEN });
  });
  after(async () => {
    await browser?.close();
    await bridge?.close();
  });

  it('GET /api/teams names who is on duty now, until when, and who is next', async () => {
    const response = await fetch(`${bridge.url}/api/teams`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).to.equal(200);
    const { teams } = (await response.json()) as { teams: { id: string; now: Record<string, unknown>; next: Record<string, unknown>; members: { tracker: Record<string, string[]> }[] }[] };
    expect(teams.map((team) => team.id)).to.deep.equal(['desk']);
    expect(teams[0]!.now).to.deep.include({ person: 'anna', name: 'Anna', source: 'override', until: switchAt.toISO() });
    expect(teams[0]!.next).to.deep.include({ person: 'bram', name: 'Bram', from: switchAt.toISO() });
    expect(teams[0]!.members.map((member) => member.tracker)).to.deep.equal([{ 'gitea-demo': ['anna-gitea'] }, { 'gitea-demo': ['bram-gitea'] }]);
  });

  it('GET /api/teams is behind the API token like the rest', async () => {
    expect((await fetch(`${bridge.url}/api/teams`)).status).to.equal(401);
  });

  it('the dashboard shows the duty block above the contracts', async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    const row = page.locator('#duty tr.duty[data-team="desk"]');
    await row.waitFor();
    expect(await row.locator('td.now').textContent()).to.equal('Anna (swap)');
    expect(await row.locator('td.next').textContent()).to.equal('Bram (swap)');
    // Above the contracts' sections.
    expect(await page.locator('#duty + #content').count()).to.equal(1);
  });
});
