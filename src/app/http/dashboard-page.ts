/**
 * The dashboard: one self-contained page (no assets to fetch) over the status API. The page itself
 * holds no data and keeps no token: it logs in with POST /api/session and the browser then holds the
 * HttpOnly session cookie, which also opens the queue board and the event stream. `#token=…` in the
 * address logs in once and is removed from the address at once.
 *
 * Assembled from parts: the stylesheet, the page's own script (dashboard-script.ts: login, reads,
 * filters in the address, live updates, the section registry), the charts (dashboard-charts.ts),
 * and any other part in DASHBOARD_PARTS: a feature adds its file and one line there.
 */
import { DASHBOARD_CHARTS } from './dashboard-charts.js';
import { DASHBOARD_SCRIPT, DASHBOARD_START } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';
import { TIMELINE_MARKUP, TIMELINE_SCRIPT, TIMELINE_STYLE } from './dashboard-timeline.js';
import { WHAT_IF_DASHBOARD } from './dashboard-what-if.js';
import { DUTY_BLOCK } from './dashboard-duty.js';
import { LINES_BLOCK } from './dashboard-lines.js';

/** A feature's share of the page: its CSS, its markup (after `#content`, in `#panels`), its script (after the page's, before the first read). */
export interface DashboardPart {
  readonly style?: string;
  readonly html?: string;
  readonly script?: string;
}

/** The page's parts after its own, in order. */
export const DASHBOARD_PARTS: readonly DashboardPart[] = [
  { script: DASHBOARD_CHARTS },
  { style: TIMELINE_STYLE, html: TIMELINE_MARKUP, script: `${TIMELINE_SCRIPT}\nslaDashboard.addToKeyCell(timelineButton);` },
  { html: WHAT_IF_DASHBOARD },
  { html: DUTY_BLOCK },
  { html: LINES_BLOCK },
];

const FILTER_LABELS = [
  ['contract', 'Contract'],
  ['source', 'Source'],
  ['priority', 'Priority'],
  ['state', 'State'],
  ['line', 'Line'],
  ['assignee', 'Assignee'],
] as const;

const filterForm = `<form id="filters" hidden aria-label="Filters">${FILTER_LABELS.map(
  ([name, label]) => `<label id="filter-${name}-label"${name === 'line' ? ' hidden' : ''}>${label}<select id="filter-${name}" name="${name}"><option value="">all</option></select></label>`,
).join('')}<button type="reset">Clear filters</button></form>`;

export function dashboardPage(parts: readonly DashboardPart[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sla-bridge</title>
<style>${DASHBOARD_STYLE}${parts.map((part) => part.style ?? '').join('\n')}</style></head><body>
<header><h1>sla-bridge: open issues and compliance</h1>
<nav id="nav" hidden aria-label="Bridge"><a id="queues" href="/api/queues/">Queue board</a><button id="logout" type="button">Log out</button><span id="live" role="status" class="off"></span></nav></header>
<main>
<form id="login" hidden><input id="token" type="password" autocomplete="current-password" placeholder="API token (SLA_BRIDGE_API_TOKEN)" aria-label="API token" size="40" required><button>Log in</button></form>
${filterForm}
<p id="error" role="alert"></p><div id="overview"></div><div id="content"></div>
<div id="panels">${parts.map((part) => part.html ?? '').join('\n')}</div>
</main>
<script>${DASHBOARD_SCRIPT}</script>
${parts.map((part) => (part.script ? `<script>${part.script}</script>` : '')).join('\n')}
<script>${DASHBOARD_START}</script></body></html>
`;
}

export const DASHBOARD_HTML = dashboardPage(DASHBOARD_PARTS);
