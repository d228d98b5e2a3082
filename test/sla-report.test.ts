/**
 * The monthly report on hand-worked histories of the acme-support test contract (office hours;
 * P2 reaction 4h and resolution 2d, P3 1d and 5d). `now` is Wednesday 2 December 2026, 12:00.
 */
import { expect } from 'chai';
import path from 'node:path';
import { reportCsv, reportHtml } from '../src/app/report-format.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { HOUR_MS } from '../src/domain/duration.js';
import { issueEventSchema, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { runClock } from '../src/domain/sla-clock.js';
import { buildReport, percentile, type ReportIssue } from '../src/domain/sla-report.js';
import { projectRoot } from '../src/project-root.js';

const at = (local: string) => parseLocalIso(local, 'Europe/Amsterdam')!;
const config = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});
const contract = config.contracts.get('acme-support')!;
const NOW = at('2026-12-02T12:00');

function issue(key: string, project: string, priority: 'P2' | 'P3', created: string, ...more: IssueEventInput[]): ReportIssue {
  const events = [{ type: 'created', at: at(created), project, priority, status: 'open' } as IssueEventInput, ...more].map((event) => issueEventSchema.parse(event));
  return { source: 'jira-demo', issue: { id: key, key, title: `Issue ${key}` }, sla: runClock({ source: 'jira-demo', events }, config.contracts.values(), NOW) };
}

const issues = [
  issue('A', 'ACME', 'P2', '2026-11-30T09:00', { type: 'commented', at: at('2026-11-30T10:00'), by: 'agent' }, { type: 'resolved', at: at('2026-11-30T11:00') }),
  issue('B', 'ACME', 'P2', '2026-11-30T09:00', { type: 'commented', at: at('2026-11-30T14:00'), by: 'agent' }),
  issue('C', 'ACME', 'P3', '2026-11-27T16:00', { type: 'commented', at: at('2026-11-30T10:00'), by: 'agent' }),
  issue('D', 'ACME', 'P2', '2026-12-01T09:00'),
  issue('E', 'OTHER', 'P2', '2026-11-30T09:00'),
];

describe('monthly SLA report', () => {
  const report = buildReport(contract, '2026-11', issues);

  it('counts the contract\'s issues created in the month, by priority', () => {
    expect(report.issues).to.equal(3);
    expect(report.byPriority).to.deep.equal({ P1: 0, P2: 2, P3: 1, P4: 0 });
  });

  it('summarizes each metric: met, breached, open, share met on time, median and 90th percentile', () => {
    expect(report.metrics).to.deep.equal([
      { metric: 'reaction', met: 2, breached: 1, open: 0, notApplicable: 0, percentMet: 66.7, medianMs: 2 * HOUR_MS, p90Ms: 5 * HOUR_MS },
      { metric: 'resolution', met: 1, breached: 1, open: 1, notApplicable: 0, percentMet: 50, medianMs: 2 * HOUR_MS, p90Ms: 2 * HOUR_MS },
    ]);
  });

  it('lists every breach with its issue, oldest deadline first', () => {
    expect(report.breaches.map(({ key, metric, deadline, metAt, overdueMs }) => ({ key, metric, deadline, metAt, overdueMs }))).to.deep.equal([
      { key: 'B', metric: 'reaction', deadline: at('2026-11-30T13:00'), metAt: at('2026-11-30T14:00'), overdueMs: HOUR_MS },
      { key: 'B', metric: 'resolution', deadline: at('2026-12-01T17:00'), metAt: null, overdueMs: 3 * HOUR_MS },
    ]);
  });

  it('takes months in the contract\'s zone and refuses a bad month', () => {
    expect(buildReport(contract, '2026-12', issues).issues).to.equal(1);
    expect(() => buildReport(contract, '2026-13', issues)).to.throw(/not a month/);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).to.equal(null);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).to.equal(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).to.equal(5);
    expect(percentile([7], 0.9)).to.equal(7);
  });

  it('renders CSV for spreadsheets and printable HTML with its charts', () => {
    const csv = reportCsv(report).split('\n');
    expect(csv[1]).to.equal('acme-support,ACME,2026-11,Europe/Amsterdam,3,0,2,1,0');
    expect(csv).to.include('reaction,2,1,0,0,66.7,120,300');
    expect(csv).to.include('jira-demo,B,Issue B,reaction,P2,2026-11-30T13:00:00.000+01:00,2026-11-30T14:00:00.000+01:00,60');
    const html = reportHtml(report);
    expect(html).to.include('<svg').and.include('@media print').and.include('2 met, 1 breached, 0 open');
  });
});
