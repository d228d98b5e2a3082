/** The quarterly associate statement as CSV (for the invoice spreadsheet) and as printable HTML. */
import { toLocalIso } from '../../domain/local-time.js';
import type { HoursStatement } from '../../domain/hours-statement.js';
import { hoursMinutes } from './hours-report-format.js';

function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
const row = (...cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',');
const minutes = (seconds: number) => String(Math.round(seconds / 60));
const amount = (value: number | null) => (value === null ? '' : value.toFixed(2));

export function statementCsv(statement: HoursStatement): string {
  return (
    [
      row('contract', 'customer', 'quarter', 'zone', 'rate_per_hour', 'currency'),
      row(statement.contract, statement.customer, statement.quarter, statement.zone, statement.rate?.perHour, statement.rate?.currency),
      '',
      row('associate', 'issue', 'source', 'title', 'kind', 'first_booked', 'raw_minutes', 'billed_minutes', 'amount'),
      ...statement.associates.flatMap((associate) => [
        ...associate.calls.map((call) => row(associate.associate, call.key, call.source, call.title, call.kind, toLocalIso(call.at, statement.zone), minutes(call.rawSeconds), minutes(call.billedSeconds), amount(call.amount))),
        row(associate.associate, '(total)', '', '', '', '', minutes(associate.rawSeconds), minutes(associate.billedSeconds), amount(associate.amount)),
      ]),
      row('(all)', '(total)', '', '', '', '', minutes(statement.totals.rawSeconds), minutes(statement.totals.billedSeconds), amount(statement.totals.amount)),
    ].join('\n') + '\n'
  );
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function statementHtml(statement: HoursStatement): string {
  const money = (value: number | null) => (value === null ? '–' : `${statement.rate!.currency} ${value.toFixed(2)}`);
  const sections = statement.associates
    .map(
      (associate) => `<h2>${escapeHtml(associate.associate)}</h2>
<table><tr><th>call</th><th>title</th><th>kind</th><th>first booked</th><th>booked</th><th>billed</th><th>amount</th></tr>
${associate.calls
  .map(
    (call) => `<tr><td>${call.url ? `<a href="${escapeHtml(call.url)}">${escapeHtml(call.key)}</a>` : escapeHtml(call.key)}</td><td>${escapeHtml(call.title ?? '')}</td><td>${call.kind}</td><td>${toLocalIso(call.at, statement.zone).slice(0, 10)}</td><td>${hoursMinutes(call.rawSeconds)}</td><td>${hoursMinutes(call.billedSeconds)}</td><td>${money(call.amount)}</td></tr>`,
  )
  .join('\n')}
<tr><th colspan="4">${associate.calls.length} calls</th><th>${hoursMinutes(associate.rawSeconds)}</th><th>${hoursMinutes(associate.billedSeconds)}</th><th>${money(associate.amount)}</th></tr></table>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Associate statement ${escapeHtml(statement.contract)} ${statement.quarter}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}@media print{body{margin:0}a{color:inherit;text-decoration:none}}</style></head><body>
<h1>Associate statement: ${escapeHtml(statement.customer)}</h1>
<p>Contract <b>${escapeHtml(statement.contract)}</b>, ${statement.quarter} (${escapeHtml(statement.zone)}): ${statement.totals.calls} calls, ${hoursMinutes(statement.totals.billedSeconds)} billed${statement.rate ? ` at ${statement.rate.currency} ${statement.rate.perHour} an hour: <b>${money(statement.totals.amount)}</b>` : ''}.</p>
${sections || '<p>No calls in this quarter.</p>'}
</body></html>
`;
}
