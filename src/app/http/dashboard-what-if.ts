/**
 * The dashboard's what-if form: a contract, months and a contract or calendar YAML (typed in or
 * read from a file), answered by POST /api/what-if and shown as the two reports side by side.
 * The session cookie opens GET and HEAD only (api-auth.ts: no other site can make a logged-in
 * browser send a POST), so the form asks for the API token and sends it as the bearer; the token
 * stays in the password field and is kept nowhere else.
 */
import { WHAT_IF_STYLE } from '../what-if/what-if-format.js';

export const WHAT_IF_DASHBOARD = `<section id="what-if" aria-labelledby="what-if-title">
<style>#what-if form{display:grid;grid-template-columns:max-content 1fr;gap:.4rem .8rem;max-width:56rem;align-items:start}#what-if textarea{font-family:ui-monospace,monospace;font-size:.85rem;width:100%}#what-if-error{color:#c62828}${WHAT_IF_STYLE}</style>
<h2 id="what-if-title">What if the contract had said…?</h2>
<p class="muted">Computes past months again from the stored event logs under a changed contract or calendar file (the format of config/contracts/ or config/calendars/). Reads only; nothing changes.</p>
<form id="what-if-form">
<label for="what-if-contract">Contract</label><input id="what-if-contract" list="what-if-contracts" required autocomplete="off"><datalist id="what-if-contracts"></datalist>
<label for="what-if-month">First month</label><input id="what-if-month" type="month" required>
<label for="what-if-months">Months</label><input id="what-if-months" type="number" min="1" max="36" value="1" required>
<label for="what-if-file">YAML file</label><input id="what-if-file" type="file" accept=".yaml,.yml,text/yaml">
<label for="what-if-yaml">Contract or calendar</label><textarea id="what-if-yaml" rows="12" required spellcheck="false" placeholder="e.g. a copy of config/contracts/open2bizz-saas.yaml with P2: 4h"></textarea>
<label for="what-if-token">API token</label><input id="what-if-token" type="password" autocomplete="off" required placeholder="SLA_BRIDGE_API_TOKEN (the login cookie cannot send a POST)">
<span></span><button id="what-if-run">Compare</button>
</form>
<p id="what-if-error" role="alert"></p><div id="what-if-result" aria-live="polite"></div>
</section>
<script>
(() => {
  const byId = (id) => document.getElementById(id);
  const now = new Date(); const last = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  byId('what-if-month').value = last.getFullYear() + '-' + String(last.getMonth() + 1).padStart(2, '0');
  // The contracts to choose from, once the page is logged in (asked again when the field is entered).
  const loadContracts = () => fetch('/api/contracts').then((response) => (response.ok ? response.json() : { contracts: [] })).then(({ contracts }) => {
    const list = byId('what-if-contracts'); list.replaceChildren();
    for (const contract of contracts) { const option = document.createElement('option'); option.value = contract.id; option.label = contract.customer; list.append(option); }
  }).catch(() => undefined);
  loadContracts();
  // The dashboard marks the page loaded once it is logged in: the list is open to it then.
  new MutationObserver(() => { if (document.body.dataset.loaded === 'true') loadContracts(); }).observe(document.body, { attributes: true, attributeFilter: ['data-loaded'] });
  byId('what-if-contract').addEventListener('focus', () => { if (!byId('what-if-contracts').children.length) loadContracts(); });
  byId('what-if-file').addEventListener('change', async (event) => {
    const file = event.target.files[0]; if (file) byId('what-if-yaml').value = await file.text();
  });
  byId('what-if-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = byId('what-if-error'); const result = byId('what-if-result');
    error.textContent = ''; result.replaceChildren(); delete result.dataset.loaded;
    const body = { contract: byId('what-if-contract').value.trim(), month: byId('what-if-month').value, months: Number(byId('what-if-months').value), with: byId('what-if-yaml').value, format: 'html' };
    const response = await fetch('/api/what-if', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + byId('what-if-token').value }, body: JSON.stringify(body) }).catch(() => null);
    if (!response) { error.textContent = 'The bridge did not answer.'; return; }
    if (!response.ok) { const answer = await response.json().catch(() => ({})); error.textContent = answer.error ?? ('The API answered ' + response.status + '.'); return; }
    // The server escaped every value; only its report section is taken over.
    const section = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('what-if-report');
    if (section) result.append(document.importNode(section, true));
    result.dataset.loaded = 'true';
  });
})();
</script>
`;
