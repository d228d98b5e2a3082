/**
 * The dashboard's support lines block: per contract and line the handovers, reaction median and
 * 90th percentile and breaches (GET /api/lines), after the contracts. Self-contained like the duty
 * block: it waits for the page to have loaded its data (a session), and follows each reload.
 */
export const LINES_BLOCK = `<script>
(() => {
  const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const span = (ms) => { if (ms === null || ms === undefined) return '–'; const m = Math.round(ms / 60000); return m < 60 ? m + 'm' : Math.floor(m / 60) + 'h' + (m % 60 ? ' ' + (m % 60) + 'm' : ''); };
  async function show() {
    const response = await fetch('/api/lines');
    if (!response.ok) return;
    const { contracts } = await response.json();
    let block = document.getElementById('support-lines');
    if (!block) { block = document.createElement('section'); block.id = 'support-lines'; document.getElementById('content').after(block); }
    block.innerHTML = contracts.length === 0 ? '' : '<h2>Support lines</h2>' + contracts.map((contract) =>
      '<table class="lines" data-contract="' + esc(contract.contract) + '"><caption class="muted" style="text-align:left">Handovers between the lines of ' + esc(contract.customer) + '</caption><tr><th scope="col">line</th><th scope="col">handovers</th><th scope="col">reacted</th><th scope="col">median reaction</th><th scope="col">90th percentile</th><th scope="col">breaches</th><th scope="col">waiting</th></tr>'
      + contract.lines.map((line) => '<tr class="line" data-line="' + esc(line.line) + '"><th scope="row">' + esc(line.line) + '</th><td class="handovers">' + (line.measured ? line.handovers : '–') + '</td><td class="reacted">' + line.reacted + '</td><td class="median">' + span(line.medianMs) + '</td><td class="p90">' + span(line.p90Ms) + '</td><td class="breaches">' + line.breaches + '</td><td class="open">' + line.open + '</td></tr>').join('')
      + '</table>').join('');
  }
  new MutationObserver(() => { if (document.body.dataset.loaded === 'true') show(); else document.getElementById('support-lines')?.remove(); })
    .observe(document.body, { attributes: true, attributeFilter: ['data-loaded'] });
})();
</script>`;
