/**
 * Obligation periods on the shipped calendars, worked out by hand: quarters and months that start
 * on a holiday or a weekend, month ends in both DST offsets, working days that are holidays, a
 * leap February, the long and short days of the clock changes on a round-the-clock calendar.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { HOUR_MS } from '../../src/domain/duration.js';
import { nextPeriodFrom, periodAt, periodsBetween, warningAt, type ObligationEvery } from '../../src/domain/obligation-period.js';
import { shippedConfig } from '../support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();
const show = (instant: number) => DateTime.fromMillis(instant, { zone: ZONE }).toISO({ suppressMilliseconds: true, suppressSeconds: true });
const calendar = (id: string) => shippedConfig().calendars.get(id)!;

describe('obligation periods', () => {
  const cases: { calendar: string; every: ObligationEvery; at: string; key: string; opens: string; due: string; why: string }[] = [
    { calendar: 'nl-office', every: 'quarter', at: '2027-02-10T12:00+01:00', key: '2027-Q1', opens: '2027-01-04T09:00+01:00', due: '2027-03-31T17:00+02:00', why: 'New Year on a Friday: the quarter opens on Monday; it ends in summer time' },
    { calendar: 'nl-office', every: 'quarter', at: '2026-12-31T23:59+01:00', key: '2026-Q4', opens: '2026-10-01T09:00+02:00', due: '2026-12-31T17:00+01:00', why: 'the last minute of a year belongs to its last quarter' },
    { calendar: 'nl-office', every: 'quarter', at: '2027-01-01T00:00+01:00', key: '2027-Q1', opens: '2027-01-04T09:00+01:00', due: '2027-03-31T17:00+02:00', why: 'midnight on New Year is the new quarter, before it opens' },
    { calendar: 'nl-office', every: 'quarter', at: '2027-04-01T08:59+02:00', key: '2027-Q2', opens: '2027-04-01T09:00+02:00', due: '2027-06-30T17:00+02:00', why: 'a quarter starting on a Thursday opens that morning' },
    { calendar: 'nl-office', every: 'quarter', at: '2027-10-15T10:00+02:00', key: '2027-Q4', opens: '2027-10-01T09:00+02:00', due: '2027-12-31T17:00+01:00', why: 'the quarter the clocks go back in' },
    { calendar: 'nl-office', every: 'month', at: '2026-12-24T10:00+01:00', key: '2026-12', opens: '2026-12-01T09:00+01:00', due: '2026-12-31T17:00+01:00', why: 'December: Christmas closed, the 31st is a working day' },
    { calendar: 'nl-office', every: 'month', at: '2027-03-15T10:00+01:00', key: '2027-03', opens: '2027-03-01T09:00+01:00', due: '2027-03-31T17:00+02:00', why: 'the month the clocks go forward in' },
    { calendar: 'nl-office', every: 'month', at: '2027-05-03T10:00+02:00', key: '2027-05', opens: '2027-05-03T09:00+02:00', due: '2027-05-31T17:00+02:00', why: 'May 2027 starts on a Saturday' },
    { calendar: 'nl-office', every: 'month', at: '2027-02-28T23:00+01:00', key: '2027-02', opens: '2027-02-01T09:00+01:00', due: '2027-02-26T17:00+01:00', why: 'February 2027 ends on a Sunday: due on Friday the 26th' },
    { calendar: 'nl-office', every: 'working-day', at: '2027-03-30T08:00+02:00', key: '2027-03-30', opens: '2027-03-30T09:00+02:00', due: '2027-03-30T17:00+02:00', why: 'the Tuesday after Easter Monday' },
    { calendar: 'nl-24x7', every: 'quarter', at: '2027-01-15T00:00+01:00', key: '2027-Q1', opens: '2027-01-01T00:00+01:00', due: '2027-04-01T00:00+02:00', why: 'round the clock: the whole quarter' },
    { calendar: 'nl-24x7', every: 'month', at: '2028-02-29T12:00+01:00', key: '2028-02', opens: '2028-02-01T00:00+01:00', due: '2028-03-01T00:00+01:00', why: 'a leap February' },
    { calendar: 'nl-24x7', every: 'working-day', at: '2026-10-25T12:00+01:00', key: '2026-10-25', opens: '2026-10-25T00:00+02:00', due: '2026-10-26T00:00+01:00', why: 'the 25-hour day the clocks go back' },
    { calendar: 'nl-24x7', every: 'working-day', at: '2027-03-28T12:00+02:00', key: '2027-03-28', opens: '2027-03-28T00:00+01:00', due: '2027-03-29T00:00+02:00', why: 'the 23-hour day the clocks go forward' },
  ];
  for (const row of cases) {
    it(`${row.calendar} ${row.every} at ${row.at}: ${row.key} (${row.why})`, () => {
      const period = periodAt(row.every, calendar(row.calendar), at(row.at));
      expect(period && { key: period.key, opens: show(period.opensAt), due: show(period.dueAt) }).to.deep.equal({ key: row.key, opens: row.opens, due: row.due });
    });
  }

  const closedDays: { at: string; why: string; next: string }[] = [
    { at: '2027-04-27T12:00+02:00', why: "King's Day", next: '2027-04-28T09:00+02:00' },
    { at: '2027-03-29T12:00+02:00', why: 'Easter Monday', next: '2027-03-30T09:00+02:00' },
    { at: '2027-05-05T12:00+02:00', why: 'Liberation Day (added by name; Ascension Day follows)', next: '2027-05-07T09:00+02:00' },
    { at: '2027-01-02T12:00+01:00', why: 'a Saturday', next: '2027-01-04T09:00+01:00' },
  ];
  for (const row of closedDays) {
    it(`nl-office has no working-day period on ${row.why}, and the next opens ${row.next}`, () => {
      expect(periodAt('working-day', calendar('nl-office'), at(row.at))).to.equal(undefined);
      expect(show(nextPeriodFrom('working-day', calendar('nl-office'), at(row.at)).opensAt)).to.equal(row.next);
    });
  }

  it('lists the working days of December 2026 on nl-office: 22 (weekends and both Christmas days left out)', () => {
    const periods = periodsBetween('working-day', calendar('nl-office'), at('2026-12-01T00:00+01:00'), at('2027-01-01T00:00+01:00'));
    expect(periods.map((period) => period.key.slice(8))).to.deep.equal(['01', '02', '03', '04', '07', '08', '09', '10', '11', '14', '15', '16', '17', '18', '21', '22', '23', '24', '28', '29', '30', '31']);
  });

  it('lists each quarter overlapping a year once, in order', () => {
    const periods = periodsBetween('quarter', calendar('nl-office'), at('2027-01-01T00:00+01:00'), at('2028-01-01T00:00+01:00'));
    expect(periods.map((period) => period.key)).to.deep.equal(['2027-Q1', '2027-Q2', '2027-Q3', '2027-Q4']);
  });

  const warnings: { every: ObligationEvery; at: string; before: number; warn: string; why: string }[] = [
    { every: 'quarter', at: '2027-02-01T12:00+01:00', before: 16 * HOUR_MS, warn: '2027-03-26T17:00+01:00', why: 'two working days before 31 March, with Easter Monday closed: Friday at closing' },
    { every: 'working-day', at: '2027-03-30T12:00+02:00', before: 2 * HOUR_MS, warn: '2027-03-30T15:00+02:00', why: 'two hours before closing' },
    { every: 'working-day', at: '2027-03-30T12:00+02:00', before: 10 * HOUR_MS, warn: '2027-03-30T09:00+02:00', why: 'more than the day holds: at opening' },
  ];
  for (const row of warnings) {
    it(`warns ${row.warn} for a ${row.every} period (${row.why})`, () => {
      const office = calendar('nl-office');
      expect(show(warningAt(office, periodAt(row.every, office, at(row.at))!, row.before))).to.equal(row.warn);
    });
  }
});

describe('obligation periods, for any instant', () => {
  it('hold the instant, open at their first business instant and are due at their last, and follow each other', async () => {
    const { default: fc } = await import('fast-check');
    const calendars = ['nl-office', 'nl-24x7'].map((id) => shippedConfig().calendars.get(id)!);
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = Date.parse('2031-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.constantFrom(...calendars), fc.constantFrom<ObligationEvery>('working-day', 'month', 'quarter'), (instant, office, every) => {
        const period = periodAt(every, office, instant) ?? nextPeriodFrom(every, office, instant);
        const holds = period.start <= instant && instant < period.end;
        // No period: a closed day, so the next one starts after it.
        if (!holds) expect(period.start).to.be.greaterThan(instant);
        expect(period.start <= period.opensAt && period.opensAt < period.dueAt && period.dueAt <= period.end).to.equal(true);
        expect(office.between(period.start, period.opensAt)).to.equal(0);
        expect(office.between(period.dueAt, period.end)).to.equal(0);
        // Open in the minute after the opening and in the minute before the deadline (windows are on whole minutes).
        expect(office.between(period.opensAt, period.opensAt + 60_000)).to.equal(60_000);
        expect(office.between(period.dueAt - 60_000, period.dueAt)).to.equal(60_000);
        expect(office.between(period.opensAt, period.dueAt)).to.equal(office.between(period.start, period.end));
        const next = nextPeriodFrom(every, office, period.end);
        expect(next.start).to.be.at.least(period.end);
        expect(next.key > period.key).to.equal(true);
        // Nothing is owed between two periods.
        expect(office.between(period.end, next.start)).to.equal(0);
      }),
      { numRuns: 300 },
    );
  });
});
