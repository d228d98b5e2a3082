/**
 * Downtime against a monthly uptime target, worked out by hand: budgets of 28- to 31-day months
 * and of the months the clocks change, outages across month ends in the contract's zone and across
 * the DST nights (wall-clock time), overlapping incidents counted once, "service restored"
 * statuses, reopened incidents, and when a budget share is crossed; then a property against a
 * minute-by-minute reference.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { budgetMs, downtimeMs, monthAvailability, monthSpan, outagesOf, reachesAt, warningThresholdMs, type Outage } from '../../src/domain/availability.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { referenceDowntime, referenceReachesAt } from '../reference/minute-downtime.js';

const ZONE = 'Europe/Amsterdam';
const MINUTE = 60_000;
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();
const show = (instant: number | null) => (instant === null ? null : DateTime.fromMillis(instant, { zone: ZONE }).toISO({ suppressMilliseconds: true }));
const outage = (from: string, to: string | null): Outage => ({ from: at(from), to: to === null ? null : at(to) });

describe('availability', () => {
  const budgets: { month: string; minutes: number; why: string }[] = [
    { month: '2026-11', minutes: 43.2, why: '30 days: the 43 minutes of 99.9%' },
    { month: '2026-12', minutes: 44.64, why: '31 days' },
    { month: '2027-02', minutes: 40.32, why: '28 days' },
    { month: '2028-02', minutes: 41.76, why: '29 days, a leap year' },
    { month: '2027-03', minutes: 44.58, why: '31 days less the hour the clocks skip: 743 h' },
    { month: '2026-10', minutes: 44.7, why: '31 days and the hour the clocks repeat: 745 h' },
  ];
  for (const row of budgets) {
    it(`allows ${row.minutes} minutes of downtime at 99.9% in ${row.month} (${row.why})`, () => {
      const { from, until } = monthSpan(row.month, ZONE);
      expect(Math.round((budgetMs(99.9, from, until) / MINUTE) * 1000) / 1000).to.equal(row.minutes);
    });
  }

  const downtimes: { why: string; month: string; outages: Outage[]; now: string; minutes: number }[] = [
    { why: 'an outage over the month end counts its part in each month: November', month: '2026-11', outages: [outage('2026-11-30T23:30+01:00', '2026-12-01T00:20+01:00')], now: '2026-12-02T00:00+01:00', minutes: 30 },
    { why: 'the same outage: December', month: '2026-12', outages: [outage('2026-11-30T23:30+01:00', '2026-12-01T00:20+01:00')], now: '2026-12-02T00:00+01:00', minutes: 20 },
    { why: 'the month ends at midnight in the contract zone, not UTC: 23:30 UTC on the 30th is December', month: '2026-11', outages: [outage('2026-11-30T23:30Z', '2026-11-30T23:50Z')], now: '2026-12-02T00:00+01:00', minutes: 0 },
    { why: 'the night the clocks go back: 01:30 CEST to 02:30 CET is two hours', month: '2026-10', outages: [outage('2026-10-25T01:30+02:00', '2026-10-25T02:30+01:00')], now: '2026-10-26T00:00+01:00', minutes: 120 },
    { why: 'the night the clocks go forward: 01:30 CET to 03:30 CEST is one hour', month: '2027-03', outages: [outage('2027-03-28T01:30+01:00', '2027-03-28T03:30+02:00')], now: '2027-03-29T00:00+02:00', minutes: 60 },
    { why: 'overlapping incidents count once', month: '2026-11', outages: [outage('2026-11-10T10:00+01:00', '2026-11-10T10:30+01:00'), outage('2026-11-10T10:15+01:00', '2026-11-10T10:45+01:00')], now: '2026-11-11T00:00+01:00', minutes: 45 },
    { why: 'one incident inside another counts once', month: '2026-11', outages: [outage('2026-11-10T10:00+01:00', '2026-11-10T11:00+01:00'), outage('2026-11-10T10:15+01:00', '2026-11-10T10:20+01:00')], now: '2026-11-11T00:00+01:00', minutes: 60 },
    { why: 'incidents that touch add up', month: '2026-11', outages: [outage('2026-11-10T10:00+01:00', '2026-11-10T10:10+01:00'), outage('2026-11-10T10:10+01:00', '2026-11-10T10:25+01:00')], now: '2026-11-11T00:00+01:00', minutes: 25 },
    { why: 'an open outage counts until now', month: '2026-11', outages: [outage('2026-11-10T10:00+01:00', null)], now: '2026-11-10T10:17+01:00', minutes: 17 },
    { why: 'an outage of last month still open counts from this month\'s start', month: '2026-12', outages: [outage('2026-11-30T22:00+01:00', null)], now: '2026-12-01T00:05+01:00', minutes: 5 },
  ];
  for (const row of downtimes) {
    it(`${row.why}: ${row.minutes} min`, () => {
      const { from, until } = monthSpan(row.month, ZONE);
      expect(downtimeMs(row.outages, from, until, at(row.now)) / MINUTE).to.equal(row.minutes);
    });
  }

  const created = (time: string): IssueEvent => ({ type: 'created', at: at(time), project: 'p', labels: [], environment: null, priority: 'P1', status: 'open', paused: false, assignee: null, synthetic: false });
  const logs: { why: string; events: IssueEvent[]; outages: [string, string | null][] }[] = [
    { why: 'from creation to resolution', events: [created('2026-11-10T10:00+01:00'), { type: 'resolved', at: at('2026-11-10T10:40+01:00'), status: 'closed' }], outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:40:00+01:00']] },
    {
      why: 'a "service restored" status ends it before the resolution',
      events: [created('2026-11-10T10:00+01:00'), { type: 'status_changed', at: at('2026-11-10T10:25+01:00'), status: 'Service restored', paused: false }, { type: 'resolved', at: at('2026-11-11T09:00+01:00'), status: 'closed' }],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:25:00+01:00']],
    },
    {
      why: 'a reopened incident is down again until resolved again',
      events: [created('2026-11-10T10:00+01:00'), { type: 'resolved', at: at('2026-11-10T10:30+01:00') }, { type: 'reopened', at: at('2026-11-10T12:00+01:00') }, { type: 'resolved', at: at('2026-11-10T12:10+01:00') }],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:30:00+01:00'], ['2026-11-10T12:00:00+01:00', '2026-11-10T12:10:00+01:00']],
    },
    { why: 'still open', events: [created('2026-11-10T10:00+01:00'), { type: 'commented', at: at('2026-11-10T10:05+01:00'), by: 'agent', public: true }], outages: [['2026-11-10T10:00:00+01:00', null]] },
  ];
  for (const row of logs) {
    it(`reads an incident's outages from its log: ${row.why}`, () => {
      expect(outagesOf(row.events, { restoredStatuses: new Set(['service restored']) }, ZONE).map((found) => [show(found.from), show(found.to)])).to.deep.equal(row.outages);
    });
  }

  // The tracker's own "down since" and "service restored" fields (watched_fields), as Jira and MantisBT write dates.
  const withFields = (time: string, fields: Record<string, string | null>): IssueEvent => ({ ...(created(time) as Extract<IssueEvent, { type: 'created' }>), fields });
  const fieldChanged = (time: string, field: string, value: string | null): IssueEvent => ({ type: 'field_changed', at: at(time), field, value });
  const stated: { why: string; events: IssueEvent[]; outages: [string, string | null][] }[] = [
    {
      why: 'reported at 10:00, down since 08:30 (a Jira date-time), resolved 10:40',
      events: [withFields('2026-11-10T10:00+01:00', { down: '2026-11-10T08:30:00.000+0100' }), { type: 'resolved', at: at('2026-11-10T10:40+01:00') }],
      outages: [['2026-11-10T08:30:00+01:00', '2026-11-10T10:40:00+01:00']],
    },
    {
      why: 'restored at 10:15 (MantisBT epoch seconds), written in at 11:00, resolved the next day',
      events: [created('2026-11-10T10:00+01:00'), fieldChanged('2026-11-10T11:00+01:00', 'back', String(at('2026-11-10T10:15+01:00') / 1000)), { type: 'resolved', at: at('2026-11-11T09:00+01:00') }],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:15:00+01:00']],
    },
    {
      why: 'restored stated while the incident is still open ends the outage',
      events: [created('2026-11-10T10:00+01:00'), fieldChanged('2026-11-10T10:50+01:00', 'back', '2026-11-10T10:45:00+01:00')],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:45:00+01:00']],
    },
    {
      why: 'both stated, an outage over before it was reported',
      events: [withFields('2026-11-10T10:00+01:00', { down: '2026-11-10T07:00:00+01:00', back: '2026-11-10T07:40:00+01:00' }), { type: 'resolved', at: at('2026-11-10T10:05+01:00') }],
      outages: [['2026-11-10T07:00:00+01:00', '2026-11-10T07:40:00+01:00']],
    },
    {
      why: 'a cleared field says nothing any more',
      events: [withFields('2026-11-10T10:00+01:00', { down: '2026-11-10T08:30:00+01:00' }), fieldChanged('2026-11-10T10:10+01:00', 'down', null), { type: 'resolved', at: at('2026-11-10T10:40+01:00') }],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:40:00+01:00']],
    },
    {
      why: 'a restored instant before the outage began is ignored, not guessed at',
      events: [created('2026-11-10T10:00+01:00'), fieldChanged('2026-11-10T10:10+01:00', 'back', '2026-11-09T10:00:00+01:00'), { type: 'resolved', at: at('2026-11-10T10:40+01:00') }],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:40:00+01:00']],
    },
    {
      why: 'a reopening after the stated restore is down again',
      events: [
        created('2026-11-10T10:00+01:00'),
        fieldChanged('2026-11-10T10:30+01:00', 'back', '2026-11-10T10:20:00+01:00'),
        { type: 'resolved', at: at('2026-11-10T10:30+01:00') },
        { type: 'reopened', at: at('2026-11-10T12:00+01:00') },
        { type: 'resolved', at: at('2026-11-10T12:10+01:00') },
      ],
      outages: [['2026-11-10T10:00:00+01:00', '2026-11-10T10:20:00+01:00'], ['2026-11-10T12:00:00+01:00', '2026-11-10T12:10:00+01:00']],
    },
  ];
  for (const row of stated) {
    it(`reads the stated instants of an outage: ${row.why}`, () => {
      const rule = { restoredStatuses: new Set<string>(), downSinceField: 'down', restoredField: 'back' };
      expect(outagesOf(row.events, rule, ZONE).map((found) => [show(found.from), show(found.to)])).to.deep.equal(row.outages);
    });
  }

  it('says when an open outage will use half of the budget and all of it', () => {
    const { from, until } = monthSpan('2026-11', ZONE);
    const budget = budgetMs(99.9, from, until);
    const outages = [outage('2026-11-05T08:00+01:00', '2026-11-05T08:10+01:00'), outage('2026-11-10T10:00+01:00', null)];
    const now = at('2026-11-10T10:05+01:00');
    expect(show(reachesAt(outages, from, until, now, warningThresholdMs(budget, 0.5)))).to.equal('2026-11-10T10:11:36+01:00');
    expect(show(reachesAt(outages, from, until, now, warningThresholdMs(budget, 0)))).to.equal('2026-11-10T10:33:12+01:00');
    // Once it is over, the budget is crossed where it was, or not at all.
    const over = [outages[0]!, outage('2026-11-10T10:00+01:00', '2026-11-10T10:20+01:00')];
    expect(show(reachesAt(over, from, until, at('2026-11-11T00:00+01:00'), warningThresholdMs(budget, 0.5)))).to.equal('2026-11-10T10:11:36+01:00');
    expect(reachesAt(over, from, until, at('2026-11-11T00:00+01:00'), warningThresholdMs(budget, 0))).to.equal(null);
  });

  it('shows the month against the target', () => {
    const result = monthAvailability({ targetPercent: 99.9 }, '2026-11', ZONE, [outage('2026-11-10T10:00+01:00', '2026-11-10T11:00+01:00')], at('2026-12-01T00:00+01:00'));
    expect(result).to.deep.include({ downtimeMs: 60 * MINUTE, availabilityPercent: 99.861, met: false });
    expect(Math.round(result.remainingMs / 1000)).to.equal(-1008);
  });

  it('agrees with a minute-by-minute count of covered minutes, and on when a threshold is reached', () => {
    const { from, until } = monthSpan('2026-10', ZONE);
    const minutes = (until - from) / MINUTE;
    const outageArb = fc.record({ start: fc.integer({ min: -120, max: minutes + 60 }), length: fc.integer({ min: 0, max: 600 }), open: fc.boolean() });
    fc.assert(
      fc.property(fc.array(outageArb, { maxLength: 6 }), fc.integer({ min: 0, max: minutes }), fc.integer({ min: 1, max: 900 }), (drawn, nowMinute, thresholdMinutes) => {
        const now = from + nowMinute * MINUTE;
        const outages = drawn.map(({ start, length, open }): Outage => ({ from: from + start * MINUTE, to: open ? null : from + (start + length) * MINUTE }))
          // An outage that has ended did so by now.
          .filter((candidate) => candidate.from <= now && (candidate.to === null || candidate.to <= now));
        expect(downtimeMs(outages, from, until, now)).to.equal(referenceDowntime(outages, from, until, now));
        expect(reachesAt(outages, from, until, now, thresholdMinutes * MINUTE)).to.equal(referenceReachesAt(outages, from, until, now, thresholdMinutes * MINUTE));
      }),
      { numRuns: 60 },
    );
  });
});
