import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../../src/domain/business-calendar.js';
import { dutyHandovers, dutyShifts, onDuty, type Rota } from '../../src/domain/duty-rota.js';
import { parseRotaIcal } from '../../src/config/rota-ical.js';
import { shippedConfig } from '../support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toMillis();
const local = (instant: number) => DateTime.fromMillis(instant, { zone: ZONE }).toFormat("yyyy-LL-dd'T'HH:mm");
const office = () => shippedConfig().calendars.get('nl-office')!;
const allDay = () => shippedConfig().calendars.get('nl-24x7')!;
const HOUR = 3_600_000;

function rota(halfDays: number, order: string[], starting: string, extra: Partial<Rota> = {}): Rota {
  return { order, rotation: { halfDays, starting }, overrides: [], leave: [], ...extra };
}

describe('duty rota: who is on duty when', () => {
  type Case = { name: string; calendar: () => BusinessCalendar; rota: () => Rota; at: string; person: string | null; source?: string; shift?: [string, string] };
  const cases: Case[] = [
    { name: 'before the first opening nobody is on duty', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-01-05'), at: '2026-01-05T08:59', person: null, source: 'none' },
    { name: 'the first shift starts at the first opening', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-01-05'), at: '2026-01-05T09:00', person: 'a', shift: ['2026-01-05T09:00', '2026-01-07T13:00'] },
    { name: '2.5 working days end at the calendar\'s midday', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-01-05'), at: '2026-01-07T12:59', person: 'a' },
    { name: 'the second person from that midday', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-01-05'), at: '2026-01-07T13:00', person: 'b', shift: ['2026-01-07T13:00', '2026-01-12T09:00'] },
    { name: 'the weekend stays with the shift that began before it', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-01-05'), at: '2026-01-10T03:00', person: 'b' },
    { name: 'the order wraps around', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-01-05'), at: '2026-01-12T09:00', person: 'a' },
    { name: 'a start on a Saturday begins at Monday\'s opening', calendar: office, rota: () => rota(2, ['a', 'b'], '2026-01-03'), at: '2026-01-05T09:00', person: 'a', shift: ['2026-01-05T09:00', '2026-01-06T09:00'] },
    // King's Day (Monday 27 April 2026) is closed on nl-office: it is nobody's working day.
    { name: 'a holiday does not count as a turn', calendar: office, rota: () => rota(2, ['a', 'b'], '2026-04-24'), at: '2026-04-27T12:00', person: 'a', shift: ['2026-04-24T09:00', '2026-04-28T09:00'] },
    { name: 'the day after the holiday is the next turn', calendar: office, rota: () => rota(2, ['a', 'b'], '2026-04-24'), at: '2026-04-28T09:00', person: 'b' },
    // Liberation Day 2026 (Tuesday 5 May) is closed every year on nl-office.
    { name: 'a half-day shift skips Liberation Day', calendar: office, rota: () => rota(1, ['a', 'b', 'c'], '2026-05-04'), at: '2026-05-06T09:00', person: 'c', shift: ['2026-05-06T09:00', '2026-05-06T13:00'] },
    // 29 March 2026: the clock jumps from 02:00 to 03:00; 25 October: from 03:00 back to 02:00.
    { name: 'a daily 24x7 shift over the spring-forward night is 23 hours', calendar: allDay, rota: () => rota(2, ['a', 'b'], '2026-03-28'), at: '2026-03-29T12:00', person: 'b', shift: ['2026-03-29T00:00', '2026-03-30T00:00'] },
    { name: 'a daily 24x7 shift over the fall-back night is 25 hours', calendar: allDay, rota: () => rota(2, ['a', 'b'], '2026-10-24'), at: '2026-10-25T02:30', person: 'b', shift: ['2026-10-25T00:00', '2026-10-26T00:00'] },
    { name: 'half days on 24x7 pass at noon on the wall clock, also on the DST day', calendar: allDay, rota: () => rota(1, ['a', 'b'], '2026-03-29'), at: '2026-03-29T12:00', person: 'b', shift: ['2026-03-29T12:00', '2026-03-30T00:00'] },
    { name: 'office shifts pass at 13:00 local on both sides of the DST change', calendar: office, rota: () => rota(5, ['a', 'b'], '2026-03-23'), at: '2026-03-25T13:00', person: 'b', shift: ['2026-03-25T13:00', '2026-03-30T09:00'] },
    {
      name: 'an override of whole days replaces the rotation',
      calendar: office,
      rota: () => rota(5, ['a', 'b', 'c'], '2026-01-05', { overrides: [{ from: at('2026-01-06T00:00'), until: at('2026-01-07T00:00'), person: 'c' }] }),
      at: '2026-01-06T10:00',
      person: 'c',
      source: 'override',
      shift: ['2026-01-06T00:00', '2026-01-07T00:00'],
    },
    {
      name: 'the later of two overlapping overrides wins',
      calendar: office,
      rota: () => rota(5, ['a', 'b', 'c'], '2026-01-05', { overrides: [{ from: at('2026-01-06T00:00'), until: at('2026-01-08T00:00'), person: 'c' }, { from: at('2026-01-06T12:00'), until: at('2026-01-06T14:00'), person: 'b' }] }),
      at: '2026-01-06T13:00',
      person: 'b',
      source: 'override',
    },
    {
      name: 'an override to nobody sends to the fallback',
      calendar: office,
      rota: () => rota(5, ['a', 'b'], '2026-01-05', { overrides: [{ from: at('2026-01-06T00:00'), until: at('2026-01-07T00:00'), person: null }] }),
      at: '2026-01-06T10:00',
      person: null,
      source: 'none',
    },
    {
      name: 'leave is covered by the next in order',
      calendar: office,
      rota: () => rota(5, ['a', 'b', 'c'], '2026-01-05', { leave: [{ from: at('2026-01-05T00:00'), until: at('2026-01-07T00:00'), person: 'a' }] }),
      at: '2026-01-06T10:00',
      person: 'b',
      source: 'cover',
      shift: ['2026-01-05T09:00', '2026-01-07T00:00'],
    },
    {
      name: 'leave with a named cover',
      calendar: office,
      rota: () => rota(5, ['a', 'b', 'c'], '2026-01-05', { leave: [{ from: at('2026-01-05T00:00'), until: at('2026-01-07T00:00'), person: 'a', cover: 'c' }] }),
      at: '2026-01-06T10:00',
      person: 'c',
      source: 'cover',
    },
    {
      name: 'the cover skips a colleague who is away as well',
      calendar: office,
      rota: () => rota(5, ['a', 'b', 'c'], '2026-01-05', { leave: [{ from: at('2026-01-05T00:00'), until: at('2026-01-07T00:00'), person: 'a' }, { from: at('2026-01-01T00:00'), until: at('2026-02-01T00:00'), person: 'b' }] }),
      at: '2026-01-06T10:00',
      person: 'c',
    },
    {
      name: 'nobody when everyone is away',
      calendar: office,
      rota: () => rota(5, ['a', 'b'], '2026-01-05', { leave: [{ from: at('2026-01-01T00:00'), until: at('2026-02-01T00:00'), person: 'a' }, { from: at('2026-01-01T00:00'), until: at('2026-02-01T00:00'), person: 'b' }] }),
      at: '2026-01-06T10:00',
      person: null,
      source: 'none',
    },
    {
      name: 'an imported shift',
      calendar: office,
      rota: () => ({ order: ['a', 'b'], shifts: [{ start: at('2026-01-05T09:00'), end: at('2026-01-07T13:00'), person: 'a' }, { start: at('2026-01-07T13:00'), end: at('2026-01-09T17:00'), person: 'b' }], overrides: [], leave: [] }),
      at: '2026-01-08T10:00',
      person: 'b',
      source: 'ical',
      shift: ['2026-01-07T13:00', '2026-01-09T17:00'],
    },
    {
      name: 'a gap between imported shifts has nobody',
      calendar: office,
      rota: () => ({ order: ['a'], shifts: [{ start: at('2026-01-05T09:00'), end: at('2026-01-05T17:00'), person: 'a' }], overrides: [], leave: [] }),
      at: '2026-01-05T18:00',
      person: null,
      source: 'none',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const shift = onDuty(c.rota(), c.calendar(), at(c.at));
      expect(shift.person, 'person').to.equal(c.person);
      if (c.source) expect(shift.source, 'source').to.equal(c.source);
      if (c.shift) expect([local(shift.start), local(shift.end)], 'shift').to.deep.equal(c.shift);
    });
  }

  it('the 24x7 DST shifts are really 23 and 25 hours long', () => {
    const spring = onDuty(rota(2, ['a', 'b'], '2026-03-28'), allDay(), at('2026-03-29T12:00'));
    const autumn = onDuty(rota(2, ['a', 'b'], '2026-10-24'), allDay(), at('2026-10-25T12:00'));
    expect([(spring.end - spring.start) / HOUR, (autumn.end - autumn.start) / HOUR]).to.deep.equal([23, 25]);
  });

  it('handovers are the instants the duty passes to another person', () => {
    const handovers = dutyHandovers(rota(5, ['a', 'b'], '2026-01-05'), office(), at('2026-01-05T00:00'), at('2026-01-13T00:00'));
    expect(handovers.map((shift) => [local(shift.start), shift.person])).to.deep.equal([
      ['2026-01-05T09:00', 'a'],
      ['2026-01-07T13:00', 'b'],
      ['2026-01-12T09:00', 'a'],
    ]);
  });

  it('each associate takes 2.5 working days a turn: 20 hours of business time on nl-office', () => {
    const shifts = dutyShifts(rota(5, ['a', 'b', 'c', 'd'], '2026-01-05'), office(), at('2026-01-05T00:00'), at('2026-06-30T00:00')).slice(1, -1);
    expect(shifts.length).to.be.greaterThan(40);
    expect(new Set(shifts.map((shift) => office().between(shift.start, shift.end) / HOUR))).to.deep.equal(new Set([20]));
  });
});

describe('duty rota: shifts from an iCalendar feed', () => {
  const members = [{ id: 'anna', name: 'Anna de Vries', email: 'anna@2value.example' }, { id: 'bram', name: 'Bram Jansen' }];
  const feed = (events: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//rota//EN\r\n${events}END:VCALENDAR\r\n`;

  it('reads TZID, UTC and all-day events and names the person by SUMMARY or ATTENDEE', () => {
    const text = feed(
      'BEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=Europe/Amsterdam:20260105T090000\r\nDTEND;TZID=Europe/Amsterdam:20260107T130000\r\nSUMMARY:Dienst Anna de Vries\r\nEND:VEVENT\r\n' +
        'BEGIN:VEVENT\r\nUID:2\r\nDTSTART:20260107T120000Z\r\nDTEND:20260109T160000Z\r\nSUMMARY:Duty\r\nATTENDEE;CN=Bram Jansen:mailto:bram@2value.example\r\nEND:VEVENT\r\n' +
        'BEGIN:VEVENT\r\nUID:3\r\nDTSTART;VALUE=DATE:20260112\r\nDTEND;VALUE=DATE:20260113\r\nSUMMARY:Duty\r\nATTENDEE:mailto:anna@2value.example\r\nEND:VEVENT\r\n',
    );
    const { shifts, problems } = parseRotaIcal(text, members, ZONE);
    expect(problems).to.deep.equal([]);
    expect(shifts.map((shift) => [local(shift.start), local(shift.end), shift.person])).to.deep.equal([
      ['2026-01-05T09:00', '2026-01-07T13:00', 'anna'],
      ['2026-01-07T13:00', '2026-01-09T17:00', 'bram'],
      ['2026-01-12T00:00', '2026-01-13T00:00', 'anna'],
    ]);
  });

  it('expands a weekly recurring duty across the DST change in its own zone', () => {
    const text = feed('BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Amsterdam:20260323T090000\r\nDTEND;TZID=Europe/Amsterdam:20260323T170000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:bram\r\nEND:VEVENT\r\n');
    const { shifts } = parseRotaIcal(text, members, ZONE);
    expect(shifts.map((shift) => local(shift.start))).to.deep.equal(['2026-03-23T09:00', '2026-03-30T09:00', '2026-04-06T09:00']);
  });

  it('an event naming nobody of the team is a problem naming the event', () => {
    const { problems } = parseRotaIcal(feed('BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nSUMMARY:Mallory\r\nEND:VEVENT\r\n'), members, ZONE);
    expect(problems).to.deep.equal(['VEVENT 1 ("Mallory") names no member of the team in SUMMARY or ATTENDEE (members: anna, bram)']);
  });

  it('text that is not iCalendar is a problem, not an exception', () => {
    expect(parseRotaIcal('hello', members, ZONE).problems[0]).to.match(/^is not an iCalendar file/);
  });
});

describe('duty rota: properties', () => {
  const arbitraryRota = fc.record({
    halfDays: fc.integer({ min: 1, max: 8 }),
    people: fc.integer({ min: 1, max: 5 }),
    startDay: fc.integer({ min: 0, max: 700 }),
    twentyFourSeven: fc.boolean(),
    overrides: fc.array(fc.record({ offsetH: fc.integer({ min: -200, max: 1200 }), lengthH: fc.integer({ min: 1, max: 100 }), person: fc.option(fc.integer({ min: 0, max: 4 })) }), { maxLength: 3 }),
    leave: fc.array(fc.record({ offsetH: fc.integer({ min: -200, max: 1200 }), lengthH: fc.integer({ min: 1, max: 400 }), person: fc.integer({ min: 0, max: 4 }) }), { maxLength: 3 }),
    fromH: fc.integer({ min: -100, max: 1500 }),
    lengthH: fc.integer({ min: 1, max: 1500 }),
    probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
  });

  it('shifts tile the range, and every instant has exactly the person (or nobody) onDuty names', () => {
    fc.assert(
      fc.property(arbitraryRota, (input) => {
        const calendar = input.twentyFourSeven ? allDay() : office();
        const order = ['a', 'b', 'c', 'd', 'e'].slice(0, input.people);
        const starting = DateTime.fromISO('2026-01-01', { zone: ZONE }).plus({ days: input.startDay });
        const base = starting.toMillis();
        const subject: Rota = {
          order,
          rotation: { halfDays: input.halfDays, starting: starting.toISODate()! },
          overrides: input.overrides.map((o) => ({ from: base + o.offsetH * HOUR, until: base + (o.offsetH + o.lengthH) * HOUR, person: o.person === null ? null : order[o.person % order.length]! })),
          leave: input.leave.map((l) => ({ from: base + l.offsetH * HOUR, until: base + (l.offsetH + l.lengthH) * HOUR, person: order[l.person % order.length]! })),
        };
        const from = base + input.fromH * HOUR;
        const to = from + input.lengthH * HOUR;
        const shifts = dutyShifts(subject, calendar, from, to);
        expect(shifts[0]!.start).to.equal(from);
        expect(shifts[shifts.length - 1]!.end).to.equal(to);
        shifts.forEach((shift, index) => {
          expect(shift.end).to.be.greaterThan(shift.start);
          if (index > 0) expect(shift.start).to.equal(shifts[index - 1]!.end);
          expect(shift.person === null || order.includes(shift.person)).to.equal(true);
          if (shift.person !== null) expect(subject.leave.some((leave) => leave.person === shift.person && leave.from <= shift.start && shift.start < leave.until) && shift.source !== 'override').to.equal(false);
        });
        for (const probe of input.probes) {
          const instant = Math.floor(from + probe * (to - from - 1));
          const holding = shifts.filter((shift) => shift.start <= instant && instant < shift.end);
          expect(holding).to.have.length(1);
          expect(onDuty(subject, calendar, instant).person).to.equal(holding[0]!.person);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('without swaps or leave every complete turn on nl-office has exactly its half days of business time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 700 }), (halfDays, startDay) => {
        const starting = DateTime.fromISO('2026-01-01', { zone: ZONE }).plus({ days: startDay });
        const shifts = dutyShifts(rota(halfDays, ['a', 'b', 'c'], starting.toISODate()!), office(), starting.toMillis(), starting.plus({ days: 60 }).toMillis()).slice(1, -1);
        for (const shift of shifts) expect(office().between(shift.start, shift.end)).to.equal(halfDays * 4 * HOUR);
        shifts.forEach((shift, index) => index > 0 && expect(shift.person).to.not.equal(shifts[index - 1]!.person));
      }),
      { numRuns: 60 },
    );
  });
});

describe('duty rota: the iCalendar import, property', () => {
  const members = [{ id: 'anna' }, { id: 'bram' }, { id: 'chantal' }];
  const utc = (instant: number) => DateTime.fromMillis(instant, { zone: 'UTC' }).toFormat("yyyyLLdd'T'HHmmss'Z'");
  const local = (instant: number) => DateTime.fromMillis(instant, { zone: ZONE }).toFormat("yyyyLLdd'T'HHmmss");

  it('reads back every shift written as UTC or Amsterdam local time, in start order', () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.record({ startMin: fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }), lengthMin: fc.integer({ min: 1, max: 14 * 24 * 60 }), person: fc.integer({ min: 0, max: 2 }), asLocal: fc.boolean() }), { maxLength: 12 }),
        (events) => {
          const shifts = events.map((event) => ({ start: base + event.startMin * 60_000, end: base + (event.startMin + event.lengthMin) * 60_000, person: members[event.person]!.id, asLocal: event.asLocal }));
          const text = [
            'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//rota//EN',
            ...shifts.flatMap((shift, index) => [
              'BEGIN:VEVENT', `UID:${index}`,
              // A local time the clock skips or shows twice would not name one instant: those are written in UTC.
              shift.asLocal && DateTime.fromFormat(local(shift.start), "yyyyLLdd'T'HHmmss", { zone: ZONE }).toMillis() === shift.start && DateTime.fromFormat(local(shift.end), "yyyyLLdd'T'HHmmss", { zone: ZONE }).toMillis() === shift.end
                ? `DTSTART;TZID=${ZONE}:${local(shift.start)}\r\nDTEND;TZID=${ZONE}:${local(shift.end)}`
                : `DTSTART:${utc(shift.start)}\r\nDTEND:${utc(shift.end)}`,
              `SUMMARY:Duty ${shift.person}`, 'END:VEVENT',
            ]),
            'END:VCALENDAR', '',
          ].join('\r\n');
          const parsed = parseRotaIcal(text, members, ZONE);
          expect(parsed.problems).to.deep.equal([]);
          const expected = shifts.map(({ start, end, person }) => ({ start, end, person })).sort((a, b) => a.start - b.start || a.end - b.end);
          expect(parsed.shifts.map((shift) => [shift.start, shift.end])).to.deep.equal(expected.map((shift) => [shift.start, shift.end]));
          expect(new Set(parsed.shifts.map((shift) => `${shift.start}/${shift.end}/${shift.person}`))).to.deep.equal(new Set(expected.map((shift) => `${shift.start}/${shift.end}/${shift.person}`)));
        },
      ),
      { numRuns: 100 },
    );
  });
});
