/**
 * Office-hours calendars on local days that are not one unbroken stretch of 24 hours, worked out by
 * hand from the zones' history (tz database): a date the clock skips, a date it shows twice, clock
 * changes back across midnight and New Year, and offsets with seconds.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../src/domain/duration.js';
import { WindowedCalendar, type WorkingWindow } from '../src/domain/windowed-calendar.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];

/** A calendar from `{ sat: '23:00-24:00' }`-style hours (`all` for every day) and closed dates. */
function calendar(zone: string, hours: Partial<Record<Day | 'all', string>>, closed: string[] = []): WindowedCalendar {
  const window = (text: string): WorkingWindow => {
    const [start, end] = text.split('-').map((time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) as [number, number];
    return { startMinute: start, endMinute: end };
  };
  return new WindowedCalendar({
    id: `test-${zone}`,
    zone,
    week: DAYS.map((day) => {
      const text = hours[day] ?? hours.all;
      return text ? [window(text)] : [];
    }),
    closedDays: (year) => new Map(closed.filter((date) => date.startsWith(`${year}-`)).map((date) => [date, 'closed'])),
  });
}

const instant = (iso: string): number => {
  const parsed = DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) throw new Error(`bad test instant ${iso}`);
  return parsed.toMillis();
};
/** Local time with the offset, or UTC (`Z`) where the zone's offset has seconds that ISO-8601 offsets cannot show. */
const show = (t: number, zone: string): string =>
  zone === 'UTC' ? new Date(t).toISOString().replace('.000Z', 'Z') : DateTime.fromMillis(t, { zone }).toISO({ suppressMilliseconds: true, suppressSeconds: true })!;

const apia = calendar('Pacific/Apia', { all: '00:00-24:00' });
const apiaNewYear = calendar('Pacific/Apia', { all: '00:00-24:00' }, ['2012-01-01']);
const kiritimati = calendar('Pacific/Kiritimati', { all: '00:00-24:00' }, ['1995-01-01']);
const stJohns = calendar('America/St_Johns', { sat: '23:00-24:00' });
const phoenix = calendar('America/Phoenix', { all: '00:00-24:00' }, ['1943-12-31']);
const kwajalein = calendar('Pacific/Kwajalein', { tue: '09:00-17:00' });
const dublin = calendar('Europe/Dublin', { sun: '02:00-03:00' });

describe('business calendar: days the clock skips or shows twice', () => {
  const deadlines: [why: string, cal: WindowedCalendar, from: string, businessMs: number, due: string, zone?: string][] = [
    [
      'Apia skipped Friday 30 December 2011: 72 h round the clock are 72 real hours',
      apia, '2011-12-29T12:00-10:00', 72 * HOUR_MS, '2012-01-02T12:00+14:00',
    ],
    [
      'Apia, New Year 2012 closed: 12 h on the 29th, 24 h on the 31st, 24 h on the 2nd, 12 h on the 3rd',
      apiaNewYear, '2011-12-29T12:00-10:00', 72 * HOUR_MS, '2012-01-03T12:00+14:00',
    ],
    [
      'Kiritimati skipped 31 December 1994, the last day of its year; New Year closed',
      kiritimati, '1994-12-30T12:00-10:00', 72 * HOUR_MS, '1995-01-04T12:00+14:00',
    ],
    [
      'St. John\'s went back from Sunday 00:01 to Saturday 23:01: 60 min, then 30 of the 59 repeated ones',
      stJohns, '2010-11-06T22:00-02:30', 90 * MINUTE_MS, '2010-11-06T23:31-03:30',
    ],
    [
      'St. John\'s: that Saturday holds 1 h 59 min, the 2nd hour ends a minute into the next Saturday\'s window',
      stJohns, '2010-11-06T22:00-02:30', 2 * HOUR_MS, '2010-11-13T23:01-03:30',
    ],
    [
      'Phoenix went back from New Year 1944 00:01 to 1943-12-31 23:01: one minute of 1 January, then 59 closed minutes of 31 December',
      phoenix, '1943-12-31T22:00-06:00', 2 * HOUR_MS, '1944-01-01T01:59-07:00',
    ],
    [
      'Kwajalein showed Tuesday 30 September 1969 from 01:00 twice (+11:00, then -12:00): 1 h of the first 09:00-17:00, 1 h of the second',
      kwajalein, '1969-09-30T16:00+11:00', 2 * HOUR_MS, '1969-09-30T10:00-12:00',
    ],
    [
      'St. John\'s, zero business time from Sunday 00:00 (the first time): the clock goes back into Saturday\'s window at 23:01',
      stJohns, '2010-11-07T00:00-02:30', 0, '2010-11-06T23:01-03:30',
    ],
    [
      'Dublin went back from 03:00 Irish summer time (+00:34:39) to 02:25:21 GMT: from 02:00 (01:25:21 UTC) 1 h, then 10 min from 02:25:21',
      dublin, '1916-10-01T01:25:21Z', 70 * MINUTE_MS, '1916-10-01T02:35:21Z', 'UTC',
    ],
  ];
  for (const [why, cal, from, businessMs, due, zone] of deadlines) {
    it(`deadline: ${why}`, () => {
      const start = instant(from);
      const deadline = cal.add(start, businessMs);
      expect(show(deadline, zone ?? cal.zone)).to.equal(due);
      expect(cal.between(start, deadline)).to.equal(businessMs);
    });
  }

  const spans: [why: string, cal: WindowedCalendar, from: string, to: string, businessMs: number][] = [
    ['Apia: 29 December to New Year 2012 is two days', apia, '2011-12-29T00:00-10:00', '2012-01-01T00:00+14:00', 48 * HOUR_MS],
    ['Apia: New Year 2012 closed', apiaNewYear, '2012-01-01T00:00+14:00', '2012-01-02T00:00+14:00', 0],
    ['St. John\'s: the Saturday window and its repeated 59 minutes', stJohns, '2010-11-06T00:00-02:30', '2010-11-07T12:00-03:30', 119 * MINUTE_MS],
    ['Phoenix: 31 December 1943 is closed both times the clock shows it', phoenix, '1943-12-31T22:00-06:00', '1944-01-01T02:00-07:00', 2 * HOUR_MS + MINUTE_MS],
    ['Kwajalein: 30 September 1969 09:00-17:00 happened twice', kwajalein, '1969-09-29T00:00+11:00', '1969-10-01T00:00-12:00', 16 * HOUR_MS],
    ['Dublin: 02:00-03:00 on 1 October 1916 lasted 1 h 34 min 39 s', dublin, '1916-09-30T12:00Z', '1916-10-01T12:00Z', HOUR_MS + 34 * MINUTE_MS + 39 * SECOND_MS],
  ];
  for (const [why, cal, from, to, businessMs] of spans) {
    it(`business time: ${why}`, () => {
      expect(cal.between(instant(from), instant(to))).to.equal(businessMs);
    });
  }
});
