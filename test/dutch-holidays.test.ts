/**
 * The shipped office calendar closes exactly the "algemeen erkende feestdagen" of article 3(1)
 * of the Algemene termijnenwet, whatever type date-holidays gives each of them.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { shippedConfig } from './support/shipped-config.js';

// Worked out from the law and an Easter table; Sundays are left out (closed anyway).
const expectedClosedWeekdays: Record<number, string[]> = {
  2025: ['2025-01-01', '2025-04-21', '2025-04-26', '2025-05-05', '2025-05-29', '2025-06-09', '2025-12-25', '2025-12-26'],
  2026: ['2026-01-01', '2026-04-06', '2026-04-27', '2026-05-05', '2026-05-14', '2026-05-25', '2026-12-25', '2026-12-26'],
  2027: ['2027-01-01', '2027-03-29', '2027-04-27', '2027-05-05', '2027-05-06', '2027-05-17', '2027-12-25'],
  2028: ['2028-01-01', '2028-04-17', '2028-04-27', '2028-05-05', '2028-05-25', '2028-06-05', '2028-12-25', '2028-12-26'],
  2031: ['2031-01-01', '2031-04-14', '2031-04-26', '2031-05-05', '2031-05-22', '2031-06-02', '2031-12-25', '2031-12-26'],
};

function closedNonSundays(year: number): string[] {
  const calendar = shippedConfig().calendars.get('nl-office')!;
  const closed: string[] = [];
  for (let day = DateTime.fromObject({ year, month: 1, day: 1 }); day.year === year; day = day.plus({ days: 1 })) {
    if (day.weekday !== 7 && calendar.closedReason(day.toISODate()!)) closed.push(day.toISODate()!);
  }
  return closed;
}

describe('nl-office calendar: Dutch public holidays', () => {
  for (const [year, expected] of Object.entries(expectedClosedWeekdays)) {
    it(`closes exactly the statutory holidays in ${year}`, () => {
      expect(closedNonSundays(Number(year))).to.deep.equal(expected);
    });
  }

  it('moves King\'s Day to 26 April when the 27th is a Sunday (2025, 2031), with no Monday substitute', () => {
    const calendar = shippedConfig().calendars.get('nl-office')!;
    expect(calendar.closedReason('2025-04-26')).to.equal("King's Day");
    expect(calendar.closedReason('2031-04-26')).to.equal("King's Day");
    expect(calendar.closedReason('2031-04-28')).to.equal(undefined);
  });

  it('closes on Liberation Day every year, not only every fifth', () => {
    const calendar = shippedConfig().calendars.get('nl-office')!;
    for (const year of [2026, 2027, 2028, 2029, 2030]) expect(calendar.closedReason(`${year}-05-05`), String(year)).to.equal('Liberation Day');
  });

  it('keeps Good Friday and the other observances as working days', () => {
    const calendar = shippedConfig().calendars.get('nl-office')!;
    for (const date of ['2026-04-03', '2027-03-26', '2026-05-04', '2026-12-05', '2026-12-31', '2026-12-15']) {
      expect(calendar.closedReason(date), date).to.equal(undefined);
    }
  });
});
