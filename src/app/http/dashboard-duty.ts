/**
 * The dashboard's duty block: who of each team is on duty now and who is next (GET /api/teams).
 * Self-contained, so the page only includes it: it waits for the page to have loaded its data
 * (which means a session), then puts its section above the contracts, and again on each reload of
 * the data.
 */
export const DUTY_BLOCK = `<script>
(() => {
  const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const when = (iso) => { const d = new Date(iso); return d.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }); };
  const who = (shift) => shift.person ? esc(shift.name) + (shift.source === 'cover' ? ' <span class="muted">(covers ' + esc(shift.replaces) + ')</span>' : shift.source === 'override' ? ' <span class="muted">(swap)</span>' : '') : '<span class="muted">nobody (fallback channel)</span>';
  async function show() {
    const response = await fetch('/api/teams');
    if (!response.ok) return;
    const { teams } = await response.json();
    let block = document.getElementById('duty');
    if (!block) { block = document.createElement('section'); block.id = 'duty'; document.getElementById('content').before(block); }
    block.innerHTML = teams.length === 0 ? '' : '<h2>On duty</h2><table><tr><th>team</th><th>now</th><th>until</th><th>next</th></tr>' + teams.map((team) =>
      '<tr class="duty" data-team="' + esc(team.id) + '"><td>' + esc(team.name) + '</td><td class="now">' + who(team.now) + '</td><td>' + esc(when(team.now.until)) + '</td><td class="next">' + (team.next ? who(team.next) : '–') + '</td></tr>').join('') + '</table>';
  }
  new MutationObserver(() => { if (document.body.dataset.loaded === 'true') show(); else document.getElementById('duty')?.remove(); })
    .observe(document.body, { attributes: true, attributeFilter: ['data-loaded'] });
})();
</script>`;
