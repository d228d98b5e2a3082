/** The support lines' section of the monthly report, in CSV and HTML. */
import { formatMs } from '../../domain/duration.js';
import type { SlaReport } from '../../domain/sla-report.js';

type Row = (...cells: (string | number | null | undefined)[]) => string;

const minutes = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 60_000)));
const escape = (text: string) => text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);

export function lineStatsCsv(report: SlaReport, row: Row): string[] {
  const lines = report.supportLines;
  if (!lines) return [];
  return [
    '',
    row('support_line', 'handovers', 'reacted', 'breaches', 'handed_on', 'open', 'median_reaction_business_minutes', 'p90_reaction_business_minutes'),
    ...lines.map((line) => row(line.line, line.handovers, line.reacted, line.breaches, line.handedOn, line.open, minutes(line.medianMs), minutes(line.p90Ms))),
  ];
}

export function lineStatsHtml(report: SlaReport): string {
  const lines = report.supportLines;
  if (!lines) return '';
  const time = (ms: number | null) => (ms === null ? '–' : formatMs(ms));
  const rows = lines
    .map((line) => `<tr><td>${escape(line.line)}</td><td>${line.measured ? line.handovers : '–'}</td><td>${line.reacted}</td><td>${line.breaches}</td><td>${line.handedOn}</td><td>${line.open}</td><td>${time(line.medianMs)}</td><td>${time(line.p90Ms)}</td></tr>`)
    .join('\n');
  return `<h2>Support lines</h2>
<table><tr><th>line</th><th>handovers</th><th>reacted</th><th>breaches</th><th>handed on</th><th>open</th><th>median reaction</th><th>90th percentile</th></tr>
${rows}</table>`;
}
