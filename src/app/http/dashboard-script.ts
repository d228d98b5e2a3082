/**
 * The dashboard's own script: login, the reads of the status API, the filters kept in the address
 * (`?contract=…&priority=P1`: a view can be shared, and a reload or the back button restores it),
 * the live updates (Server-Sent Events from `GET /api/events`: each saved state schedules one
 * re-read, bursts coalesced), and the clocks ticking each second in the page.
 *
 * Parts of the page are sections in a small registry, `window.slaDashboard.register({ id, place,
 * order, render })`: `place` 'overview' (above the contracts, `render(view)`) or 'contract' (inside
 * each contract's section, `render(view, contract)`), ordered by `order`; `render` answers HTML (or
 * a promise of it). After each render the document gets `sla-dashboard:rendered` with the view.
 * Other files add sections with a script of their own (see dashboard-page.ts); what must outlive a
 * re-render (an open panel) belongs outside `#content`, e.g. in `#panels`.
 * `slaDashboard.addToKeyCell((entry) => html)` puts something after the issue key of each row.
 *
 * Plain ES2020 without template literals, since this whole text is one.
 */
export const DASHBOARD_SCRIPT = String.raw`
'use strict';
class LoggedOut extends Error { constructor(answer) { super(answer.error); this.reason = answer.reason; } }
const byId = (id) => document.getElementById(id);
const text = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const duration = (ms) => { const m = Math.round(Math.abs(ms) / 60000); return (m >= 60 ? Math.floor(m / 60) + 'h' : '') + (m % 60) + 'm'; };
const HOUR = 3600000;
/** A clock's words: under an hour with seconds, since that is when they matter. */
const clockText = (ms) => {
  const abs = Math.abs(ms);
  if (abs >= HOUR) return duration(abs);
  const seconds = Math.floor(abs / 1000);
  return Math.floor(seconds / 60) + 'm ' + String(seconds % 60).padStart(2, '0') + 's';
};
const issueLink = (issue) => issue.url ? '<a href="' + text(issue.url) + '">' + text(issue.key) + '</a>' : text(issue.key);
const dateTime = (ms, zone) => new Date(ms).toLocaleString('en-GB', { ...(zone ? { timeZone: zone } : {}), dateStyle: 'medium', timeStyle: 'short' });

// The bridge's now (an injected clock in tests, the server's otherwise), followed by the page's clock between reads.
let clockOffset = 0;
const serverNow = () => Date.now() + clockOffset;

async function api(path) {
  const response = await fetch('/api' + path);
  if (response.status === 401) throw new LoggedOut(await response.json().catch(() => ({})));
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw new Error('The API answered ' + response.status + (answer.error ? ': ' + answer.error : '') + '.');
  }
  return response.json();
}

const sections = [];
/** What other parts put after the issue key in each row (a button that opens the issue's timeline): (entry) => HTML. */
const keyCellParts = [];
const keyCellExtras = (entry) => keyCellParts.map((part) => part(entry)).join('');
const dashboard = window.slaDashboard = {
  register(section) { sections.push(section); sections.sort((a, b) => (a.order ?? 50) - (b.order ?? 50)); },
  addToKeyCell(part) { keyCellParts.push(part); },
  sections,
  api, text, duration, clockText, issueLink, dateTime, serverNow,
  refresh: () => later(0),
  view: null,
};

// --- filters, kept in the address ---------------------------------------------------------------
const FILTERS = ['contract', 'source', 'priority', 'state', 'line', 'assignee'];
const FIXED = { priority: ['P1', 'P2', 'P3', 'P4'], state: ['running', 'at-risk', 'breached'] };
const ALL_LABEL = { contract: 'all contracts', source: 'all sources', priority: 'all priorities', state: 'any state', line: 'all lines', assignee: 'anyone' };
/** The filters the API takes; 'line' (support lines) is matched here, on issues that carry one. */
const API_FILTERS = ['contract', 'source', 'priority', 'state', 'assignee'];

function filtersFromAddress() {
  const query = new URLSearchParams(location.search);
  const filters = {}; const ignored = [];
  for (const name of FILTERS) {
    const value = query.get(name);
    if (!value) continue;
    if (FIXED[name] && !FIXED[name].includes(value)) ignored.push(name + '=' + value);
    else filters[name] = value;
  }
  return { filters, ignored };
}
function addressOf(filters) {
  const query = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) query.set(name, filters[name]);
  const search = query.toString();
  return location.pathname + (search ? '?' + search : '');
}
function filtersFromForm() {
  const filters = {};
  for (const name of FILTERS) { const select = byId('filter-' + name); if (select && select.value) filters[name] = select.value; }
  return filters;
}
function fillSelect(name, values, chosen, labelOf) {
  const select = byId('filter-' + name);
  const list = [...new Set(values.concat(chosen ? [chosen] : []))].sort();
  const options = '<option value="">' + text(ALL_LABEL[name]) + '</option>' + list.map((value) => '<option value="' + text(value) + '"' + (value === chosen ? ' selected' : '') + '>' + text(labelOf ? labelOf(value) : value) + '</option>').join('');
  if (select.dataset.options !== options) { select.innerHTML = options; select.dataset.options = options; }
  select.value = chosen ?? '';
}
byId('filters').addEventListener('change', () => {
  history.pushState(null, '', addressOf(filtersFromForm()));
  later(0);
});
byId('filters').addEventListener('reset', (event) => {
  event.preventDefault();
  history.pushState(null, '', location.pathname);
  later(0);
});
window.addEventListener('popstate', () => later(0));

// --- the contract sections' own parts -----------------------------------------------------------
function issueRows(issues) {
  const rows = [];
  for (const entry of issues) for (const metric of entry.metrics) {
    const waiting = metric.state === 'not_started' && entry.contact?.waitsForAcceptance === true;
    if ((!['running', 'paused', 'breached'].includes(metric.state) && !waiting) || metric.metAt !== undefined) continue;
    const risk = metric.state === 'breached' ? 'breached' : metric.atRisk ? 'at-risk' : 'ok';
    const share = metric.targetMs ? Math.min(1, (metric.elapsedMs ?? 0) / metric.targetMs) : 0;
    const ticking = (metric.state === 'running' || metric.state === 'breached') && metric.deadline;
    const clock = waiting ? duration(metric.targetMs ?? 0) + ' once accepted'
      : ticking ? ''
      : 'paused, ' + (metric.remainingMs < 0 ? duration(metric.remainingMs) + ' overdue' : duration(metric.remainingMs) + ' left');
    rows.push({ deadline: metric.deadline ?? Infinity, html: '<tr class="issue ' + risk + '" data-source="' + text(entry.source) + '" data-key="' + text(entry.issue.key) + '" data-metric="' + text(metric.metric) + '"><td>' + issueLink(entry.issue) + keyCellExtras(entry) + '</td><td>' + text(entry.issue.title) + (entry.contact?.flag ? ' <span class="unlisted" title="' + text(entry.contact.reporter ?? '') + '">' + text(entry.contact.flag) + '</span>' : '') + '</td><td>' + text(entry.priority.effective) + '</td><td>' + text(metric.metric) + '</td>'
      + '<td>' + (metric.deadline ? dateTime(metric.deadline, metric.zone) + ' <span class="muted">' + text(metric.zone) + '</span>' : '<span class="muted">' + (waiting ? 'waits for an agent to accept' : 'paused') + '</span>') + '</td>'
      + '<td><div class="bar ' + risk + '" role="img" aria-label="' + Math.round(share * 100) + '% of the target used" title="' + Math.round(share * 100) + '% of the target used"><div style="width:' + (share * 100) + '%"></div></div></td>'
      + '<td class="clock"' + (ticking ? ' data-deadline="' + metric.deadline + '"' : '') + '>' + text(clock) + '</td>'
      + '<td>' + (entry.assignee ? text(entry.assignee) : '<span class="muted">unassigned</span>') + '</td></tr>' });
  }
  for (const entry of issues) {
    const signoff = entry.signoff;
    if (signoff?.state !== 'awaiting') continue;
    const risk = signoff.overdue ? 'breached' : 'ok';
    rows.push({ deadline: Infinity, html: '<tr class="issue signoff ' + risk + '" data-source="' + text(entry.source) + '" data-key="' + text(entry.issue.key) + '" data-metric="sign-off"><td>' + issueLink(entry.issue) + keyCellExtras(entry) + '</td><td>' + text(entry.issue.title) + '</td><td>' + text(entry.priority.effective) + '</td><td>sign-off</td>'
      + '<td><span class="muted">awaiting the customer since ' + dateTime(signoff.resolvedAt) + '</span></td><td></td>'
      + '<td>' + duration(signoff.elapsedMs ?? 0) + (signoff.target ? ' of ' + duration(signoff.target.ms) : '') + '</td><td>' + (entry.assignee ? text(entry.assignee) : '') + '</td></tr>' });
  }
  return rows.sort((a, b) => a.deadline - b.deadline).map((row) => row.html).join('');
}
const hoursText = (seconds) => { const m = Math.round(Math.abs(seconds) / 60); return (seconds < 0 ? '-' : '') + Math.floor(m / 60) + 'h' + (m % 60 ? (m % 60) + 'm' : ''); };
function hoursCard(card) {
  const pending = card.pendingApprovals.map((entry) => '<li>' + (entry.url ? '<a href="' + text(entry.url) + '">' + text(entry.issueKey) + '</a>' : text(entry.issueKey)) + ' ' + hoursText(entry.billedSeconds) + ' <span class="muted">waiting since ' + text(dateTime(entry.since)) + '</span></li>').join('');
  return '<div class="hours-card"><h3>Hours card</h3><p>Balance <b class="hours-balance' + (card.overdrawn ? ' breached' : '') + '"' + (card.overdrawn ? ' style="color:#b71c1c"' : '') + '>' + hoursText(card.balanceSeconds) + '</b>'
    + ' <span class="muted">bought ' + hoursText(card.purchasedSeconds) + ', charged ' + hoursText(card.chargedSeconds) + (card.currentPurchase ? ', latest purchase ' + text(card.currentPurchase) : '') + '</span></p>'
    + (pending ? '<p>Waiting for the customer&#39;s approval:</p><ul class="hours-pending">' + pending + '</ul>' : '') + '</div>';
}
function obligationRows(obligations) {
  return obligations.map((entry) => '<tr class="obligation ' + text(entry.outcome) + '"><td>' + text(entry.title) + '</td><td>' + text(entry.period) + '</td>'
    + '<td>' + dateTime(entry.dueAt, entry.zone) + '</td>'
    + '<td>' + (entry.issue ? issueLink(entry.issue) : '–') + '</td><td>' + text(entry.outcome) + '</td></tr>').join('');
}
dashboard.register({ id: 'hours', place: 'contract', order: 20, async render(view, contract) {
  return contract.hours ? hoursCard(await api('/hours/' + encodeURIComponent(contract.id))) : '';
} });
dashboard.register({ id: 'availability', place: 'contract', order: 30, render(view, contract) {
  const uptime = view.availability.find((entry) => entry.contract === contract.id);
  return uptime ? '<p class="availability ' + (uptime.met ? 'ok' : 'breached') + '">Availability ' + text(uptime.month) + ': ' + uptime.availabilityPercent + '% (target ' + uptime.targetPercent + '%), ' + (uptime.downtimeMs / 60000).toFixed(1) + ' of ' + (uptime.budgetMs / 60000).toFixed(1) + ' minutes of downtime used</p>' : '';
} });
dashboard.register({ id: 'issues', place: 'contract', order: 40, render(view, contract) {
  const rows = issueRows(view.issues.filter((entry) => entry.contract === contract.id));
  return rows ? '<table class="issues"><caption class="muted" style="text-align:left">Open clocks of ' + text(contract.customer) + ', soonest deadline first</caption><tr><th scope="col">issue</th><th scope="col">title</th><th scope="col">priority</th><th scope="col">metric</th><th scope="col">deadline</th><th scope="col">elapsed of target</th><th scope="col">time to breach</th><th scope="col">assignee</th></tr>' + rows + '</table>'
    : '<p class="muted">' + (view.filtered ? 'No open issues match the filters.' : 'No open issues.') + '</p>';
} });
dashboard.register({ id: 'obligations', place: 'contract', order: 50, render(view, contract) {
  const owed = view.obligations.filter((entry) => entry.contract === contract.id);
  return owed.length ? '<h3>Recurring obligations</h3><table><tr><th scope="col">obligation</th><th scope="col">period</th><th scope="col">due</th><th scope="col">issue</th><th scope="col">state</th></tr>' + obligationRows(owed) + '</table>' : '';
} });

// --- the clocks ---------------------------------------------------------------------------------
function tick() {
  const now = serverNow();
  for (const cell of document.querySelectorAll('td.clock[data-deadline]')) {
    const left = Number(cell.dataset.deadline) - now;
    const words = clockText(left) + (left < 0 ? ' overdue' : ' left');
    if (cell.textContent !== words) cell.textContent = words;
  }
}
setInterval(tick, 1000);

// --- reading and rendering ----------------------------------------------------------------------
const showLogin = (message) => {
  stopLive();
  byId('nav').hidden = true; byId('filters').hidden = true; byId('content').innerHTML = ''; byId('overview').innerHTML = ''; lastHtml = '';
  byId('login').hidden = false; byId('error').textContent = message;
  delete document.body.dataset.loaded;
};
let lastHtml = '';
let renders = 0;
async function refresh() {
  const error = byId('error');
  try {
    const { filters, ignored } = filtersFromAddress();
    if (ignored.length) history.replaceState(null, '', addressOf(filters));
    const query = new URLSearchParams();
    for (const name of API_FILTERS) if (filters[name]) query.set(name, filters[name]);
    const asked = query.toString();
    const [{ contracts }, answer, everything, compliance, { obligations }, { availability }] = await Promise.all([
      api('/contracts'), api('/issues' + (asked ? '?' + asked : '')), asked ? api('/issues') : null, api('/compliance?months=6'), api('/obligations'), api('/availability')]);
    clockOffset = answer.now - Date.now();
    const all = (everything ?? answer).issues.filter((entry) => entry.contract !== undefined);
    const issues = answer.issues.filter((entry) => entry.contract !== undefined && (!filters.line || entry.line === filters.line));
    const lines = all.flatMap((entry) => typeof entry.line === 'string' ? [entry.line] : []);
    byId('filter-line-label').hidden = lines.length === 0 && !filters.line;
    fillSelect('contract', contracts.map((contract) => contract.id), filters.contract, (id) => (contracts.find((contract) => contract.id === id)?.customer ?? id) + ' (' + id + ')');
    fillSelect('source', all.map((entry) => entry.source), filters.source);
    fillSelect('priority', FIXED.priority, filters.priority);
    fillSelect('state', FIXED.state, filters.state);
    fillSelect('line', lines, filters.line);
    fillSelect('assignee', all.flatMap((entry) => entry.assignee ? [entry.assignee] : []), filters.assignee);
    byId('login').hidden = true; byId('nav').hidden = false; byId('filters').hidden = false;
    const shown = contracts.filter((contract) => !filters.contract || contract.id === filters.contract);
    const view = dashboard.view = { filters, filtered: Object.keys(filters).length > 0, contracts: shown, allContracts: contracts, issues, compliance: compliance.contracts.filter((entry) => shown.some((contract) => contract.id === entry.id)), obligations, availability, now: answer.now };
    const place = (name) => sections.filter((section) => section.place === name);
    const overview = (await Promise.all(place('overview').map((section) => section.render(view)))).join('');
    const parts = await Promise.all(shown.map(async (contract) => '<section class="contract" data-contract="' + text(contract.id) + '" aria-labelledby="contract-' + text(contract.id) + '"><h2 id="contract-' + text(contract.id) + '">' + text(contract.customer) + ' <span class="muted">(' + text(contract.id) + ')</span></h2>'
      + (await Promise.all(place('contract').map((section) => section.render(view, contract)))).join('') + '</section>'));
    const html = overview + '\u0000' + parts.join('');
    error.textContent = ignored.length ? 'Ignored from the address: ' + ignored.join(', ') + ' (not a value of that filter).' : '';
    // Unchanged data leaves the DOM alone: focus, scroll and an open "values" table stay.
    if (html !== lastHtml) {
      byId('overview').innerHTML = overview;
      byId('content').innerHTML = parts.join('') || '<p class="muted">No contract matches the filters.</p>';
      lastHtml = html;
    }
    tick();
    document.body.dataset.loaded = 'true';
    document.body.dataset.renders = String(++renders);
    document.dispatchEvent(new CustomEvent('sla-dashboard:rendered', { detail: view }));
    return true;
  } catch (failure) {
    // Without a session (the usual first visit) the form is the whole answer; an ended one says why.
    if (failure instanceof LoggedOut) showLogin(failure.reason === 'missing' ? '' : 'Not logged in: ' + failure.message + '.');
    else error.textContent = failure.message;
    return false;
  }
}
// One read at a time; what arrives meanwhile is one more read after it.
let reading = null; let again = false; let soon = null; let soonAt = 0; let lastRead = 0;
/** Between reads the saves wait at least this long: a busy bridge saves many states a second, and every open page reads everything. */
const READ_GAP_MS = 1000;
function read() {
  soon = null;
  if (reading) { again = true; return; }
  reading = refresh().finally(() => { reading = null; lastRead = Date.now(); if (again) { again = false; later(200); } });
}
/**
 * A read in 'ms' (0: a person asked, at once). Saves come in bursts (one webhook recomputes, plans
 * and writes back): a read already planned takes the later ones along instead of being put off,
 * so a steady stream of saves cannot hold the page back.
 */
function later(ms) {
  const at = ms === 0 ? Date.now() : Math.max(Date.now() + ms, lastRead + READ_GAP_MS);
  if (soon && soonAt <= at) return;
  clearTimeout(soon); soonAt = at; soon = setTimeout(read, at - Date.now());
}

// --- live updates -------------------------------------------------------------------------------
let events = null; let fallback = null; let heardBefore = false;
function setLive(state, words) {
  const badge = byId('live'); badge.className = state; badge.textContent = words; document.body.dataset.live = state;
}
function startLive() {
  if (events) return;
  events = new EventSource('/api/events');
  events.addEventListener('ready', () => {
    setLive('on', 'live');
    // Back after a break: whatever was saved meanwhile was not heard.
    if (heardBefore) later(0);
    heardBefore = true;
  });
  events.addEventListener('changed', () => later(200));
  events.addEventListener('resync', () => later(0));
  events.onerror = () => {
    if (events.readyState !== EventSource.CLOSED) return setLive('off', 'reconnecting…');
    // Refused: a session that ended (the read shows the login at once) or a bridge without the
    // stream (the page reads, and tries the stream again, every 30 s).
    events = null;
    const poll = async () => {
      if (!(await refresh())) return;
      setLive('off', 'not live: reading every 30 s');
      fallback = setTimeout(async () => { if (await refresh()) startLive(); }, 30000);
    };
    clearTimeout(fallback);
    poll();
  };
}
function stopLive() {
  if (events) events.close();
  events = null; heardBefore = false; clearTimeout(fallback);
  setLive('off', '');
}

async function logIn(token) {
  const response = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
    .catch(() => null);
  if (!response) return showLogin('The bridge did not answer.');
  if (response.status === 204) return start();
  const answer = await response.json().catch(() => ({}));
  showLogin(answer.error ? 'Not logged in: ' + answer.error + '.' : 'The login answered ' + response.status + '.');
}
async function start() { if (await refresh()) startLive(); }
byId('login').addEventListener('submit', (event) => {
  event.preventDefault(); const input = byId('token'); const token = input.value; input.value = ''; logIn(token);
});
byId('logout').addEventListener('click', async () => {
  await fetch('/api/session', { method: 'DELETE' }); showLogin('Logged out.');
});
`;

/** Runs last, once every part has registered its sections. */
export const DASHBOARD_START = String.raw`
// Tabs of the version that kept the token in sessionStorage.
sessionStorage.removeItem('sla-bridge-token');
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) { history.replaceState(null, '', location.pathname + location.search); logIn(fromHash); } else start();
`;
