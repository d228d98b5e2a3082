/** The sign-off section of the monthly report in CSV and HTML. */
import { formatMs } from '../../domain/duration.js';
import type { SlaReport } from '../../domain/sla-report.js';

type Row = (...cells: (string | number | null | undefined)[]) => string;

const minutes = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 60_000)));

export function signoffCsv(report: SlaReport, row: Row): string[] {
  const signoff = report.signoff;
  if (!signoff) return [];
  return [
    '',
    row('signoff_confirmed', 'signoff_awaiting', 'signoff_overdue', 'signoff_target', 'reopened_issues', 'reopenings', 'signoff_median_business_minutes', 'signoff_p90_business_minutes'),
    row(signoff.confirmed, signoff.awaiting, signoff.overdue, signoff.target, signoff.reopenedIssues, signoff.reopenings, minutes(signoff.medianMs), minutes(signoff.p90Ms)),
  ];
}

export function signoffHtml(report: SlaReport): string {
  const signoff = report.signoff;
  if (!signoff) return '';
  const time = (ms: number | null) => (ms === null ? '–' : formatMs(ms));
  return `<h2>Customer sign-off</h2>
<table><tr><th>confirmed</th><th>awaiting</th><th>overdue${signoff.target ? ` (target ${signoff.target})` : ''}</th><th>median</th><th>90th percentile</th><th>reopened issues</th><th>reopenings</th></tr>
<tr><td>${signoff.confirmed}</td><td>${signoff.awaiting}</td><td>${signoff.overdue ?? '–'}</td><td>${time(signoff.medianMs)}</td><td>${time(signoff.p90Ms)}</td><td>${signoff.reopenedIssues}</td><td>${signoff.reopenings}</td></tr></table>`;
}
