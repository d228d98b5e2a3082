/**
 * The report's obligations section: per period of the month whether the obligation was done on
 * time, from the issues the bridge opened and their logs in a real Redis, in JSON, CSV and HTML.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { loadObligationRows } from '../../src/app/obligations/obligation-rows.js';
import { ObligationStore, type OpenedObligation } from '../../src/app/obligations/obligation-store.js';
import { reportCsv, reportHtml } from '../../src/app/report-format.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { createRedis, waitUntilReady, type RedisClient } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { obligationRows } from '../../src/domain/obligation-report.js';
import { periodAt } from '../../src/domain/obligation-period.js';
import { buildReport } from '../../src/domain/sla-report.js';
import { shippedConfig } from '../support/shipped-config.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';

const at = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Amsterdam' }).toMillis();
const megabite = () => shippedConfig().contracts.get('megabite-standard')!;

describe('obligations in the monthly report', () => {
  it('lists every period of the month that has begun, with its verdict', () => {
    const issue = (key: string) => ({ source: 'jira-demo', key });
    const opened: Record<string, { issue: { source: string; key: string }; resolvedAt: number | null }> = {
      'preventive-maintenance 2027-Q1': { issue: issue('MB-100'), resolvedAt: at('2027-03-31T16:59') },
      'backup-logs 2027-03-01': { issue: issue('MB-101'), resolvedAt: at('2027-03-01T10:00') },
      'backup-logs 2027-03-02': { issue: issue('MB-102'), resolvedAt: at('2027-03-03T00:01') },
      'backup-logs 2027-03-03': { issue: issue('MB-103'), resolvedAt: null },
      'backup-logs 2027-03-05': { issue: issue('MB-105'), resolvedAt: null },
    };
    const rows = obligationRows(megabite(), '2027-03', (obligation, period) => opened[`${obligation} ${period}`], at('2027-03-05T12:00'));
    expect(rows.map((row) => `${row.obligation} ${row.period} ${row.issue?.key ?? '-'} ${row.outcome}`)).to.deep.equal([
      'preventive-maintenance 2027-Q1 MB-100 done-on-time',
      'backup-logs 2027-03-01 MB-101 done-on-time',
      'backup-logs 2027-03-02 MB-102 done-late',
      'backup-logs 2027-03-03 MB-103 overdue',
      'backup-logs 2027-03-04 - not-opened',
      'backup-logs 2027-03-05 MB-105 open',
    ]);
  });

  describe('from Redis', () => {
    let redis: RedisClient;
    before(async () => {
      const target = urlTarget((await sharedRedis()).url);
      redis = createRedis(target, 'request');
      await waitUntilReady(redis, target);
    });
    after(() => redis.disconnect());

    it('reads the opened issues and their logs, and shows them in CSV and HTML', async () => {
      const prefix = uniquePrefix('obligation-report');
      const store = new ObligationStore(redis, prefix);
      const issues = new IssueStore(redis, prefix);
      const contract = megabite();
      const maintenance = contract.obligations!.find((obligation) => obligation.id === 'preventive-maintenance')!;
      const period = periodAt('quarter', maintenance.calendar, at('2027-02-01T12:00'))!;
      const record: OpenedObligation = {
        contract: contract.id,
        obligation: maintenance.id,
        period: { key: period.key, start: period.start, end: period.end, opensAt: period.opensAt, dueAt: period.dueAt },
        source: 'jira-demo',
        issue: { id: '10100', key: 'MB-100', title: 'Preventieve onderhoudssessie netwerk 2027-Q1', url: 'https://jira.example.com/browse/MB-100' },
        openedAt: period.opensAt,
        found: false,
      };
      await store.record(record);
      await issues.appendEvents('jira-demo', record.issue, [
        { id: 'c', event: { type: 'created', at: period.opensAt, project: 'MB', labels: [], environment: null, priority: 'P3', status: 'To Do', paused: false, assignee: null, synthetic: false } },
        { id: 'r', event: { type: 'resolved', at: at('2027-03-31T18:00'), status: 'Done' } },
      ]);
      const rows = await loadObligationRows(contract, '2027-03', store, issues, at('2027-04-01T09:00'));
      const quarter = rows!.find((row) => row.obligation === 'preventive-maintenance')!;
      expect(quarter).to.deep.include({ period: '2027-Q1', issue: { source: 'jira-demo', key: 'MB-100', url: 'https://jira.example.com/browse/MB-100' }, resolvedAt: at('2027-03-31T18:00'), outcome: 'done-late' });
      const report = { ...buildReport(contract, '2027-03', []), obligations: rows! };
      expect(reportCsv(report)).to.contain('preventive-maintenance,Preventieve onderhoudssessie netwerk,2027-Q1,2027-01-04T09:00:00.000+01:00,2027-03-31T17:00:00.000+02:00,jira-demo,MB-100,2027-03-31T18:00:00.000+02:00,done-late');
      expect(reportHtml(report)).to.match(/<h2>Recurring obligations<\/h2>[\s\S]*MB-100<\/a><\/td><td>2027-03-31 18:00<\/td>\n<td style="color:#c62828">done late<\/td>/);
      // Days the bridge opened nothing for show as such.
      expect(rows!.filter((row) => row.obligation === 'backup-logs').every((row) => row.outcome === 'not-opened')).to.equal(true);
    });
  });
});
