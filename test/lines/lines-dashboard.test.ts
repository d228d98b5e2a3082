/**
 * Per support line in the status API, the monthly report (JSON, CSV, HTML) and the dashboard (in
 * Debian's headless Chromium): handovers, reaction median and 90th percentile, breaches, and each
 * issue's current line, which the dashboard's line filter offers. A real bridge on a real Redis;
 * Jira webhooks stamped relative to now.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { commentCreated, issueCreated } from '../support/jira-payloads.js';
import { writeConfig } from '../support/temp-config.js';

const TOKEN = 'lines-dashboard-token';
const ZONE = 'Europe/Amsterdam';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');
const MINUTE = 60_000;

function linesConfig() {
  const files = Object.fromEntries(['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]));
  const contract = `customer: Desk Customer
calendar: round-the-clock
covers:
  - { source: jira-demo, project: MB }
policies:
  reaction: 1w
lines:
  second:
    # Jira names an assignee by display name and a comment's author by account id and e-mail.
    members: [carla, carla@megabite.example, dirk, dirk@megabite.example]
    handover: 10m
  third:
    members: [ronald]
    handover: 1h
`;
  const dir = writeConfig({ ...files, 'contracts/desk.yaml': contract });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('support lines in the status API, the report and the dashboard', function () {
  this.timeout(60_000);
  const now = DateTime.now().setZone(ZONE).startOf('second');
  const ago = (minutes: number) => now.minus({ minutes });
  /** key, created (minutes ago), assignee, a comment by the assignee after (minutes) */
  const issues = [
    { id: '80001', key: 'MB-801', createdAgo: 30, assignee: 'Carla', commentAfter: undefined },
    { id: '80002', key: 'MB-802', createdAgo: 25, assignee: 'Carla', commentAfter: 5 },
    { id: '80004', key: 'MB-804', createdAgo: 24, assignee: 'Dirk', commentAfter: 15 },
    { id: '80003', key: 'MB-803', createdAgo: 5, assignee: 'Ronald', commentAfter: undefined },
  ] as const;
  let bridge: TestBridge;
  let browser: Browser | undefined;

  const api = async (route: string) => {
    const response = await fetch(`${bridge.url}/api${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status, route).to.equal(200);
    return response;
  };
  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
    const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }
  const assigned = <T extends { issue: { fields: Record<string, unknown> } }>(payload: T, name: string) => {
    payload.issue.fields.assignee = { accountId: `acc-${name}`, displayName: name };
    return payload;
  };

  before(async () => {
    bridge = await startTestBridge({ config: linesConfig(), apiToken: TOKEN });
    for (const issue of issues) {
      const fields = { created: ago(issue.createdAgo).toISO()!, id: issue.id, key: issue.key, priority: 'High' };
      await send(assigned(issueCreated(fields), issue.assignee));
      if (issue.commentAfter !== undefined) {
        await send(assigned(commentCreated(fields, ago(issue.createdAgo - issue.commentAfter).toISO()!, { name: issue.assignee, email: `${issue.assignee.toLowerCase()}@megabite.example` }, `c${issue.id}`), issue.assignee));
      }
    }
    await waitForIdleQueue(bridge);
    for (const issue of issues) await waitForState(bridge, 'jira-demo', issue.id, (state) => state.eventCount >= (issue.commentAfter === undefined ? 1 : 2));
  });
  after(async () => {
    await browser?.close();
    await bridge?.close();
  });

  const SECOND = { line: 'second', members: ['carla', 'carla@megabite.example', 'dirk', 'dirk@megabite.example'], measured: true, handovers: 3, reacted: 2, breaches: 2, handedOn: 0, open: 1, medianMs: 5 * MINUTE, p90Ms: 15 * MINUTE };
  const THIRD = { line: 'third', members: ['ronald'], measured: true, handovers: 1, reacted: 0, breaches: 0, handedOn: 0, open: 1, medianMs: null, p90Ms: null };

  it('GET /api/issues gives each issue the line it is with now', async () => {
    const { issues: listed } = (await (await api('/issues')).json()) as { issues: { issue: { key: string }; line?: string }[] };
    expect(Object.fromEntries(listed.map((entry) => [entry.issue.key, entry.line]))).to.deep.equal({ 'MB-801': 'second', 'MB-802': 'second', 'MB-803': 'third', 'MB-804': 'second' });
  });

  it('GET /api/lines counts per line: MB-801 waits past its 10m, MB-804 reacted after 15m, MB-802 after 5m', async () => {
    const answer = (await (await api('/lines')).json()) as { contracts: { contract: string; lines: unknown[] }[] };
    expect(answer.contracts).to.deep.equal([{ contract: 'desk', customer: 'Desk Customer', lines: [SECOND, THIRD] }]);
    const bad = await fetch(`${bridge.url}/api/lines?month=2026-13`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.deep.equal({ error: 'month: "2026-13" is not a month (use YYYY-MM)', field: 'month' });
  });

  it('the monthly report has the section in JSON, CSV and HTML', async () => {
    // The issues created in the report's month (all of them, unless this runs in a month's first half hour).
    const month = ago(30).toFormat('yyyy-MM');
    const inMonth = issues.filter((issue) => ago(issue.createdAgo).toFormat('yyyy-MM') === month).map((issue) => issue.key);
    const report = (await (await api(`/reports/desk/${month}`)).json()) as { supportLines: { line: string; handovers: number }[] };
    const secondKeys = inMonth.filter((key) => key !== 'MB-803');
    expect(report.supportLines.map((line) => [line.line, line.handovers])).to.deep.equal([
      ['second', secondKeys.length],
      ['third', inMonth.includes('MB-803') ? 1 : 0],
    ]);
    if (inMonth.length === issues.length) expect(report.supportLines).to.deep.equal([SECOND, THIRD]);
    const csv = await (await api(`/reports/desk/${month}?format=csv`)).text();
    expect(csv).to.include('support_line,handovers,reacted,breaches,handed_on,open,median_reaction_business_minutes,p90_reaction_business_minutes\n');
    if (inMonth.length === issues.length) expect(csv).to.include('\nsecond,3,2,2,0,1,5,15\nthird,1,0,0,0,1,,\n');
    const html = await (await api(`/reports/desk/${month}?format=html`)).text();
    expect(html).to.match(/<h2>Support lines<\/h2>\n<table><tr><th>line<\/th>/);
  });

  it('the dashboard shows the lines and filters the issues by line', async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await page.route((url) => !url.href.startsWith(bridge.url), (route) => route.abort());
    await page.goto(`${bridge.url}/dashboard#token=${TOKEN}`);
    const second = page.locator('#support-lines table[data-contract="desk"] tr.line[data-line="second"]');
    await second.waitFor();
    expect(await second.locator('td').allTextContents()).to.deep.equal(['3', '2', '5m', '15m', '2', '1']);
    expect(await page.locator('#content + #support-lines').count()).to.equal(1);

    const filter = page.locator('#filter-line');
    await filter.waitFor({ state: 'visible' });
    expect(await filter.locator('option').allTextContents()).to.include.members(['second', 'third']);
    await filter.selectOption('third');
    await page.waitForFunction(`(() => { const rows = [...document.querySelectorAll('tr.issue')]; return rows.length > 0 && rows.every((row) => row.getAttribute('data-key') === 'MB-803'); })()`, undefined, { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('line')).to.equal('third');
    await filter.selectOption('second');
    // Of the second line's issues only MB-801 has an open clock: the comments met the others' reaction.
    await page.waitForFunction(`(() => { const rows = [...document.querySelectorAll('tr.issue')]; return rows.length > 0 && rows.every((row) => row.getAttribute('data-key') === 'MB-801'); })()`, undefined, { timeout: 10_000 });
  });
});
