/**
 * Which notification of a metric is due next. Times are Europe/Amsterdam, Monday 30 November 2026;
 * the acme-support contract: P2 reaction 4h on office hours, warnings 50%, 75%, 30m before, and the
 * breach repeated every 2 business hours at most 3 times.
 */
import { expect } from 'chai';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { issueEventSchema, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { runClock } from '../src/domain/sla-clock.js';
import type { MetricStatus } from '../src/domain/metric-status.js';
import { nextNotification } from '../src/domain/timer-plan.js';
import { projectRoot } from '../src/project-root.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;
const contracts = [...loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.values()];
const created: IssueEventInput = { type: 'created', at: at('2026-11-30T09:00'), project: 'ACME', priority: 'P2', status: 'open' };

function reaction(now: string, ...more: IssueEventInput[]): MetricStatus {
  const sla = runClock({ source: 'jira-demo', events: [created, ...more].map((event) => issueEventSchema.parse(event)) }, contracts, at(now));
  if (!sla.covered) throw new Error(sla.reason);
  return sla.metrics.find((metric) => metric.metric === 'reaction')!;
}

function plan(now: string, sent: string[], ...more: IssueEventInput[]) {
  const next = nextNotification(reaction(now, ...more), new Set(sent), at(now));
  return next && { kind: next.kind, label: next.label, at: toLocalIso(next.at, ZONE).slice(0, 16), skipped: next.skipped };
}

describe('timer plan', () => {
  const ALL_WARNINGS = ['50%', '75%', '30m before'];

  const cases: [name: string, now: string, sent: string[], expected: ReturnType<typeof plan>][] = [
    ['the first warning, ahead', '2026-11-30T10:00', [], { kind: 'warning', label: '50%', at: '2026-11-30T11:00', skipped: [] }],
    ['a warning due exactly now', '2026-11-30T11:00', [], { kind: 'warning', label: '50%', at: '2026-11-30T11:00', skipped: [] }],
    ['the next unsent warning', '2026-11-30T11:30', ['50%'], { kind: 'warning', label: '75%', at: '2026-11-30T12:00', skipped: [] }],
    ['after downtime: the latest passed one, standing for the others', '2026-11-30T12:45', ['50%'], { kind: 'warning', label: '30m before', at: '2026-11-30T12:30', skipped: ['75%'] }],
    ['the breach', '2026-11-30T12:40', ALL_WARNINGS, { kind: 'breach', label: 'breach', at: '2026-11-30T13:00', skipped: [] }],
    ['a breach missed while down, late', '2026-11-30T13:30', ALL_WARNINGS, { kind: 'breach', label: 'breach', at: '2026-11-30T13:00', skipped: [] }],
    ['the first escalation, 2 business hours after the breach', '2026-11-30T13:30', [...ALL_WARNINGS, 'breach'], { kind: 'escalation', label: 'escalation 1', at: '2026-11-30T15:00', skipped: [] }],
    ['the third escalation, the next working day', '2026-11-30T17:30', [...ALL_WARNINGS, 'breach', 'escalation 1', 'escalation 2'], { kind: 'escalation', label: 'escalation 3', at: '2026-12-01T11:00', skipped: [] }],
    ['nothing after the last escalation', '2026-12-01T12:00', [...ALL_WARNINGS, 'breach', 'escalation 1', 'escalation 2', 'escalation 3'], null],
  ];
  for (const [name, now, sent, expected] of cases) {
    it(name, () => expect(plan(now, sent)).to.deep.equal(expected));
  }

  it('after downtime, says since when the notifications it stands for were due', () => {
    const next = nextNotification(reaction('2026-11-30T12:45'), new Set(['50%']), at('2026-11-30T12:45'));
    expect(next).to.deep.include({ label: '30m before', skipped: ['75%'], skippedSince: at('2026-11-30T12:00') });
    expect(nextNotification(reaction('2026-11-30T11:30'), new Set(['50%']), at('2026-11-30T11:30'))).to.not.have.property('skippedSince');
  });

  it('plans nothing for a met, paused or not applicable metric', () => {
    expect(plan('2026-11-30T10:30', [], { type: 'commented', at: at('2026-11-30T10:00'), by: 'agent' })).to.equal(null);
    expect(plan('2026-11-30T10:30', [], { type: 'status_changed', at: at('2026-11-30T10:00'), status: 'waiting for customer' })).to.equal(null);
    expect(plan('2026-11-30T10:30', [], { type: 'priority_changed', at: at('2026-11-30T10:00'), priority: 'P4' }, { type: 'deleted', at: at('2026-11-30T10:10') })).to.equal(null);
  });

  it('re-plans on a priority change: the thresholds move with the new target', () => {
    expect(plan('2026-11-30T10:00', ['50%'], { type: 'priority_changed', at: at('2026-11-30T09:30'), priority: 'P3' })).to.deep.equal({
      kind: 'warning',
      label: '75%',
      at: '2026-11-30T15:00',
      skipped: [],
    });
  });

  it('stops escalating while paused after the breach and moves the repeats by the pause', () => {
    const sent = [...ALL_WARNINGS, 'breach'];
    const pause: IssueEventInput = { type: 'status_changed', at: at('2026-11-30T14:00'), status: 'waiting for customer' };
    expect(plan('2026-11-30T14:30', sent, pause)).to.equal(null);
    const resume: IssueEventInput = { type: 'status_changed', at: at('2026-11-30T16:00'), status: 'open' };
    // 1 business hour ran after the breach before the pause; the repeat needs 1 more from 16:00.
    expect(plan('2026-11-30T16:10', sent, pause, resume)).to.deep.include({ label: 'escalation 1', at: '2026-11-30T17:00' });
  });

  it('plans a warning at zero elapsed time ("2h before" a 2h target) for the next opening, then sends it at once', () => {
    // Contract zero-time: reaction P2 2h, warnings "2h before" and "1h before"; reported on Saturday.
    const saturday: IssueEventInput = { type: 'created', at: at('2026-11-28T12:00'), project: 'ZERO', priority: 'P2', status: 'open' };
    const zeroPlan = (now: string, sent: string[]) => {
      const sla = runClock({ source: 'jira-demo', events: [issueEventSchema.parse(saturday)] }, contracts, at(now));
      if (!sla.covered) throw new Error(sla.reason);
      const next = nextNotification(sla.metrics.find((metric) => metric.metric === 'reaction')!, new Set(sent), at(now));
      return next && { label: next.label, at: toLocalIso(next.at, ZONE).slice(0, 16) };
    };
    expect(zeroPlan('2026-11-28T12:00', [])).to.deep.equal({ label: '2h before', at: '2026-11-30T09:00' });
    expect(zeroPlan('2026-11-30T09:00', [])).to.deep.equal({ label: '2h before', at: '2026-11-30T09:00' });
    expect(zeroPlan('2026-11-30T09:00', ['2h before'])).to.deep.equal({ label: '1h before', at: '2026-11-30T10:00' });
  });
});
