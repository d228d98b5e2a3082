/** Which open issues a handover lists, and in which order: a table over stored issue states. */
import { expect } from 'chai';
import { handoverIssues } from '../../src/app/jobs/duty-handover.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import type { Team } from '../../src/config/team-config.js';
import type { MetricStatus } from '../../src/domain/metric-status.js';
import { shippedConfig } from '../support/shipped-config.js';

const NOW = Date.now();
const HOUR = 3_600_000;

function state(key: string, contract: string, metrics: Partial<MetricStatus>[], extra: { resolved?: boolean; source?: string } = {}): IssueState {
  return {
    source: extra.source ?? 'mantis-demo',
    issue: { id: key, key, title: `title of ${key}` },
    computedAt: NOW,
    eventCount: 1,
    sla: {
      covered: true,
      contract,
      customer: `customer of ${contract}`,
      createdAt: NOW - HOUR,
      priority: { effective: 'P2', requested: 'P2', reason: 'P2 as set in the tracker' },
      status: 'open',
      assignee: null,
      resolved: extra.resolved ?? false,
      deleted: false,
      metrics: metrics.map((metric) => ({ metric: 'reaction', state: 'running', priority: 'P2', calendar: 'nl-office', zone: 'Europe/Amsterdam', ...metric }) as MetricStatus),
    },
  };
}

describe('duty handover: the open issues it lists', () => {
  const team = (): Team => shippedConfig().teams!.get('2value-desk')!;
  const cases: { name: string; states: IssueState[]; keys: string[]; metric?: string }[] = [
    { name: 'soonest breach first, an overdue one before all', states: [state('A', '2value-pro', [{ deadline: NOW + 5 * HOUR }]), state('B', '2value-basic', [{ state: 'breached', deadline: NOW - HOUR }]), state('C', '2value-medium', [{ deadline: NOW + HOUR }])], keys: ['B', 'C', 'A'] },
    { name: 'a paused clock comes last', states: [state('P', '2value-pro', [{ state: 'paused', deadline: null }]), state('A', '2value-pro', [{ deadline: NOW + 50 * HOUR }])], keys: ['A', 'P'] },
    { name: 'resolved issues and met or unstarted metrics are not open', states: [state('R', '2value-pro', [{ deadline: NOW + HOUR }], { resolved: true }), state('M', '2value-pro', [{ state: 'met', deadline: NOW }]), state('N', '2value-pro', [{ state: 'not_started' }])], keys: [] },
    { name: "another team's contract is not listed", states: [state('O', 'open2bizz-saas', [{ deadline: NOW + HOUR }]), state('A', '2value-pro', [{ deadline: NOW + 2 * HOUR }])], keys: ['A'] },
    { name: 'the soonest of its metrics places an issue', states: [state('A', '2value-pro', [{ metric: 'resolution', deadline: NOW + 9 * HOUR }, { metric: 'response', deadline: NOW + HOUR }]), state('B', '2value-pro', [{ deadline: NOW + 2 * HOUR }])], keys: ['A', 'B'], metric: 'response' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const listed = handoverIssues(team(), c.states);
      expect(listed.map((issue) => issue.key)).to.deep.equal(c.keys);
      if (c.metric) expect(listed[0]!.metric).to.equal(c.metric);
    });
  }
});
