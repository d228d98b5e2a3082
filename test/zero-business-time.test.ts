/**
 * Zero business time on the shipped calendars, worked out by hand: it is due when work can begin.
 * In working hours that is the start itself; outside them the next opening, as the contracts'
 * "reaction and handling time start at the beginning of the next working day" says. Exactly
 * closing time (17:00) is outside working hours: the window is [09:00, 17:00), and the office is
 * reachable "from 9:00 until 17:00". Round the clock, every moment is working time.
 */
import { expect } from 'chai';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { shippedConfig } from './support/shipped-config.js';

const calendars = shippedConfig().calendars;

const cases: [calendar: string, from: string, due: string, why: string][] = [
  ['nl-office', '2026-11-30T10:00:00+01:00', '2026-11-30T10:00:00.000+01:00', 'Monday in office hours: at once'],
  ['nl-office', '2026-11-30T09:00:00+01:00', '2026-11-30T09:00:00.000+01:00', 'at opening time: at once'],
  ['nl-office', '2026-11-30T16:59:59.999+01:00', '2026-11-30T16:59:59.999+01:00', 'the last ms of the day: at once'],
  ['nl-office', '2026-11-27T17:00:00+01:00', '2026-11-30T09:00:00.000+01:00', 'Friday at closing time: Monday morning'],
  ['nl-office', '2026-11-30T07:00:00+01:00', '2026-11-30T09:00:00.000+01:00', 'before opening: at opening'],
  ['nl-office', '2026-11-28T12:00:00+01:00', '2026-11-30T09:00:00.000+01:00', 'Saturday: Monday morning'],
  ['nl-office', '2026-12-24T17:00:00+01:00', '2026-12-28T09:00:00.000+01:00', 'Christmas Eve at closing time: after Christmas, Boxing Day and the weekend'],
  ['nl-office', '2026-12-31T17:00:00+01:00', '2027-01-04T09:00:00.000+01:00', "New Year's Eve at closing time: after New Year's Day (Friday) and the weekend"],
  ['nl-office', '2026-03-27T17:00:00+01:00', '2026-03-30T09:00:00.000+02:00', 'over the weekend the clocks go forward'],
  ['nl-24x7', '2026-11-28T03:00:00+01:00', '2026-11-28T03:00:00.000+01:00', 'round the clock: at once, also on Saturday night'],
  ['nl-24x7', '2026-10-25T02:30:00+01:00', '2026-10-25T02:30:00.000+01:00', 'round the clock: at once, also in the repeated hour'],
];

describe('zero business time is due when work can begin', () => {
  for (const [id, from, due, why] of cases) {
    it(`${id} from ${from}: ${due} (${why})`, () => {
      const calendar = calendars.get(id)!;
      const start = parseLocalIso(from, calendar.zone)!;
      const deadline = calendar.add(start, 0);
      expect(toLocalIso(deadline, calendar.zone)).to.equal(due);
      expect(calendar.between(start, deadline)).to.equal(0);
    });
  }
});
