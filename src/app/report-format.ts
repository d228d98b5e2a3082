/** The monthly report as CSV (for spreadsheets) and as a printable HTML page with its charts. */
import { formatMs } from '../domain/duration.js';
import { toLocalIso } from '../domain/local-time.js';
import { PRIORITIES } from '../domain/priority.js';
import type { SlaReport } from '../domain/sla-report.js';
import { hoursCsvRows, hoursHtml } from './hours/hours-report-format.js';
import { contactsCsv, contactsHtml } from './report/contacts-format.js';
import { signoffCsv, signoffHtml } from './report/signoff-format.js';
import { customMetricsCsv, customMetricsHtml } from './report/custom-metrics-format.js';
import { lineStatsCsv, lineStatsHtml } from './report/line-stats-format.js';

const minutes = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 60_000)));

function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvRow = (...cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',');

export function reportCsv(report: SlaReport): string {
  return [
    csvRow('contract', 'customer', 'month', 'zone', 'issues', ...PRIORITIES),
    csvRow(report.contract, report.customer, report.month, report.zone, report.issues, ...PRIORITIES.map((priority) => report.byPriority[priority])),
    '',
    csvRow('metric', 'met', 'breached', 'open', 'not_applicable', 'percent_met', 'median_business_minutes', 'p90_business_minutes'),
    ...report.metrics.map((metric) => csvRow(metric.metric, metric.met, metric.breached, metric.open, metric.notApplicable, metric.percentMet, minutes(metric.medianMs), minutes(metric.p90Ms))),
    '',
    csvRow('source', 'issue', 'title', 'metric', 'priority', 'deadline', 'met_at', 'overdue_business_minutes'),
    ...report.breaches.map((breach) =>
      csvRow(breach.source, breach.key, breach.title, breach.metric, breach.priority, toLocalIso(breach.deadline, report.zone), breach.metAt === null ? '' : toLocalIso(breach.metAt, report.zone), minutes(breach.overdueMs)),
    ),
    ...(report.hours ? hoursCsvRows(report.hours, report.zone, csvRow) : []),
    ...contactsCsv(report, csvRow),
    ...signoffCsv(report, csvRow),
    ...customMetricsCsv(report, csvRow),
    ...lineStatsCsv(report, csvRow),
    ...obligationCsv(report),
    ...availabilityCsv(report),
  ].join('\n') + '\n';
}

/** The obligations' periods, after a blank line; nothing when the contract has none. */
function obligationCsv(report: SlaReport): string[] {
  if (!report.obligations) return [];
  const local = (instant: number | null) => (instant === null ? '' : toLocalIso(instant, report.zone));
  return [
    '',
    csvRow('obligation', 'title', 'period', 'opens', 'due', 'source', 'issue', 'resolved_at', 'outcome'),
    ...report.obligations.map((row) => csvRow(row.obligation, row.title, row.period, local(row.opensAt), local(row.dueAt), row.issue?.source, row.issue?.key, local(row.resolvedAt), row.outcome)),
  ];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** One horizontal bar: met on time in green, breached in red, still open in grey. */
function bar(met: number, breached: number, open: number): string {
  const total = Math.max(1, met + breached + open);
  const width = (count: number) => (300 * count) / total;
  return `<svg width="300" height="16" role="img" aria-label="${met} met, ${breached} breached, ${open} open">
<rect x="0" width="${width(met)}" height="16" fill="#2e7d32"/><rect x="${width(met)}" width="${width(breached)}" height="16" fill="#c62828"/><rect x="${width(met) + width(breached)}" width="${width(open)}" height="16" fill="#9e9e9e"/></svg>`;
}

export function reportHtml(report: SlaReport): string {
  const metricRows = report.metrics
    .map(
      (metric) => `<tr><td>${metric.metric}</td><td>${bar(metric.met, metric.breached, metric.open)}</td><td>${metric.met}</td><td>${metric.breached}</td><td>${metric.open}</td>
<td>${metric.percentMet === null ? '–' : `${metric.percentMet}%`}</td><td>${metric.medianMs === null ? '–' : formatMs(metric.medianMs)}</td><td>${metric.p90Ms === null ? '–' : formatMs(metric.p90Ms)}</td></tr>`,
    )
    .join('\n');
  const breachRows = report.breaches
    .map(
      (breach) => `<tr><td>${breach.url ? `<a href="${escapeHtml(breach.url)}">${escapeHtml(breach.key)}</a>` : escapeHtml(breach.key)}</td><td>${escapeHtml(breach.title ?? '')}</td>
<td>${breach.metric}</td><td>${breach.priority}</td><td>${toLocalIso(breach.deadline, report.zone).slice(0, 16).replace('T', ' ')}</td><td>${formatMs(breach.overdueMs)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SLA report ${escapeHtml(report.contract)} ${report.month}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}
@media print{body{margin:0}a{color:inherit;text-decoration:none}tr{page-break-inside:avoid}}
</style></head><body>
<h1>SLA report: ${escapeHtml(report.customer)}</h1>
<p>Contract <b>${escapeHtml(report.contract)}</b>, ${report.month} (${escapeHtml(report.zone)}): ${report.issues} issues
(${PRIORITIES.map((priority) => `${priority} ${report.byPriority[priority]}`).join(', ')}).</p>
<h2>Per metric</h2>
<table><tr><th>metric</th><th>met / breached / open</th><th>met</th><th>breached</th><th>open</th><th>met on time</th><th>median</th><th>90th percentile</th></tr>
${metricRows}</table>
<h2>Breaches</h2>
${report.breaches.length === 0 ? '<p>None.</p>' : `<table><tr><th>issue</th><th>title</th><th>metric</th><th>priority</th><th>deadline</th><th>overdue</th></tr>\n${breachRows}</table>`}
${report.hours ? `${hoursHtml(report.hours, report.zone, escapeHtml)}\n` : ''}${contactsHtml(report, escapeHtml)}
${signoffHtml(report)}${customMetricsHtml(report)}${lineStatsHtml(report)}
${obligationHtml(report)}${availabilityHtml(report)}</body></html>
`;
}

const OUTCOME_TEXT = { 'done-on-time': 'done on time', 'done-late': 'done late', open: 'open', overdue: 'overdue', 'not-opened': 'not opened' } as const;
const OUTCOME_COLOUR = { 'done-on-time': '#2e7d32', 'done-late': '#c62828', open: '#9e9e9e', overdue: '#c62828', 'not-opened': '#c62828' } as const;

function obligationHtml(report: SlaReport): string {
  if (!report.obligations) return '';
  const local = (instant: number) => toLocalIso(instant, report.zone).slice(0, 16).replace('T', ' ');
  const rows = report.obligations
    .map((row) => {
      const issue = row.issue ? (row.issue.url ? `<a href="${escapeHtml(row.issue.url)}">${escapeHtml(row.issue.key)}</a>` : escapeHtml(row.issue.key)) : '–';
      return `<tr><td>${escapeHtml(row.title)}</td><td>${row.period}</td><td>${local(row.dueAt)}</td><td>${issue}</td><td>${row.resolvedAt === null ? '–' : local(row.resolvedAt)}</td>
<td style="color:${OUTCOME_COLOUR[row.outcome]}">${OUTCOME_TEXT[row.outcome]}</td></tr>`;
    })
    .join('\n');
  return `<h2>Recurring obligations</h2>
${report.obligations.length === 0 ? '<p>No period this month.</p>' : `<table><tr><th>obligation</th><th>period</th><th>due</th><th>issue</th><th>resolved</th><th>done</th></tr>\n${rows}</table>`}
`;
}

const minutesText = (ms: number) => (Math.round(ms / 6_000) / 10).toFixed(1);

/** The month against the uptime target, then the incidents; nothing without a target. */
function availabilityCsv(report: SlaReport): string[] {
  const section = report.availability;
  if (!section) return [];
  return [
    '',
    csvRow('target_percent', 'availability_percent', 'met', 'budget_minutes', 'downtime_minutes', 'remaining_minutes', 'priority'),
    csvRow(section.targetPercent, section.availabilityPercent, section.met ? 'yes' : 'no', minutesText(section.budgetMs), minutesText(section.downtimeMs), minutesText(section.remainingMs), section.priority),
    '',
    csvRow('incident_source', 'incident', 'downtime_minutes', 'open'),
    ...section.incidents.map((incident) => csvRow(incident.source, incident.key, minutesText(incident.downtimeMs), incident.open ? 'yes' : 'no')),
  ];
}

function availabilityHtml(report: SlaReport): string {
  const section = report.availability;
  if (!section) return '';
  const rows = section.incidents
    .map((incident) => `<tr><td>${incident.url ? `<a href="${escapeHtml(incident.url)}">${escapeHtml(incident.key)}</a>` : escapeHtml(incident.key)}</td><td>${minutesText(incident.downtimeMs)} min</td><td>${incident.open ? 'still down' : ''}</td></tr>`)
    .join('\n');
  return `<h2>Availability</h2>
<p>${section.availabilityPercent}% against a target of ${section.targetPercent}% (${section.priority} incidents, wall-clock time):
<b style="color:${section.met ? '#2e7d32' : '#c62828'}">${section.met ? 'met' : 'missed'}</b>; ${minutesText(section.downtimeMs)} of ${minutesText(section.budgetMs)} minutes of downtime used, ${minutesText(section.remainingMs)} left.</p>
${section.incidents.length === 0 ? '' : `<table><tr><th>incident</th><th>downtime</th><th></th></tr>\n${rows}</table>\n`}`;
}
