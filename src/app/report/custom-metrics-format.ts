/** The section of metrics defined by conditions in the monthly report, in CSV and HTML. */
import { formatMs } from '../../domain/duration.js';
import type { SlaReport } from '../../domain/sla-report.js';

type Row = (...cells: (string | number | null | undefined)[]) => string;

const minutes = (ms: number | null) => (ms === null ? '' : String(Math.round(ms / 60_000)));
const escape = (text: string) => text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);

export function customMetricsCsv(report: SlaReport, row: Row): string[] {
  const metrics = report.customMetrics;
  if (!metrics) return [];
  return [
    '',
    row('custom_metric', 'cycles', 'met', 'breached', 'cancelled', 'open', 'not_applicable', 'percent_met', 'median_business_minutes', 'p90_business_minutes'),
    ...metrics.map((metric) => row(metric.metric, metric.cycles, metric.met, metric.breached, metric.cancelled, metric.open, metric.notApplicable, metric.percentMet, minutes(metric.medianMs), minutes(metric.p90Ms))),
  ];
}

export function customMetricsHtml(report: SlaReport): string {
  const metrics = report.customMetrics;
  if (!metrics) return '';
  const time = (ms: number | null) => (ms === null ? '–' : formatMs(ms));
  const rows = metrics
    .map((metric) => `<tr><td>${escape(metric.metric)}</td><td>${metric.cycles}</td><td>${metric.met}</td><td>${metric.breached}</td><td>${metric.cancelled}</td><td>${metric.open}</td><td>${metric.percentMet ?? '–'}</td><td>${time(metric.medianMs)}</td><td>${time(metric.p90Ms)}</td></tr>`)
    .join('\n');
  return `<h2>Metrics defined by conditions</h2>
<table><tr><th>metric</th><th>cycles</th><th>met</th><th>breached</th><th>cancelled</th><th>open</th><th>% met</th><th>median</th><th>90th percentile</th></tr>
${rows}</table>`;
}
