/**
 * The live dashboard in Debian's headless Chromium (playwright-core) over a bridge split in two, as
 * in production: a `--role api` process serving the page and the API, and a `--role worker`
 * process applying the webhooks, on one real redis-server and prefix. The worker's saves reach
 * the page through Redis pub/sub and the api's event stream. Rendered content is checked against
 * what the fixtures make of it; axe-core (injected into the page) checks keyboard use, names and
 * contrast in the same tests. Screenshots: test-artifacts/dashboard-live*.png.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { trackerConnectors } from '../connectors/registry.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, issueCreated } from './support/jira-payloads.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';
import { DASHBOARD_PARTS, dashboardPage } from '../src/app/http/dashboard-page.js';

const TOKEN = 'dashboard-live-token';
const ZONE = 'Europe/Amsterdam';
// Five hours into its month, so every fixture issue is created in the month of the report.
const NOW = fixtureNow({ zone: ZONE, intoMonth: { hours: 5 } });
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOUR = 3_600_000;
/** Gitea's issue keys: repository and number. */
const ODOO = 'open2bizz/odoo-customer';

const artifact = (name: string) => {
  const artifacts = path.join(projectRoot(), 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, name);
};

/** Waits until the rows `selector` finds are there and are all of issue `key`. */
const onlyRows = (page: Page, selector: string, key: string) =>
  page.waitForFunction(`(() => { const rows = [...document.querySelectorAll(${JSON.stringify(selector)})]; return rows.length > 0 && rows.every((row) => row.getAttribute('data-key') === ${JSON.stringify(key)}); })()`, undefined, { timeout: 10_000 });

const at = (hoursBefore: number) => NOW.minus({ milliseconds: hoursBefore * HOUR }).toISO()!;

function jira(body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) } };
}

/** Gitea's recorded `opened` (test/fixtures/gitea/), renumbered, with a priority label and an assignee. */
function giteaOpened(number: number, hoursBefore: number, priority: string, assignee: string | null) {
  const fixture = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea/issue-opened.json'), 'utf8')) as { headers: Record<string, string>; body: { issue: Record<string, unknown>; number: number } };
  const stamp = NOW.minus({ milliseconds: hoursBefore * HOUR }).startOf('second').toISO({ suppressMilliseconds: true });
  const user = assignee && { id: 9, login: assignee, login_name: '', full_name: assignee, email: `${assignee}@noreply.gitea.example.com`, username: assignee };
  fixture.body.number = number;
  Object.assign(fixture.body.issue, {
    id: 9000 + number,
    number,
    title: `Odoo issue ${number}`,
    html_url: `https://gitea.example.com/open2bizz/odoo-customer/issues/${number}`,
    created_at: stamp,
    updated_at: stamp,
    labels: [{ id: 100 + number, name: priority }],
    assignee: user,
    assignees: user ? [user] : null,
  });
  const raw = Buffer.from(JSON.stringify(fixture.body));
  return { raw, headers: { ...fixture.headers, 'x-gitea-delivery': randomUUID(), ...trackerConnectors.gitea.sign(DEMO_SECRETS.GITEA_WEBHOOK_SECRET, raw) } };
}

interface Summary {
  readonly source: string;
  readonly issue: { readonly key: string };
  readonly contract?: string;
  readonly metrics?: readonly { readonly state: string; readonly deadline: number | null; readonly metAt?: number }[];
}

/** The obvious reference of the time-to-breach chart: every open clock with a deadline, bucketed by hand. */
function expectedBuckets(issues: readonly Summary[], now: number): number[] {
  const counts = [0, 0, 0, 0, 0, 0];
  for (const entry of issues)
    for (const metric of entry.metrics ?? []) {
      if (metric.metAt !== undefined || !['running', 'breached'].includes(metric.state) || !metric.deadline) continue;
      const left = metric.deadline - now;
      if (left < 0) counts[0]!++;
      else if (left < HOUR) counts[1]!++;
      else if (left < 4 * HOUR) counts[2]!++;
      else if (left < 24 * HOUR) counts[3]!++;
      else if (left < 7 * 24 * HOUR) counts[4]!++;
      else counts[5]!++;
    }
  return counts;
}

describe('live dashboard in Chromium, over an api and a worker process', function () {
  this.timeout(90_000);
  let api: TestBridge;
  let worker: TestBridge;
  let browser: Browser;

  async function freshPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, timezoneId: 'America/New_York' });
    await page.route((url) => !url.href.startsWith(api.url), (route) => route.abort());
    return page;
  }

  async function openDashboard(query = ''): Promise<Page> {
    const page = await freshPage();
    await page.goto(`${api.url}/dashboard${query}#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    await page.waitForSelector('body[data-live="on"]');
    return page;
  }

  /** axe-core's WCAG 2.1 A and AA rules on the page as it is; every violation named with its elements. */
  async function expectAccessible(page: Page): Promise<void> {
    if (!(await page.evaluate('typeof window.axe'))?.toString().includes('object')) await page.addScriptTag({ content: AXE_SOURCE });
    const violations = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((result) => result.violations.map((v) => v.id + ': ' + v.nodes.map((node) => node.target.join(' ')).join(', ')))`)) as string[];
    expect(violations).to.deep.equal([]);
  }

  const issuesOverApi = async (query = ''): Promise<{ now: number; issues: Summary[] }> =>
    (await (await fetch(`${api.url}/api/issues${query}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { now: number; issues: Summary[] };

  const rowKeys = (page: Page, contract: string) => page.locator(`section[data-contract="${contract}"] tr.issue`).evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-key')} ${row.getAttribute('data-metric')}`));

  before(async () => {
    const redis = urlTarget((await sharedRedis()).url);
    const prefix = uniquePrefix('dash-live');
    worker = await startTestBridge({ role: 'worker', redis, prefix, now: () => NOW.toMillis() });
    api = await startTestBridge({ role: 'api', redis, prefix, apiToken: TOKEN, now: () => NOW.toMillis() });
    const deliveries = [
      ['jira-demo', jira(issueCreated({ created: at(1), id: '10301', key: 'MB-301', summary: 'Printer queue stuck' }))], // 3 h left
      ['jira-demo', jira(issueCreated({ created: at(3.5), id: '10302', key: 'MB-302', summary: 'VPN drops' }))], // 30 min left, at risk
      ['jira-demo', jira(issueCreated({ created: at(4 + 1 / 3), id: '10303', key: 'MB-303', summary: 'Mail server down' }))], // breached 20 min ago
      ['jira-demo', jira(issueCreated({ created: at(2), id: '10305', key: 'MB-305', summary: 'Backup failed' }))],
      ['jira-demo', jira(commentCreated({ created: at(2), id: '10305', key: 'MB-305' }, at(1.5), { name: 'Ann', email: 'ann@megabite.example' }))], // met after 30 min
      ['gitea-demo', giteaOpened(51, 0.2, 'priority/2', 'rbakker')],
      ['gitea-demo', giteaOpened(52, 0.1, 'priority/1', null)],
    ] as const;
    for (const [source, { raw, headers }] of deliveries) expect((await postRaw(`${api.url}/webhooks/${source}`, raw, headers)).status, source).to.equal(202);
    await waitForIdleQueue(worker);
    await waitForState(worker, 'jira-demo', '10305', (state) => state.sla.covered && state.sla.metrics.some((metric) => metric.metric === 'reaction' && metric.metAt !== undefined));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    await worker?.close();
  });

  it('shows the clocks by time to breach with seconds under an hour, ticking in the page, and the charts with their values', async () => {
    const page = await openDashboard();
    expect(await rowKeys(page, 'megabite-standard')).to.deep.equal(['MB-303 reaction', 'MB-302 reaction', 'MB-301 reaction']);
    const clock = (key: string) => page.locator(`section[data-contract="megabite-standard"] tr[data-key="${key}"] td.clock`).textContent();
    expect(await clock('MB-303')).to.match(/^20m \d\ds overdue$/);
    expect(await clock('MB-302')).to.match(/^29m \d\ds left$/);
    expect(await clock('MB-301')).to.match(/^(3h0m|2h59m) left$/);
    // Ticking in the page between reads: the seconds change without a request.
    const before = await clock('MB-302');
    const renders = await page.evaluate('document.body.dataset.renders');
    await page.waitForFunction(`document.querySelector('tr[data-key="MB-302"] td.clock')?.textContent !== ${JSON.stringify(before)}`, undefined, { timeout: 5_000 });
    expect(await page.evaluate('document.body.dataset.renders')).to.equal(renders);
    expect(await page.locator('tr[data-key="MB-301"] td').last().textContent()).to.equal('unassigned');
    expect(await page.locator(`section[data-contract="open2bizz-saas"] tr[data-key="${ODOO}#51"] td`).last().textContent()).to.equal('rbakker');

    // Compliance this month: MB-305 met, MB-303 breached (the open ones are not decided yet).
    const month = NOW.toFormat('yyyy-MM');
    const bar = (chart: string, label: string) => page.locator(`figure[data-chart="${chart}"] rect.chart-bar[data-label="${label}"]`).getAttribute('data-value');
    expect(await bar('compliance-month', month)).to.equal('50');
    expect(await page.locator('figure[data-chart="compliance-month"] rect.chart-bar').count()).to.equal(6);
    expect(await bar('compliance-priority', 'P1')).to.equal('50');
    expect(await bar('compliance-priority', 'P2')).to.equal('');
    expect(await page.locator('section[data-contract="megabite-standard"] rect.compliance').last().getAttribute('data-value')).to.equal('50');
    // Breaches per contract, most first: Mega Bite's one.
    const breaches = await page.locator('figure[data-chart="breaches"] rect.chart-bar').evaluateAll((bars) => bars.map((element) => [element.getAttribute('data-label'), element.getAttribute('data-value')]));
    expect(breaches[0]).to.deep.equal(['Mega Bite SLA customer', '1']);
    expect(breaches.slice(1).map(([, value]) => value)).to.deep.equal(breaches.slice(1).map(() => '0'));
    // Time to breach: the same buckets as the API's clocks give by hand.
    const { now, issues } = await issuesOverApi();
    const buckets = await page.locator('figure[data-chart="time-to-breach"] rect.chart-bar').evaluateAll((bars) => bars.map((element) => Number(element.getAttribute('data-value'))));
    expect(buckets).to.deep.equal(expectedBuckets(issues, now));
    expect(buckets[0]).to.equal(1); // MB-303
    expect(buckets[1]).to.equal(1); // MB-302
    // The values as text, for those who cannot see the bars.
    await page.click('figure[data-chart="compliance-month"] summary');
    expect(await page.locator('figure[data-chart="compliance-month"] table.chart-values tr').last().textContent()).to.equal(`${month}50% met`);
    expect(await page.getAttribute('figure[data-chart="breaches"] svg', 'aria-labelledby')).to.equal('chart-breaches chart-breaches-said');
    expect(await page.textContent('#chart-breaches-said')).to.match(/^Mega Bite SLA customer: 1 breach; /);
    await expectAccessible(page);
    await page.screenshot({ path: artifact('dashboard-live.png'), fullPage: true });
  });

  it('updates itself when the worker process saves a state: a reaction posted to the api process takes MB-302 off and moves the chart', async () => {
    const page = await openDashboard();
    await page.evaluate('window.notReloaded = true');
    await page.locator('tr[data-key="MB-302"]').waitFor();
    const { raw, headers } = jira(commentCreated({ created: at(3.5), id: '10302', key: 'MB-302' }, at(0.01), { name: 'Ann', email: 'ann@megabite.example' }));
    expect((await postRaw(`${api.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    await page.locator('tr[data-key="MB-302"]').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await rowKeys(page, 'megabite-standard')).to.deep.equal(['MB-303 reaction', 'MB-301 reaction']);
    await page.waitForFunction(`document.querySelector('figure[data-chart="compliance-priority"] rect.chart-bar[data-label="P1"]')?.getAttribute('data-value') === '66.7'`, undefined, { timeout: 10_000 });
    expect(await page.evaluate('window.notReloaded')).to.equal(true);
    expect(await page.textContent('#live')).to.equal('live');
  });

  it('reads everything again when the api process lost its subscription, since what was said meanwhile is lost', async () => {
    const page = await openDashboard();
    const renders = Number(await page.evaluate('document.body.dataset.renders'));
    const admin = new Redis((await sharedRedis()).url);
    try {
      const subscribers = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).split('\n').filter((line) => / name=sla-bridge-state-changes /.test(line));
      expect(subscribers).to.have.length(1);
      await admin.call('CLIENT', 'KILL', 'ID', /^id=(\d+) /.exec(subscribers[0]!)![1]!);
    } finally {
      admin.disconnect();
    }
    await page.waitForFunction(`Number(document.body.dataset.renders) > ${renders}`, undefined, { timeout: 10_000 });
    expect(await page.evaluate('window.performance.getEntriesByType("navigation").length')).to.equal(1);
  });

  it('narrows by source, priority and assignee, keeps the view in the address, restores it on reload, and is used by keyboard', async () => {
    const page = await openDashboard('?source=gitea-demo');
    expect(await page.locator('section[data-contract="megabite-standard"] tr.issue').count()).to.equal(0);
    expect(await page.textContent('section[data-contract="megabite-standard"] p.muted')).to.equal('No open issues match the filters.');
    expect(await rowKeys(page, 'open2bizz-saas')).to.have.members([`${ODOO}#51 reaction`, `${ODOO}#52 reaction`]);
    expect(await page.inputValue('#filter-source')).to.equal('gitea-demo');
    // No issue carries a support line yet (issue 18): no line filter.
    expect(await page.isVisible('#filter-line')).to.equal(false);

    // By keyboard: Tab to the priority filter, the arrow key picks P1.
    await page.locator('#filter-source').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).to.equal('filter-priority');
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(`${api.url}/dashboard?source=gitea-demo&priority=P1`);
    await onlyRows(page, 'section[data-contract="open2bizz-saas"] tr.issue', `${ODOO}#52`);
    expect(await rowKeys(page, 'open2bizz-saas')).to.have.members([`${ODOO}#52 reaction`]);
    // The per-month chart now tells P1 alone.
    expect(await page.textContent('figure[data-chart="compliance-month"] figcaption')).to.equal('Met on time per month, P1');
    await expectAccessible(page);

    // A reload (and a shared link) restores the view.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.inputValue('#filter-priority')).to.equal('P1');
    expect(await rowKeys(page, 'open2bizz-saas')).to.have.members([`${ODOO}#52 reaction`]);

    // The back button returns to the view before.
    await page.goBack();
    await page.waitForURL(`${api.url}/dashboard?source=gitea-demo`);
    await page.waitForFunction(`document.querySelectorAll('section[data-contract="open2bizz-saas"] tr.issue').length === 2`, undefined, { timeout: 10_000 });

    // The assignee filter, and the contract filter leaving one section.
    await page.selectOption('#filter-assignee', 'rbakker');
    await page.waitForURL(`${api.url}/dashboard?source=gitea-demo&assignee=rbakker`);
    await onlyRows(page, 'tr.issue', `${ODOO}#51`);
    await page.goto(`${api.url}/dashboard?contract=megabite-standard`);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.locator('section.contract').evaluateAll((sections) => sections.map((section) => section.getAttribute('data-contract')))).to.deep.equal(['megabite-standard']);
    expect(await page.locator('figure[data-chart="breaches"] rect.chart-bar').count()).to.equal(1);
    await page.screenshot({ path: artifact('dashboard-live-filtered.png'), fullPage: true });
  });

  it('logs in by keyboard alone, from a shared link that keeps its filters', async () => {
    const page = await freshPage();
    await page.goto(`${api.url}/dashboard?priority=P1`);
    await page.waitForSelector('#login:not([hidden])');
    await expectAccessible(page);
    // The token field is the first thing Tab reaches; Enter sends the form.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).to.equal('token');
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(page.url()).to.equal(`${api.url}/dashboard?priority=P1`);
    expect(await page.inputValue('#filter-priority')).to.equal('P1');
    await page.waitForSelector('body[data-live="on"]');
  });

  it('takes a part of another feature: its section, its addition to each key cell, its markup outside the redrawn list', async () => {
    const part = {
      html: '<aside id="probe-panel">kept</aside>',
      script: "slaDashboard.register({ id: 'probe', place: 'overview', order: 5, render: (view) => '<p id=\"probe\">' + view.issues.length + ' issues, ' + view.contracts.length + ' contracts</p>' });"
        + " slaDashboard.addToKeyCell((entry) => '<span class=\"probe-key\">*</span>');",
    };
    const page = await freshPage();
    await page.route(`${api.url}/dashboard**`, (route) => route.fulfill({ contentType: 'text/html', body: dashboardPage([...DASHBOARD_PARTS, part]) }));
    await page.goto(`${api.url}/dashboard?contract=megabite-standard#token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded="true"]');
    const { issues } = await issuesOverApi('?contract=megabite-standard');
    expect(await page.textContent('#probe')).to.equal(`${issues.length} issues, 1 contracts`);
    // Before the charts (order 5), and in every row of the list.
    expect(await page.locator('#overview > *').first().getAttribute('id')).to.equal('probe');
    expect(await page.locator('tr.issue').count()).to.be.above(0);
    expect(await page.locator('tr.issue td:first-child .probe-key').count()).to.equal(await page.locator('tr.issue').count());
    expect(await page.textContent('#panels #probe-panel')).to.equal('kept');
  });

  it('says which value in the address it ignored, and clears the filters', async () => {
    const page = await openDashboard('?priority=P9&state=breached');
    expect(await page.textContent('#error')).to.equal('Ignored from the address: priority=P9 (not a value of that filter).');
    expect(page.url()).to.equal(`${api.url}/dashboard?state=breached`);
    expect(await page.locator('tr.issue').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')))).to.deep.equal(['MB-303']);
    await page.click('#filters button[type="reset"]');
    await page.waitForURL(`${api.url}/dashboard`);
    await page.waitForSelector('tr[data-key="MB-303"]');
  });
});
