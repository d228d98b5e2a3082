/**
 * Duty shifts from an iCalendar feed file: each VEVENT is a shift of the member its SUMMARY or an
 * ATTENDEE (e-mail address or CN) names. Recurring events are expanded, at most MAX_OCCURRENCES
 * each and no further than MAX_YEARS after their first start. Times with a TZID the platform knows
 * (IANA names, as Google and Nextcloud export) are read in that zone, UTC times as UTC, floating
 * times and unknown TZIDs (Outlook's Windows names) in the team's zone.
 */
import ICAL from 'ical.js';
import { DateTime } from 'luxon';

const MAX_OCCURRENCES = 2_000;
const MAX_YEARS = 10;

export interface IcalMember {
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
}

export interface IcalShift {
  readonly start: number;
  readonly end: number;
  readonly person: string;
}

export type IcalResult = { readonly shifts: IcalShift[]; readonly problems: string[] };

function instantOf(time: ICAL.Time, tzid: string | undefined, zone: string): number {
  const wall = { year: time.year, month: time.month, day: time.day, hour: time.isDate ? 0 : time.hour, minute: time.isDate ? 0 : time.minute, second: time.isDate ? 0 : time.second };
  if (!time.isDate && time.zone?.tzid === 'UTC') return DateTime.fromObject(wall, { zone: 'UTC' }).toMillis();
  const known = tzid && DateTime.local().setZone(tzid).isValid ? tzid : zone;
  return DateTime.fromObject(wall, { zone: known }).toMillis();
}

const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}@._-]+/u).filter(Boolean);

/** The member an event names, by id, name or e-mail address in its SUMMARY or ATTENDEEs. */
function personOf(event: ICAL.Event, members: readonly IcalMember[]): string | undefined {
  const summary = (event.summary ?? '').toLowerCase();
  const summaryWords = new Set(words(summary));
  const attendees = event.attendees.map((attendee) => ({
    address: String(attendee.getFirstValue() ?? '').replace(/^mailto:/i, '').toLowerCase(),
    cn: String(attendee.getParameter('cn') ?? '').toLowerCase(),
  }));
  return members.find((member) => {
    const name = member.name?.toLowerCase();
    const email = member.email?.toLowerCase();
    if (summaryWords.has(member.id.toLowerCase()) || (name && summary.includes(name)) || (email && summaryWords.has(email))) return true;
    return attendees.some((attendee) => (email && attendee.address === email) || (name && attendee.cn === name) || attendee.cn === member.id.toLowerCase());
  })?.id;
}

export function parseRotaIcal(text: string, members: readonly IcalMember[], zone: string): IcalResult {
  const problems: string[] = [];
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    return { shifts: [], problems: [`is not an iCalendar file: ${(error as Error).message}`] };
  }
  const shifts: IcalShift[] = [];
  root.getAllSubcomponents('vevent').forEach((component, index) => {
    const event = new ICAL.Event(component);
    const label = `VEVENT ${index + 1}${event.summary ? ` ("${event.summary}")` : ''}`;
    if (!event.startDate) {
      problems.push(`${label} has no DTSTART`);
      return;
    }
    const person = personOf(event, members);
    if (!person) {
      problems.push(`${label} names no member of the team in SUMMARY or ATTENDEE (members: ${members.map((member) => member.id).join(', ')})`);
      return;
    }
    const tzidOf = (name: string) => (component.getFirstProperty(name)?.getParameter('tzid') as string | undefined) ?? undefined;
    const startTzid = tzidOf('dtstart');
    const endTzid = tzidOf('dtend') ?? startTzid;
    const add = (start: ICAL.Time, end: ICAL.Time) => {
      const from = instantOf(start, startTzid, zone);
      const until = instantOf(end, endTzid, zone);
      if (until > from) shifts.push({ start: from, end: until, person });
    };
    if (!event.isRecurring()) {
      add(event.startDate, event.endDate);
      return;
    }
    const iterator = event.iterator();
    const limit = DateTime.fromMillis(instantOf(event.startDate, startTzid, zone)).plus({ years: MAX_YEARS }).toMillis();
    for (let count = 0; count < MAX_OCCURRENCES; count += 1) {
      const next = iterator.next();
      if (!next) break;
      const details = event.getOccurrenceDetails(next);
      if (instantOf(details.startDate, startTzid, zone) > limit) break;
      add(details.startDate, details.endDate);
    }
  });
  shifts.sort((a, b) => a.start - b.start || a.end - b.end);
  return { shifts, problems };
}
