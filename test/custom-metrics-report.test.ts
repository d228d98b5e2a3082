/**
 * The monthly report's section of metrics defined by conditions counts cycles: a metric that
 * restarts at each handover has one per handover, each met, breached, cancelled or still open.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { reportCsv } from '../src/app/report-format.js';
import type { Contract } from '../src/domain/contract.js';
import { parseDuration } from '../src/domain/duration.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { eventConditionSchema } from '../src/domain/metric-condition.js';
import type { MetricDefinition } from '../src/domain/metric-definition.js';
import { runClock } from '../src/domain/sla-clock.js';
import { buildReport } from '../src/domain/sla-report.js';
import { WallClockCalendar } from '../src/domain/wall-clock-calendar.js';
import { projectRoot } from '../src/project-root.js';

const MINUTE = 60_000;
const base = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.get('acme-support')!;
const hour = parseDuration('1h')!;
const handover: MetricDefinition = {
  name: 'handover',
  start: [eventConditionSchema.parse('assigned')],
  stop: [eventConditionSchema.parse('comment_by:agent')],
  pauseWhile: [],
  pause: [],
  resume: [],
  reset: [],
  cancel: [eventConditionSchema.parse('label_added:duplicate')],
  retroactive: false,
  restarts: true,
  onReopen: 'ignore',
  targets: { P1: hour, P2: hour, P3: hour, P4: hour },
  calendar: new WallClockCalendar('all-day', 'Europe/Amsterdam'),
};
const contract: Contract = { ...base, customMetrics: [handover] };

describe('monthly report: metrics defined by conditions', () => {
  // The second day of the current month, so that every issue falls in it on any day of a run.
  const month = DateTime.now().setZone('Europe/Amsterdam').startOf('month');
  const createdAt = month.plus({ days: 1, hours: 9 }).toMillis();
  const now = createdAt + 10 * 60 * MINUTE;
  const issue = (id: string, events: Record<string, unknown>[]) => {
    const parsed = [{ type: 'created', minute: 0, project: 'ACME', priority: 'P3', status: 'open' }, ...events].map(({ minute, ...event }) =>
      issueEventSchema.parse({ ...event, at: createdAt + (minute as number) * MINUTE }),
    );
    return { source: 'jira-demo', issue: { id, key: `ACME-${id}` }, sla: runClock({ source: 'jira-demo', events: parsed }, [contract], now) };
  };
  const issues = [
    // Two handovers: answered in 10 min, then in 90 min (breached).
    issue('1', [
      { minute: 0, type: 'assigned', assignee: 'ann' },
      { minute: 10, type: 'commented', by: 'agent' },
      { minute: 20, type: 'assigned', assignee: 'bob' },
      { minute: 110, type: 'commented', by: 'agent' },
    ]),
    // Handed over, then found a duplicate.
    issue('2', [
      { minute: 5, type: 'assigned', assignee: 'ann' },
      { minute: 15, type: 'labels_changed', labels: ['duplicate'] },
    ]),
    // Handed over 30 min before now: open.
    issue('3', [{ minute: 570, type: 'assigned', assignee: 'carl' }]),
    // Never handed over.
    issue('4', []),
  ];

  it('counts every cycle once, by its outcome, with the median and 90th percentile of the ended ones', () => {
    const report = buildReport(contract, month.toFormat('yyyy-MM'), issues);
    expect(report.customMetrics).to.deep.equal([
      { metric: 'handover', cycles: 4, met: 1, breached: 1, cancelled: 1, open: 2, notApplicable: 0, percentMet: 50, medianMs: 10 * MINUTE, p90Ms: 90 * MINUTE },
    ]);
  });

  it('writes the section into the CSV', () => {
    const csv = reportCsv(buildReport(contract, month.toFormat('yyyy-MM'), issues));
    expect(csv).to.include('custom_metric,cycles,met,breached,cancelled,open,not_applicable,percent_met,median_business_minutes,p90_business_minutes\nhandover,4,1,1,1,2,0,50,10,90\n');
  });
});
