/** The what-if comparison as CSV (one row per month, priority and metric, both sides) and as HTML (the two side by side). */
import { formatMs } from '../../domain/duration.js';
import { toLocalIso } from '../../domain/local-time.js';
import type { WhatIfCell, WhatIfMonth, WhatIfOutcome, WhatIfReport } from '../../domain/what-if-report.js';

const minutes = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 60_000)));

function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvRow = (...cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',');

const CELL_COLUMNS = ['met', 'breached', 'open', 'not_applicable', 'percent_met', 'median_business_minutes', 'p90_business_minutes'];
const cellValues = (cell: WhatIfCell) => [cell.met, cell.breached, cell.open, cell.notApplicable, cell.percentMet, minutes(cell.medianMs), minutes(cell.p90Ms)];

export function whatIfCsv(report: WhatIfReport): string {
  const local = (instant: number | null) => (instant === null ? '' : toLocalIso(instant, report.zone));
  const months = report.perMonth.length > 1 ? [...report.perMonth, report.total] : report.perMonth;
  return [
    csvRow('contract', 'customer', 'months', 'zone', 'with_kind', 'with_id', 'with_file', 'issues', 'changed', 'deadlines_moved'),
    csvRow(report.contract, report.customer, report.total.month, report.zone, report.with.kind, report.with.id, report.with.file, report.issues, report.total.changed, report.total.deadlinesMoved),
    '',
    csvRow('month', 'priority', 'metric', ...CELL_COLUMNS.map((column) => `before_${column}`), ...CELL_COLUMNS.map((column) => `after_${column}`)),
    ...months.flatMap((month) => month.rows.map((row) => csvRow(month.month, row.priority, row.metric, ...cellValues(row.before), ...cellValues(row.after)))),
    '',
    csvRow('month', 'source', 'issue', 'title', 'metric', 'before_priority', 'before_state', 'before_deadline', 'after_priority', 'after_state', 'after_deadline'),
    ...report.changes.map((change) =>
      csvRow(change.month, change.source, change.key, change.title, change.metric, change.before.priority, change.before.state, local(change.before.deadline), change.after.priority, change.after.state, local(change.after.deadline)),
    ),
  ].join('\n') + '\n';
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const time = (ms: number | null) => (ms === null ? '–' : formatMs(ms));
const share = (percent: number | null) => (percent === null ? '–' : `${percent}%`);

function cellHtml(cell: WhatIfCell, other: WhatIfCell, side: 'before' | 'after'): string {
  const values = [String(cell.met), String(cell.breached), share(cell.percentMet), time(cell.medianMs), time(cell.p90Ms)];
  const others = [String(other.met), String(other.breached), share(other.percentMet), time(other.medianMs), time(other.p90Ms)];
  return values.map((value, index) => `<td class="${side}${value === others[index] ? '' : ' differs'}">${value}</td>`).join('');
}

function monthTable(month: WhatIfMonth): string {
  const heads = '<th>met</th><th>breached</th><th>on time</th><th>median</th><th>p90</th>';
  const rows = month.rows
    .map((row) => `<tr class="row${row.priority === 'all' ? ' all' : ''}" data-priority="${escapeHtml(row.priority)}" data-metric="${escapeHtml(row.metric)}"><th scope="row">${escapeHtml(row.priority)}</th><td>${escapeHtml(row.metric)}</td>${cellHtml(row.before, row.after, 'before')}${cellHtml(row.after, row.before, 'after')}</tr>`)
    .join('\n');
  return `<table class="what-if-month" data-month="${escapeHtml(month.month)}">
<caption>${escapeHtml(month.month)}: ${month.issues} issues, ${month.changed} outcomes change, ${month.deadlinesMoved} deadlines move</caption>
<tr><th rowspan="2">priority</th><th rowspan="2">metric</th><th colspan="5" class="before">as it was</th><th colspan="5" class="after">as it would have been</th></tr>
<tr>${heads}${heads}</tr>
${rows || '<tr><td colspan="12">No issues of this contract were created in this month.</td></tr>'}</table>`;
}

function outcomeHtml(outcome: WhatIfOutcome, zone: string): string {
  const deadline = outcome.deadline === null ? '' : ` <span class="muted">deadline ${toLocalIso(outcome.deadline, zone).slice(0, 16).replace('T', ' ')}</span>`;
  return `<td class="state ${outcome.state}">${escapeHtml(outcome.state.replace('_', ' '))}${outcome.priority ? ` (${escapeHtml(outcome.priority)})` : ''}${deadline}</td>`;
}

/** The comparison as a section (the dashboard places it in its page). */
export function whatIfSection(report: WhatIfReport): string {
  const months = report.perMonth.length > 1 ? [report.total, ...report.perMonth] : report.perMonth;
  const changes = report.changes
    .map((change) => `<tr class="change"><td>${escapeHtml(change.month)}</td><td>${change.url ? `<a href="${escapeHtml(change.url)}">${escapeHtml(change.key)}</a>` : escapeHtml(change.key)}</td><td>${escapeHtml(change.title ?? '')}</td><td>${escapeHtml(change.metric)}</td>${outcomeHtml(change.before, report.zone)}${outcomeHtml(change.after, report.zone)}</tr>`)
    .join('\n');
  return `<section id="what-if-report" data-contract="${escapeHtml(report.contract)}">
<p>Contract <b>${escapeHtml(report.contract)}</b> (${escapeHtml(report.customer)}), ${escapeHtml(report.total.month)} in ${escapeHtml(report.zone)}: ${report.issues} issues computed again from their event logs
with the changed ${report.with.kind} ${escapeHtml(report.with.id)} (from ${escapeHtml(report.with.file)}), both sides as of ${toLocalIso(report.computedAt, report.zone).slice(0, 16).replace('T', ' ')}.</p>
${months.map(monthTable).join('\n')}
<h3>Issues whose outcome changes</h3>
${report.changes.length === 0 ? '<p class="no-changes">None.</p>' : `<table class="what-if-changes"><tr><th>month</th><th>issue</th><th>title</th><th>metric</th><th>as it was</th><th>as it would have been</th></tr>\n${changes}</table>`}
</section>`;
}

export const WHAT_IF_STYLE = `table.what-if-month,table.what-if-changes{border-collapse:collapse;margin:1rem 0}.what-if-month td,.what-if-month th,.what-if-changes td,.what-if-changes th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.what-if-month caption{text-align:left;font-weight:600}.what-if-month .after{background:#f3f7ff}.what-if-month td.differs{font-weight:700;outline:2px solid #1d4ed8;outline-offset:-2px}tr.all th,tr.all td{border-top:2px solid #999}.muted{color:#666}
td.state.met{color:#1b5e20}td.state.breached{color:#b71c1c}`;

export function whatIfHtml(report: WhatIfReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>What if: ${escapeHtml(report.contract)} ${escapeHtml(report.total.month)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}${WHAT_IF_STYLE}</style></head><body>
<h1>What if: ${escapeHtml(report.customer)}</h1>
${whatIfSection(report)}
</body></html>
`;
}
