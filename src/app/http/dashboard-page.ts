/**
 * The dashboard: one self-contained page (no assets to fetch) over the status API. The page itself
 * holds no data and keeps no token: it logs in with POST /api/session and the browser then holds the
 * HttpOnly session cookie, which also opens the queue board. `#token=…` in the address logs in
 * once and is removed from the address at once.
 */
import { DUTY_BLOCK } from './dashboard-duty.js';

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sla-bridge</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.35rem .6rem;border-bottom:1px solid #e5e5e5;text-align:left;font-size:.9rem}
.bar{width:180px;height:12px;background:#eee;border-radius:6px;overflow:hidden}.bar>div{height:100%}
.ok>div{background:#2e7d32}.at-risk>div{background:#f9a825}.breached>div{background:#c62828}
tr.breached td:first-child{border-left:4px solid #c62828}tr.at-risk td:first-child{border-left:4px solid #f9a825}
#login,nav{display:flex;gap:.8rem;align-items:center;margin:1rem 0}#login[hidden],nav[hidden]{display:none}#error{color:#c62828}.muted{color:#777}.unlisted{color:#b45309;font-size:.8rem;border:1px solid #b45309;border-radius:4px;padding:0 .3rem}
</style></head><body>
<h1>sla-bridge: open issues and compliance</h1>
<nav id="nav" hidden><a id="queues" href="/api/queues/">Queue board</a><button id="logout" type="button">Log out</button></nav>
<form id="login" hidden><input id="token" type="password" autocomplete="current-password" placeholder="API token (SLA_BRIDGE_API_TOKEN)" size="40" required><button>Log in</button></form>
<p id="error"></p><div id="content"></div>
<script>
class LoggedOut extends Error { constructor(answer) { super(answer.error); this.reason = answer.reason; } }
const showLogin = (message) => {
  document.getElementById('nav').hidden = true; document.getElementById('content').innerHTML = '';
  document.getElementById('login').hidden = false; document.getElementById('error').textContent = message;
  delete document.body.dataset.loaded;
};
async function logIn(token) {
  const response = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
    .catch(() => null);
  if (!response) return showLogin('The bridge did not answer.');
  if (response.status === 204) return load();
  const answer = await response.json().catch(() => ({}));
  showLogin(answer.error ? 'Not logged in: ' + answer.error + '.' : 'The login answered ' + response.status + '.');
}
document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault(); const input = document.getElementById('token'); const token = input.value; input.value = ''; logIn(token);
});
document.getElementById('logout').addEventListener('click', async () => {
  await fetch('/api/session', { method: 'DELETE' }); showLogin('Logged out.');
});
const text = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const duration = (ms) => { const m = Math.round(Math.abs(ms) / 60000); return (m >= 60 ? Math.floor(m / 60) + 'h' : '') + (m % 60) + 'm'; };
async function api(path) {
  const response = await fetch('/api' + path);
  if (response.status === 401) throw new LoggedOut(await response.json().catch(() => ({})));
  if (!response.ok) throw new Error('The API answered ' + response.status + '.');
  return response.json();
}
function months(count) {
  const now = new Date(); const list = [];
  for (let i = count - 1; i >= 0; i--) { const d = new Date(now.getFullYear(), now.getMonth() - i, 1); list.push(d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0')); }
  return list;
}
function complianceChart(reports) {
  const width = 46, height = 90;
  const bars = reports.map((report, i) => {
    const decided = report.metrics.reduce((sum, m) => sum + m.met + m.breached, 0);
    const met = report.metrics.reduce((sum, m) => sum + m.met, 0);
    const percent = decided ? Math.round(100 * met / decided) : null;
    const h = percent === null ? 0 : (height - 20) * percent / 100;
    return '<g transform="translate(' + (i * width) + ',0)"><rect class="compliance" x="6" y="' + (height - 20 - h) + '" width="30" height="' + h + '" fill="#2e7d32"><title>' + report.month + ': ' + (percent === null ? 'no decided metrics' : percent + '% met') + '</title></rect>'
      + '<text x="21" y="' + (height - 6) + '" font-size="10" text-anchor="middle">' + report.month.slice(2) + '</text>'
      + '<text x="21" y="' + Math.max(10, height - 24 - h) + '" font-size="10" text-anchor="middle">' + (percent === null ? '–' : percent + '%') + '</text></g>';
  });
  return '<svg role="img" aria-label="compliance per month" width="' + (reports.length * width) + '" height="' + height + '">' + bars.join('') + '</svg>';
}
function issueRows(issues) {
  const rows = [];
  for (const entry of issues) for (const metric of entry.metrics) {
    const waiting = metric.state === 'not_started' && entry.contact?.waitsForAcceptance === true;
    if ((!['running', 'paused', 'breached'].includes(metric.state) && !waiting) || metric.metAt !== undefined) continue;
    const risk = metric.state === 'breached' ? 'breached' : metric.atRisk ? 'at-risk' : 'ok';
    const share = metric.targetMs ? Math.min(1, (metric.elapsedMs ?? 0) / metric.targetMs) : 0;
    const link = entry.issue.url ? '<a href="' + text(entry.issue.url) + '">' + text(entry.issue.key) + '</a>' : text(entry.issue.key);
    rows.push({ deadline: metric.deadline ?? Infinity, html: '<tr class="issue ' + risk + '"><td>' + link + '</td><td>' + text(entry.issue.title) + (entry.contact?.flag ? ' <span class="unlisted" title="' + text(entry.contact.reporter ?? '') + '">' + text(entry.contact.flag) + '</span>' : '') + '</td><td>' + text(entry.priority.effective) + '</td><td>' + text(metric.metric) + '</td>'
      + '<td>' + (metric.deadline ? new Date(metric.deadline).toLocaleString('en-GB', { timeZone: metric.zone, dateStyle: 'medium', timeStyle: 'short' }) + ' <span class="muted">' + text(metric.zone) + '</span>' : '<span class="muted">' + (waiting ? 'waits for an agent to accept' : 'paused') + '</span>') + '</td>'
      + '<td><div class="bar ' + risk + '" title="' + Math.round(share * 100) + '% of the target used"><div style="width:' + (share * 100) + '%"></div></div></td>'
      + '<td>' + (waiting ? duration(metric.targetMs ?? 0) + ' once accepted' : metric.remainingMs < 0 ? duration(metric.remainingMs) + ' overdue' : duration(metric.remainingMs) + ' left') + '</td></tr>' });
  }
  for (const entry of issues) {
    const signoff = entry.signoff;
    if (signoff?.state !== 'awaiting') continue;
    const link = entry.issue.url ? '<a href="' + text(entry.issue.url) + '">' + text(entry.issue.key) + '</a>' : text(entry.issue.key);
    const risk = signoff.overdue ? 'breached' : 'ok';
    rows.push({ deadline: Infinity, html: '<tr class="issue signoff ' + risk + '"><td>' + link + '</td><td>' + text(entry.issue.title) + '</td><td>' + text(entry.priority.effective) + '</td><td>sign-off</td>'
      + '<td><span class="muted">awaiting the customer since ' + new Date(signoff.resolvedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) + '</span></td><td></td>'
      + '<td>' + duration(signoff.elapsedMs ?? 0) + (signoff.target ? ' of ' + duration(signoff.target.ms) : '') + '</td></tr>' });
  }
  return rows.sort((a, b) => a.deadline - b.deadline).map((row) => row.html).join('');
}
const hoursText = (seconds) => { const m = Math.round(Math.abs(seconds) / 60); return (seconds < 0 ? '-' : '') + Math.floor(m / 60) + 'h' + (m % 60 ? (m % 60) + 'm' : ''); };
function hoursCard(card) {
  const pending = card.pendingApprovals.map((entry) => '<li>' + (entry.url ? '<a href="' + text(entry.url) + '">' + text(entry.issueKey) + '</a>' : text(entry.issueKey)) + ' ' + hoursText(entry.billedSeconds) + ' <span class="muted">waiting since ' + text(new Date(entry.since).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })) + '</span></li>').join('');
  return '<div class="hours-card"><h3>Hours card</h3><p>Balance <b class="hours-balance' + (card.overdrawn ? ' breached' : '') + '"' + (card.overdrawn ? ' style="color:#c62828"' : '') + '>' + hoursText(card.balanceSeconds) + '</b>'
    + ' <span class="muted">bought ' + hoursText(card.purchasedSeconds) + ', charged ' + hoursText(card.chargedSeconds) + (card.currentPurchase ? ', latest purchase ' + text(card.currentPurchase) : '') + '</span></p>'
    + (pending ? '<p>Waiting for the customer&#39;s approval:</p><ul class="hours-pending">' + pending + '</ul>' : '') + '</div>';
}
function obligationRows(obligations) {
  return obligations.map((entry) => '<tr class="obligation ' + text(entry.outcome) + '"><td>' + text(entry.title) + '</td><td>' + text(entry.period) + '</td>'
    + '<td>' + new Date(entry.dueAt).toLocaleString('en-GB', { timeZone: entry.zone, dateStyle: 'medium', timeStyle: 'short' }) + '</td>'
    + '<td>' + (entry.issue ? (entry.issue.url ? '<a href="' + text(entry.issue.url) + '">' + text(entry.issue.key) + '</a>' : text(entry.issue.key)) : '–') + '</td><td>' + text(entry.outcome) + '</td></tr>').join('');
}
async function load() {
  const error = document.getElementById('error'); const content = document.getElementById('content');
  error.textContent = '';
  try {
    const [{ contracts }, { issues }, { obligations }, { availability }] = await Promise.all([api('/contracts'), api('/issues'), api('/obligations'), api('/availability')]);
    document.getElementById('login').hidden = true; document.getElementById('nav').hidden = false;
    const sections = await Promise.all(contracts.map(async (contract) => {
      const reports = await Promise.all(months(6).map((month) => api('/reports/' + encodeURIComponent(contract.id) + '/' + month)));
      const rows = issueRows(issues.filter((entry) => entry.contract === contract.id));
      const card = contract.hours ? await api('/hours/' + encodeURIComponent(contract.id)) : null;
      const owed = obligations.filter((entry) => entry.contract === contract.id);
      const uptime = availability.find((entry) => entry.contract === contract.id);
      return '<section class="contract" data-contract="' + text(contract.id) + '"><h2>' + text(contract.customer) + ' <span class="muted">(' + text(contract.id) + ')</span></h2>'
        + complianceChart(reports)
        + (card ? hoursCard(card) : '')
        + (uptime ? '<p class="availability ' + (uptime.met ? 'ok' : 'breached') + '">Availability ' + text(uptime.month) + ': ' + uptime.availabilityPercent + '% (target ' + uptime.targetPercent + '%), ' + (uptime.downtimeMs / 60000).toFixed(1) + ' of ' + (uptime.budgetMs / 60000).toFixed(1) + ' minutes of downtime used</p>' : '')
        + (rows ? '<table><tr><th>issue</th><th>title</th><th>priority</th><th>metric</th><th>deadline</th><th>elapsed of target</th><th>time</th></tr>' + rows + '</table>' : '<p class="muted">No open issues.</p>')
        + (owed.length ? '<h3>Recurring obligations</h3><table><tr><th>obligation</th><th>period</th><th>due</th><th>issue</th><th>state</th></tr>' + obligationRows(owed) + '</table>' : '')
        + '</section>';
    }));
    content.innerHTML = sections.join('');
    document.body.dataset.loaded = 'true';
  } catch (failure) {
    // Without a session (the usual first visit) the form is the whole answer; an ended one says why.
    if (failure instanceof LoggedOut) showLogin(failure.reason === 'missing' ? '' : 'Not logged in: ' + failure.message + '.');
    else error.textContent = failure.message;
  }
}
// Tabs of the version that kept the token in sessionStorage.
sessionStorage.removeItem('sla-bridge-token');
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) { history.replaceState(null, '', location.pathname); logIn(fromHash); } else load();
</script>${DUTY_BLOCK}</body></html>
`;
