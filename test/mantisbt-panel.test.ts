/**
 * The SLA clocks on a real MantisBT 2.28.4's issue page (test/support/mantisbt.ts installs it):
 * the SlaBridge plugin, configured on its own page with the bridge's read-only token, reads the
 * issue's clocks from a real bridge (real Redis) while view.php renders, and shows per metric the
 * state, the deadline in the contract's zone, business time left or overdue and why. The issue is
 * reported through MantisBT, so the plugin's webhook is what the bridge knows it by. Also: the
 * explain endpoint's answer (from a stand-in until the bridge serves it), an unreachable bridge,
 * a bridge that never answers, and a wrong token each give one line, and the page still renders.
 * A screenshot of the page in Debian's Chromium goes to test-artifacts/mantisbt-sla-clocks.png.
 *
 * Without the bundle this file prints one line saying why and where to get it, and defines no tests.
 */
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { DateTime } from 'luxon';
import { chromium } from 'playwright-core';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { freeLoopbackPort } from '../src/app/store/embedded-redis.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import type { MetricStatus } from '../src/domain/metric-status.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, waitForState, type TestBridge } from './support/bridge-harness.js';
import { ACCESS, htmlText, installMantis, missingMantisBundle, reportIssue, setUpServiceDesk, type MantisWeb, type RunningMantis, type ServiceDesk } from './support/mantisbt.js';
import { writeConfig } from './support/temp-config.js';

const SOURCE = 'mantis-panel';
/** Not MantisBT's zone (Europe/Amsterdam), so a deadline shown in the wrong zone cannot pass. */
const ZONE = 'Asia/Tokyo';
const FULL_TOKEN = `full-${randomBytes(12).toString('hex')}`;
const READ_TOKEN = `read-${randomBytes(12).toString('hex')}`;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function configFiles(mantisUrl: string, secret: string, project: string): Record<string, string> {
  return {
    'calendars/tokyo-24x7.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
    // The resolution of a normal (P3) issue is due 3 s after its report: overdue by the time the page is read.
    'contracts/portal.yaml': `
customer: Portal customer
calendar: tokyo-24x7
covers:
  - { source: ${SOURCE}, project: "${project}" }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
  resolution: { starts: created, met_by: [resolved] }
policies:
  reaction: { P1: 4h, P2: 8h, P3: 1d, P4: 1w }
  resolution: { P1: 1d, P2: 2d, P3: 3s, P4: 2w }
`,
    [`sources/${SOURCE}.yaml`]: `
kind: mantis
base_url: ${mantisUrl}
webhook:
  secrets: ["${secret}"]
priority:
  field: priority
  map: { immediate: P1, urgent: P1, high: P2, normal: P3, low: P4, none: P4 }
  default: P3
statuses:
  resolved: [resolved, closed]
agents:
  min_access_level: 55
`,
  };
}

interface PanelRow {
  readonly metric: string;
  readonly state: string;
  readonly deadline: string;
  readonly left: string;
  readonly why: string;
  readonly overdue: boolean;
}

interface Panel {
  readonly rows: readonly PanelRow[];
  /** The one line shown instead of the clocks. */
  readonly line: string | undefined;
  readonly contract: string | undefined;
}

/** The plugin's rows of the details table, as text. */
function panelOf(html: string): Panel {
  const start = html.indexOf('<tr class="sla-bridge-clocks">');
  if (start < 0) return { rows: [], line: undefined, contract: undefined };
  const rows = [...html.slice(start).matchAll(/<tr data-sla-metric="[^"]*"( class="sla-bridge-overdue")?>([\s\S]*?)<\/tr>/g)].map((match) => {
    const cells = Object.fromEntries([...match[2]!.matchAll(/<td class="sla-bridge-(\w+)">([\s\S]*?)<\/td>/g)].map((cell) => [cell[1]!, htmlText(cell[2]!)]));
    return { metric: cells.metric!, state: cells.state!, deadline: cells.deadline!, left: cells.left!, why: cells.why ?? '', overdue: match[1] !== undefined };
  });
  const line = /<td colspan="5" class="sla-bridge-line">([\s\S]*?)<\/td>/.exec(html.slice(start))?.[1];
  const contract = /<td colspan="5"><div class="small">([\s\S]*?)<\/div>/.exec(html.slice(start))?.[1];
  return { rows, line: line === undefined ? undefined : htmlText(line), contract: contract === undefined ? undefined : htmlText(contract) };
}

/** How the plugin writes a deadline: the wall clock of the contract's zone, and the zone. */
function shownDeadline(ms: number): string {
  return `${DateTime.fromMillis(ms, { zone: ZONE }).toFormat('ccc d LLL yyyy HH:mm', { locale: 'en' })} (${ZONE})`;
}

function metricsOf(state: IssueState): Record<string, MetricStatus> {
  if (!state.sla.covered) throw new Error(`issue ${state.issue.id} is not covered: ${state.sla.reason}`);
  return Object.fromEntries(state.sla.metrics.map((metric) => [metric.metric, metric]));
}

/** A server on loopback answering `handle`, or holding every request unanswered when `handle` is undefined. */
async function standIn(handle?: (request: http.IncomingMessage, response: http.ServerResponse) => void): Promise<{ url: string; requests: http.IncomingMessage[]; close(): Promise<void> }> {
  const requests: http.IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    requests.push(request);
    if (handle) handle(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const missing = missingMantisBundle();
if (missing) {
  console.warn(`\n*** ${missing} ***\n`);
} else {
  describe('SLA clocks on the issue page of a real MantisBT 2.28.4', function () {
    this.timeout(60_000);
    let mantis: RunningMantis;
    let desk: ServiceDesk;
    let bridge: TestBridge;
    let secret: string;
    let issueId = 0;

    /** The plugin's configuration page, as the administrator fills it in. */
    async function configurePlugin(settings: { url: string; apiToken?: string; timeout?: number; panelThreshold?: number }): Promise<void> {
      await mantis.admin.submit('plugin.php?page=SlaBridge/config', 'config_edit', {
        url: settings.url,
        secret,
        timeout: String(settings.timeout ?? 2),
        api_token: settings.apiToken ?? '',
        panel_threshold: String(settings.panelThreshold ?? ACCESS.viewer),
      });
    }

    async function viewPage(web: MantisWeb = desk.customer.web): Promise<string> {
      const page = await web.get(`view.php?id=${issueId}`);
      // The page rendered whole, whatever the panel said: the issue's summary and the note form after it.
      expect(page.html, 'the issue summary').to.include('Portal login fails');
      expect(page.html, 'the page after the details').to.match(/id="bugnoteadd"/);
      expect(page.html, 'no secret in the page').to.not.include(READ_TOKEN);
      return page.html;
    }

    before(async function () {
      this.timeout(120_000);
      mantis = await installMantis();
      desk = await setUpServiceDesk(mantis);
      secret = randomUUID();
      const configDir = writeConfig(configFiles(mantis.url, secret, desk.projectName));
      bridge = await startTestBridge({ config: loadBridgeConfig(configDir, {}), apiToken: FULL_TOKEN, apiReadToken: READ_TOKEN });
      await configurePlugin({ url: `${bridge.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN });
      issueId = await reportIssue(desk.customer.web, { projectId: desk.projectId, summary: 'Portal login fails', description: 'Nobody can log in.' });
    });

    after(async function () {
      this.timeout(30_000);
      await bridge?.close();
      await mantis?.stop();
    });

    it('the configuration page keeps the token without showing it', async () => {
      const page = await mantis.admin.get('plugin.php?page=SlaBridge/config');
      expect(page.html).to.include('A token is set; leave empty to keep it.');
      expect(page.html).to.not.include(READ_TOKEN);
    });

    it('view.php shows each metric: state, deadline in the contract zone, business time left or overdue', async () => {
      // The webhook reached the bridge, and the resolution's 3 s have run out by the timer.
      const state = await waitForState(bridge, SOURCE, String(issueId), (s) => s.sla.covered && metricsOf(s).resolution?.state === 'breached', 20_000);
      const metrics = metricsOf(state);
      const panel = panelOf(await viewPage());
      expect(panel.line, 'no problem line').to.equal(undefined);
      expect(panel.contract).to.equal(`Contract portal, deadlines in ${ZONE}`);
      expect(panel.rows.map((row) => row.metric)).to.deep.equal(['reaction', 'resolution']);
      const [reaction, resolution] = panel.rows;
      expect(reaction).to.deep.include({ state: 'running', deadline: shownDeadline(metrics.reaction!.deadline!), overdue: false });
      // 1d on a 24x7 calendar, a few seconds of it gone.
      expect(reaction!.left).to.match(/^(23h 5\dm|24h 00m) left\b/);
      expect(resolution).to.deep.include({ state: 'breached', deadline: shownDeadline(metrics.resolution!.deadline!), overdue: true });
      expect(resolution!.left).to.match(/^overdue\b/);
    });

    it('the same page in Chromium, as a person sees it (screenshot in test-artifacts/)', async () => {
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        // MantisBT's pages load their scripts and fonts from MantisBT itself; nothing else is reached.
        await page.route((url) => !url.href.startsWith(mantis.url), (route) => route.abort());
        await page.goto(`${mantis.url}/login_page.php`);
        await page.fill('#username', desk.customer.username);
        await page.click('input[type=submit]');
        await page.fill('#password', desk.customer.password);
        await page.click('input[type=submit]');
        await page.goto(`${mantis.url}/view.php?id=${issueId}`);
        const clocks = page.locator('tr.sla-bridge-clocks');
        await clocks.waitFor({ state: 'visible', timeout: 10_000 });
        const shown = await clocks.innerText();
        expect(shown).to.include('SLA clocks');
        expect(shown).to.match(/reaction\s+running\s+.*\(Asia\/Tokyo\)\s+\d+h \d\dm left/);
        expect(shown).to.match(/resolution\s+breached\s+.*\(Asia\/Tokyo\)\s+overdue/);
        const artifacts = path.join(projectRoot(), 'test-artifacts');
        mkdirSync(artifacts, { recursive: true });
        await clocks.scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(artifacts, 'mantisbt-sla-clocks.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    });

    it("the explain endpoint's answer when there is one: its short form, escaped", async () => {
      const state = await waitForState(bridge, SOURCE, String(issueId));
      const metrics = metricsOf(state);
      const leftMs = 3 * 3_600_000 + 7 * 60_000;
      const explain = standIn((request, response) => {
        const known = request.url === `/api/issues/${SOURCE}/${issueId}/explain` && request.headers.authorization === `Bearer ${READ_TOKEN}`;
        response.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            known
              ? {
                  source: SOURCE,
                  key: String(issueId),
                  contract: 'portal',
                  zone: ZONE,
                  metrics: [
                    { metric: 'reaction', state: 'running', deadline: metrics.reaction!.deadline, deadlineLocal: 'ignored', businessLeftMs: leftMs, short: 'runs round the clock <script>alert(1)</script><img src=x onerror=alert(2)>' },
                    { metric: 'resolution', state: 'breached', deadline: metrics.resolution!.deadline, deadlineLocal: 'ignored', businessLeftMs: -65 * 60_000, short: 'breached 3 s after the report' },
                  ],
                  timeline: [],
                  text: '',
                }
              : { error: 'not found' },
          ),
        );
      });
      const server = await explain;
      try {
        await configurePlugin({ url: `${server.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN });
        const html = await viewPage();
        expect(html, 'the short form escaped').to.include('runs round the clock &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
        expect(html).to.not.match(/<script>alert|<img src=x/);
        const panel = panelOf(html);
        expect(panel.rows).to.deep.equal([
          { metric: 'reaction', state: 'running', deadline: shownDeadline(metrics.reaction!.deadline!), left: '3h 07m left', why: 'runs round the clock <script>alert(1)</script><img src=x onerror=alert(2)>', overdue: false },
          { metric: 'resolution', state: 'breached', deadline: shownDeadline(metrics.resolution!.deadline!), left: 'overdue by 1h 05m', why: 'breached 3 s after the report', overdue: true },
        ]);
        // The explain endpoint answered, so the state was not asked for.
        expect(server.requests.map((request) => request.url)).to.deep.equal([`/api/issues/${SOURCE}/${issueId}/explain`]);
      } finally {
        await server.close();
      }
    });

    it('a bridge without the explain endpoint (404): the issue state is read instead', async () => {
      const target = new URL(bridge.url);
      // In front of the real bridge: /explain answered 404 as a bridge before it had one, the rest passed through.
      const older = await standIn((request, response) => {
        if (request.url!.endsWith('/explain')) {
          response.writeHead(404, { 'content-type': 'application/json' });
          return void response.end(JSON.stringify({ error: 'not found' }));
        }
        const forwarded = http.request({ hostname: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
          response.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(response);
        });
        forwarded.on('error', () => response.destroy());
        request.pipe(forwarded);
      });
      try {
        await configurePlugin({ url: `${older.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN });
        const state = await waitForState(bridge, SOURCE, String(issueId));
        const metrics = metricsOf(state);
        const panel = panelOf(await viewPage());
        expect(panel.rows.map(({ metric, state: shown, deadline }) => ({ metric, state: shown, deadline }))).to.deep.equal([
          { metric: 'reaction', state: 'running', deadline: shownDeadline(metrics.reaction!.deadline!) },
          { metric: 'resolution', state: 'breached', deadline: shownDeadline(metrics.resolution!.deadline!) },
        ]);
        expect(panel.rows[0]!.left).to.match(/^\d+h \d\dm left \(as of \d\d:\d\d\)$/);
        expect(panel.rows[1]!.left).to.match(/^overdue\b/);
        expect(older.requests.map((request) => request.url)).to.deep.equal([`/api/issues/${SOURCE}/${issueId}/explain`, `/api/issues/${SOURCE}/${issueId}`]);
      } finally {
        await older.close();
      }
    });

    it('an issue the bridge does not know (another source id in the webhook URL): one line', async () => {
      await configurePlugin({ url: `${bridge.url}/webhooks/not-${SOURCE}`, apiToken: READ_TOKEN });
      expect(panelOf(await viewPage())).to.deep.equal({ rows: [], line: 'The SLA bridge does not know this issue (yet).', contract: undefined });
    });

    it('an unreachable bridge (nothing listens on the port): one line, and the page renders', async () => {
      const port = await freeLoopbackPort();
      await configurePlugin({ url: `http://127.0.0.1:${port}/webhooks/${SOURCE}`, apiToken: READ_TOKEN });
      const panel = panelOf(await viewPage());
      expect(panel).to.deep.equal({ rows: [], line: 'The SLA bridge cannot be reached: the SLA clocks are not shown.', contract: undefined });
    });

    it('a bridge that accepts the connection and never answers: the same line once the timeout has passed', async () => {
      const silent = await standIn();
      try {
        await configurePlugin({ url: `${silent.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN, timeout: 1 });
        expect(panelOf(await viewPage()).line).to.equal('The SLA bridge cannot be reached: the SLA clocks are not shown.');
        expect(silent.requests.length, 'the plugin did ask').to.be.greaterThan(0);
      } finally {
        await silent.close();
      }
    });

    it('a wrong read-only token: the bridge refuses it and the page says so in one line', async () => {
      await configurePlugin({ url: `${bridge.url}/webhooks/${SOURCE}`, apiToken: 'not-the-read-token' });
      const panel = panelOf(await viewPage());
      expect(panel.rows).to.deep.equal([]);
      expect(panel.line).to.equal('The SLA bridge refused the read-only API token (HTTP 401): the SLA clocks are not shown: wrong bearer token');
    });

    it('the access level the configuration page sets decides who sees the clocks', async () => {
      await configurePlugin({ url: `${bridge.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN, panelThreshold: ACCESS.developer });
      try {
        expect(await viewPage(desk.customer.web), "the reporter's page").to.not.include('sla-bridge-clocks');
        expect(panelOf(await viewPage(desk.agent.web)).rows.map((row) => row.metric), "the developer's page").to.deep.equal(['reaction', 'resolution']);
      } finally {
        await configurePlugin({ url: `${bridge.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN });
      }
      expect(panelOf(await viewPage(desk.customer.web)).rows.map((row) => row.metric), "the reporter's page again").to.deep.equal(['reaction', 'resolution']);
    });

    it('with the token removed on the configuration page the panel is off', async () => {
      await mantis.admin.submit('plugin.php?page=SlaBridge/config', 'config_edit', { url: `${bridge.url}/webhooks/${SOURCE}`, secret, timeout: '2', api_token: '', api_token_clear: 'on' });
      const html = await viewPage();
      expect(html).to.not.include('sla-bridge-clocks');
      // Back with the right token, the clocks are there again (this page is the configuration's effect, not a leftover).
      await configurePlugin({ url: `${bridge.url}/webhooks/${SOURCE}`, apiToken: READ_TOKEN });
      expect(panelOf(await viewPage()).rows.map((row) => row.metric)).to.deep.equal(['reaction', 'resolution']);
    });
  });
}
