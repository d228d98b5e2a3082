/**
 * The dashboard's timeline of one issue: a panel that reads `GET /api/issues/:source/:key/explain`
 * and shows each metric's short form and the timeline with its reasons, in the contract's zone.
 * Kept apart from the page's list (dashboard-page.ts) so that either can change alone: the page
 * puts the style, the panel and the script in, and a `timelineButton(entry)` into each issue row;
 * the panel is outside the list, so a list that redraws itself leaves an open timeline open.
 */

export const TIMELINE_STYLE = `
#timeline{margin:1.5rem 0;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem}
#timeline>summary{cursor:pointer;font-weight:600}#timeline h2{display:inline;font-size:1.05rem;margin:0}
#timeline .timeline-metrics{list-style:none;padding:0;margin:.6rem 0}#timeline .timeline-metrics li{margin:.2rem 0}
#timeline .timeline-entries{list-style:none;padding:0;margin:.6rem 0;border-left:2px solid #d0d7de}
#timeline .timeline-entries li{padding:.2rem .6rem;font-size:.9rem}#timeline time{font-variant-numeric:tabular-nums;color:#57606a;margin-right:.5rem}
#timeline .timeline-metric{font-weight:600;margin-right:.4rem}#timeline .timeline-kind{font-size:.75rem;border:1px solid #8c959f;border-radius:4px;padding:0 .3rem;margin-right:.4rem;color:#424a53}
#timeline .kind-paused,#timeline .kind-closed,#timeline .kind-held{color:#6e5200}#timeline .kind-breach,#timeline .kind-escalation{color:#a40e26}#timeline .kind-met{color:#1a7f37}
#timeline .timeline-reason{font-style:italic}.timeline-open{font-size:.75rem;margin-left:.4rem}.timeline-open::after{content:"timeline"}
`;

export const TIMELINE_MARKUP = `<details id="timeline" hidden><summary><h2 id="timeline-title">Timeline</h2></summary><p id="timeline-error" role="alert"></p><ul class="timeline-metrics" id="timeline-metrics"></ul><ol class="timeline-entries" id="timeline-entries"></ol></details>`;

export const TIMELINE_SCRIPT = `
const timelineEscape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
/** The button of an issue row (an entry of GET /api/issues) that opens its timeline. */
function timelineButton(entry) {
  // The label is drawn by the style sheet, so the row's own text (what people copy, what tests read) stays the issue key.
  return '<button type="button" class="timeline-open" aria-controls="timeline" aria-label="Timeline of ' + timelineEscape(entry.issue.key) + '" data-source="' + timelineEscape(entry.source) + '" data-key="' + timelineEscape(entry.issue.key) + '"></button>';
}
function timelineLocal(iso, zone) {
  return new Date(iso).toLocaleString('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
/** The issue whose timeline is open, read again when a live update re-renders the page. */
let timelineShown = null;
async function openTimeline(source, key, quiet) {
  const panel = document.getElementById('timeline');
  const error = document.getElementById('timeline-error');
  timelineShown = { source, key };
  panel.hidden = false; if (!quiet) { panel.open = true; delete panel.dataset.loaded; } error.textContent = '';
  document.getElementById('timeline-title').textContent = 'Timeline of ' + key + ' (' + source + ')';
  try {
    const response = await fetch('/api/issues/' + encodeURIComponent(source) + '/' + encodeURIComponent(key) + '/explain');
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || 'The API answered ' + response.status + '.');
    document.getElementById('timeline-metrics').innerHTML = answer.metrics.map((metric) => '<li class="timeline-short" data-metric="' + timelineEscape(metric.metric) + '" data-state="' + timelineEscape(metric.state) + '"><span class="timeline-metric">' + timelineEscape(metric.metric) + '</span>'
      + '<span class="timeline-kind">' + timelineEscape(metric.state.replace('_', ' ')) + '</span>' + timelineEscape(metric.short) + '</li>').join('')
      || '<li class="muted">' + timelineEscape(answer.text.split('\\n')[0]) + '</li>';
    document.getElementById('timeline-entries').innerHTML = answer.timeline.map((entry) => '<li class="timeline-entry kind-' + timelineEscape(entry.kind) + '" data-kind="' + timelineEscape(entry.kind) + '"' + (entry.reason ? ' data-reason="' + timelineEscape(entry.reason) + '"' : '') + '>'
      + '<time datetime="' + timelineEscape(entry.at) + '">' + timelineEscape(timelineLocal(entry.at, answer.zone)) + '</time>'
      + (entry.metric ? '<span class="timeline-metric">' + timelineEscape(entry.metric) + '</span>' : '')
      + '<span class="timeline-kind">' + timelineEscape(entry.kind) + '</span><span class="timeline-text">' + timelineEscape(entry.text) + '</span></li>').join('');
    panel.dataset.loaded = key;
    panel.dataset.reads = String(Number(panel.dataset.reads || 0) + 1);
    if (!quiet) panel.scrollIntoView({ block: 'nearest' });
  } catch (failure) {
    error.textContent = 'No timeline: ' + failure.message;
  }
}
document.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('.timeline-open');
  if (button) openTimeline(button.dataset.source, button.dataset.key);
});
// A live update re-renders the list: an open timeline follows it, in place.
document.addEventListener('sla-dashboard:rendered', () => {
  const panel = document.getElementById('timeline');
  if (timelineShown && !panel.hidden && panel.open) openTimeline(timelineShown.source, timelineShown.key, true);
});
`;
