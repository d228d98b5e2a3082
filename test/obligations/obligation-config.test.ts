/** The `obligations:` key of contracts: what the shipped Mega Bite contract owes, and bad input named by file and path. */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { periodAt } from '../../src/domain/obligation-period.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR, shippedConfig } from '../support/shipped-config.js';
import { dueOpenings } from '../../src/app/obligations/obligation-jobs.js';
import { writeConfig } from '../support/temp-config.js';

const show = (instant: number) => DateTime.fromMillis(instant, { zone: 'Europe/Amsterdam' }).toISO({ suppressMilliseconds: true, suppressSeconds: true });

describe('obligations in contracts', () => {
  it('gives the shipped Mega Bite contract its quarterly maintenance on office days and its daily log reading round the clock', () => {
    const obligations = shippedConfig().contracts.get('megabite-standard')!.obligations!;
    const at = DateTime.fromISO('2027-02-10T12:00', { zone: 'Europe/Amsterdam' }).toMillis();
    expect(
      obligations.map((obligation) => {
        const period = periodAt(obligation.every, obligation.calendar, at)!;
        return { id: obligation.id, source: obligation.source, project: obligation.project, key: period.key, opens: show(period.opensAt), due: show(period.dueAt) };
      }),
    ).to.deep.equal([
      { id: 'preventive-maintenance', source: 'jira-demo', project: 'MB', key: '2027-Q1', opens: '2027-01-04T09:00+01:00', due: '2027-03-31T17:00+02:00' },
      { id: 'backup-logs', source: 'jira-demo', project: 'MB', key: '2027-02-10', opens: '2027-02-10T00:00+01:00', due: '2027-02-11T00:00+01:00' },
    ]);
  });

  it('opens nothing in a source with a token but without write_back.enabled, and opens in one with both', () => {
    const at = DateTime.fromISO('2027-02-10T12:00', { zone: 'Europe/Amsterdam' }).toMillis();
    const tokenOnly = loadBridgeConfig(SHIPPED_CONFIG_DIR, { ...DEMO_SECRETS, JIRA_API_TOKEN: 'token' });
    expect(dueOpenings(tokenOnly.contracts.values(), tokenOnly.sources, at)).to.deep.equal([]);
    const jira = tokenOnly.sources.get('jira-demo')!;
    const writing = new Map([...tokenOnly.sources].map(([id, source]) => [id, id === 'jira-demo' ? { ...jira, writeBack: { ...jira.writeBack, enabled: true } } : source]));
    expect(dueOpenings(tokenOnly.contracts.values(), writing, at).map(({ obligation, period }) => `${obligation.id} ${period.key}`)).to.deep.equal(['preventive-maintenance 2027-Q1', 'backup-logs 2027-02-10']);
  });

  const base = {
    'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: {}, default: P4 }\n',
  };
  const contract = (obligations: string) => `customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/a }]\npolicies: { reaction: 4h }\nobligations:\n${obligations}`;
  const refusals: { why: string; obligations: string; message: RegExp }[] = [
    { why: 'an unknown schedule', obligations: '  - { id: a, title: A, every: week, source: gitea-ops, project: ops/a }\n', message: /contracts\/ops\.yaml: obligations\[0\]\.every: expected one of working-day, month, quarter/ },
    { why: 'an unknown calendar', obligations: '  - { id: a, title: A, every: month, calendar: office, source: gitea-ops, project: ops/a }\n', message: /contracts\/ops\.yaml: obligations\[0\]\.calendar: unknown calendar "office"/ },
    { why: 'an unknown source', obligations: '  - { id: a, title: A, every: month, source: jira-ops, project: OPS }\n', message: /contracts\/ops\.yaml: obligations\[0\]\.source: unknown source "jira-ops"/ },
    { why: 'an id listed twice', obligations: '  - { id: a, title: A, every: month, source: gitea-ops, project: ops/a }\n  - { id: a, title: B, every: quarter, source: gitea-ops, project: ops/a }\n', message: /contracts\/ops\.yaml: obligations\[1\]\.id: "a" is listed twice/ },
    { why: 'a misspelt key', obligations: '  - { id: a, title: A, every: month, source: gitea-ops, project: ops/a, warn_befor: 2d }\n', message: /contracts\/ops\.yaml: obligations\[0\]/ },
    { why: 'a warning that is no duration', obligations: '  - { id: a, title: A, every: month, source: gitea-ops, project: ops/a, warn_before: soon }\n', message: /contracts\/ops\.yaml: obligations\[0\]\.warn_before: "soon" is not a duration/ },
  ];
  for (const row of refusals) {
    it(`refuses ${row.why}, naming the file and path`, () => {
      const dir = writeConfig({ ...base, 'contracts/ops.yaml': contract(row.obligations) });
      expect(() => loadBridgeConfig(dir, {})).to.throw(row.message);
    });
  }
});
