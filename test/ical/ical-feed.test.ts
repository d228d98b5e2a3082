/**
 * Feeds as a calendar client reads them: rendered from SLA states, parsed by ical.js (Mozilla's
 * parser, the one Thunderbird uses), the times converted through the feed's own VTIMEZONE. The
 * deadlines lie around the zone's next two clock changes from now, so the feed always spans a
 * change forward and one back, and one deadline lies in the hour that happens twice.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { deadlineEvents, deadlineUid } from '../../src/app/ical/deadline-events.js';
import { feedCalendar, type EventRevision } from '../../src/app/ical/feed-calendar.js';
import { unfoldLines } from '../../src/app/ical/ical-text.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import type { MetricStatus } from '../../src/domain/metric-status.js';
import { ZoneOffsets } from '../../src/domain/zone-offsets.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();

/** The zone's changes after `from` within two years, in order. */
function changesAfter(zone: string, from: number): { at: number; before: number; after: number }[] {
  const stretches = new ZoneOffsets(zone).stretches(from, from + 730 * DAY);
  return stretches.slice(1).map((stretch, index) => ({ at: stretch.start, before: stretches[index]!.offsetMs, after: stretch.offsetMs }));
}

function metric(deadline: number | null, overrides: Partial<MetricStatus> = {}): MetricStatus {
  return {
    metric: 'resolution',
    state: 'running',
    priority: 'P2',
    calendar: 'office',
    zone: 'Europe/Amsterdam',
    target: { text: '2d', ms: 2 * DAY },
    deadline,
    warnings: deadline === null ? [] : [{ label: '50%', elapsedMs: DAY, at: deadline - 5 * HOUR }, { label: '2h before', elapsedMs: 0, at: deadline - 2 * HOUR }, { label: 'later, when resumed', elapsedMs: 0, at: null }],
    segments: [{ from: NOW - HOUR, to: null, priority: 'P2', calendar: 'office' }],
    ...overrides,
  };
}

function state(id: string, metrics: MetricStatus[], overrides: { contract?: string; assignee?: string | null; resolved?: boolean; title?: string } = {}): IssueState {
  return {
    source: 'jira-demo',
    issue: { id, key: `MB-${id}`, title: overrides.title ?? `Issue ${id}`, url: `https://jira.example.com/browse/MB-${id}` },
    computedAt: NOW,
    eventCount: 3,
    sla: {
      covered: true,
      contract: overrides.contract ?? 'megabite-standard',
      customer: 'MegaBite',
      createdAt: NOW - HOUR,
      priority: { effective: 'P2', requested: 'P2', reason: 'as requested' },
      status: 'open',
      assignee: overrides.assignee === undefined ? 'alice' : overrides.assignee,
      resolved: overrides.resolved ?? false,
      deleted: false,
      metrics,
    },
  };
}

const revisionsFor = (uids: string[], sequence = 0) => new Map<string, EventRevision>(uids.map((uid) => [uid, { sequence, createdAt: NOW - DAY, modifiedAt: NOW }]));

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((vevent) => ({ vevent, event: new ICAL.Event(vevent) })) };
}

const seconds = (instant: number) => Math.floor(instant / 1000) * 1000;

describe('iCalendar feed', () => {
  const zone = 'Europe/Amsterdam';
  const [first, second] = changesAfter(zone, NOW);
  const forward = [first, second].find((change) => change && change.after > change.before);
  const back = [first, second].find((change) => change && change.after < change.before);
  if (!forward || !back) throw new Error(`${zone} changes its clocks neither way within two years of now: these cases need a zone that does`);
  // Deadlines: before and after each change, and in both runs of the hour that happens twice.
  const deadlines = {
    beforeForward: forward.at - 3 * HOUR + 17 * 60_000 + 500,
    afterForward: forward.at + 3 * HOUR,
    beforeBack: back.at - 3 * HOUR,
    firstRepeat: back.at - 30 * 60_000,
    secondRepeat: back.at + 30 * 60_000,
    afterBack: back.at + 3 * HOUR,
  };
  const states = Object.entries(deadlines).map(([name, deadline], index) => state(String(100 + index), [metric(deadline, { metric: 'reaction', state: 'running' })], { title: name }));
  const events = deadlineEvents(states, { contract: 'megabite-standard' });
  const text = feedCalendar({ name: 'SLA deadlines: MegaBite, the "standard"; contract', zone, events, revisions: revisionsFor(events.map((event) => event.uid)), now: NOW });

  it('is one VEVENT per open deadline with a stable UID, at its instant through the feed\'s VTIMEZONE', () => {
    const { events: parsed } = parse(text);
    // Soonest first: which change comes first depends on the day the suite runs.
    const soonestFirst = Object.entries(deadlines).sort(([, a], [, b]) => a - b).map(([name]) => name);
    expect(parsed.map(({ event }) => event.summary.split(': ')[1])).to.deep.equal(soonestFirst);
    for (const { event } of parsed) {
      const name = event.summary.split(': ')[1] as keyof typeof deadlines;
      const id = String(100 + Object.keys(deadlines).indexOf(name));
      expect(event.uid).to.equal(`jira-demo.${id}.reaction@sla-bridge`);
      expect(event.startDate.toJSDate().getTime(), name).to.equal(seconds(deadlines[name]));
    }
  });

  it('writes each start as local time of the calendar\'s zone, and both runs of a repeated hour in UTC', () => {
    const { events: parsed } = parse(text);
    for (const { event } of parsed) {
      const name = event.summary.split(': ')[1] as keyof typeof deadlines;
      const local = DateTime.fromMillis(deadlines[name], { zone });
      if (name === 'firstRepeat' || name === 'secondRepeat') {
        expect(event.startDate.zone.tzid, name).to.equal('UTC');
        continue;
      }
      expect(event.startDate.zone.tzid, name).to.equal(zone);
      // The wall clock the client shows is the zone's, on either side of each change.
      expect([event.startDate.year, event.startDate.month, event.startDate.day, event.startDate.hour, event.startDate.minute], name).to.deep.equal([local.year, local.month, local.day, local.hour, local.minute]);
    }
  });

  it('has a VTIMEZONE with the zone\'s real changes over the events\' span, and says which zone it is in', () => {
    const { calendar } = parse(text);
    const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
    expect(vtimezone.getFirstPropertyValue('tzid')).to.equal(zone);
    const parts = vtimezone.getAllSubcomponents().map((part) => [part.name, String(part.getFirstPropertyValue('tzoffsetto'))]);
    expect(parts).to.deep.include(['daylight', '+02:00']);
    expect(parts).to.deep.include(['standard', '+01:00']);
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).to.equal(zone);
    // ical.js knows neither NAME (RFC 7986) nor X-WR-CALNAME and gives them raw: TEXT, escaped.
    for (const name of ['name', 'x-wr-calname']) expect(calendar.getFirstPropertyValue(name), name).to.equal('SLA deadlines: MegaBite\\, the "standard"\\; contract');
  });

  it('alarms at each warning instant the bridge plans and at the deadline still to come, as absolute UTC triggers', () => {
    const { events: parsed } = parse(text);
    for (const { event, vevent } of parsed) {
      const name = event.summary.split(': ')[1] as keyof typeof deadlines;
      const triggers = vevent.getAllSubcomponents('valarm').map((alarm) => {
        expect(alarm.getFirstPropertyValue('action')).to.equal('DISPLAY');
        return (alarm.getFirstPropertyValue('trigger') as ICAL.Time).toJSDate().getTime();
      });
      // A change may be less than 5 hours away: a warning before the state's `now` has passed.
      const toCome = [deadlines[name] - 5 * HOUR, deadlines[name] - 2 * HOUR, deadlines[name]].filter((at) => at > NOW);
      expect(triggers, name).to.deep.equal(toCome.map(seconds));
    }
  });

  it('carries the issue link, the revision and RFC 5545 line rules', () => {
    const { events: parsed } = parse(text);
    const { vevent } = parsed[0]!;
    expect(vevent.getFirstPropertyValue('url')).to.match(/^https:\/\/jira\.example\.com\/browse\/MB-1\d\d$/);
    expect(vevent.getFirstPropertyValue('description')).to.include(String(vevent.getFirstPropertyValue('url')));
    expect(vevent.getFirstPropertyValue('sequence')).to.equal(0);
    expect((vevent.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().getTime()).to.equal(seconds(NOW));
    expect(text.endsWith('\r\n')).to.equal(true);
    expect(text.replace(/\r\n/g, '')).not.to.match(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).to.be.at.most(75);
  });

  it('leaves out what is not an open deadline: met, paused, not applicable, resolved issues', () => {
    const open = metric(NOW + DAY);
    const chosen = deadlineEvents(
      [
        state('1', [open, metric(NOW + DAY, { metric: 'reaction', state: 'met', metAt: NOW - 1000 })]),
        state('2', [metric(null, { state: 'paused' })]),
        state('3', [metric(NOW + DAY, { state: 'not_applicable' })]),
        state('4', [open], { resolved: true }),
        state('5', [metric(NOW - HOUR, { state: 'breached' })]),
      ],
      {},
    );
    expect(chosen.map((event) => event.uid)).to.deep.equal([deadlineUid('jira-demo', '5', 'resolution'), deadlineUid('jira-demo', '1', 'resolution')]);
    expect(chosen[0]!.summary).to.equal('MB-5 resolution (overdue): Issue 5');
    // Everything the overdue one warned of has passed; the other's warnings are all to come.
    expect(chosen.map((event) => event.alarms.map((alarm) => alarm.label))).to.deep.equal([[], ['50%', '2h before', 'breach']]);
  });

  it('filters by contract and by a set of assignees (a team)', () => {
    const all = [state('1', [metric(NOW + DAY)], { assignee: 'alice' }), state('2', [metric(NOW + DAY)], { assignee: 'bob', contract: 'other' }), state('3', [metric(NOW + DAY)], { assignee: null })];
    const ids = (filter: Parameters<typeof deadlineEvents>[1]) => deadlineEvents(all, filter).map((event) => event.issueId);
    expect(ids({ contract: 'megabite-standard' })).to.deep.equal(['1', '3']);
    expect(ids({ assignees: new Set(['bob']) })).to.deep.equal(['2']);
    expect(ids({ assignees: new Set(['alice', 'bob']) })).to.deep.equal(['1', '2']);
    expect(ids({ assignees: new Set() })).to.deep.equal([]);
  });

  it('reads back every instant in its zone through its own VTIMEZONE, in zones with odd offsets and changes', () => {
    const zones = ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kolkata', 'Europe/Dublin', 'America/Santiago', 'Africa/Casablanca'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.array(fc.integer({ min: 0, max: 730 * DAY }), { minLength: 1, maxLength: 8 }), (eventZone, offsets) => {
        const instants = offsets.map((offset) => NOW + offset);
        const built = deadlineEvents(
          instants.map((instant, index) => state(String(index), [metric(instant, { zone: eventZone })])),
          {},
        );
        const { events: parsed } = parse(feedCalendar({ name: 'x', zone: eventZone, events: built, revisions: revisionsFor(built.map((event) => event.uid)), now: NOW }));
        const byId = new Map(parsed.map(({ event }) => [event.uid, event.startDate]));
        instants.forEach((instant, index) => {
          const start = byId.get(deadlineUid('jira-demo', String(index), 'resolution'))!;
          expect(start.toJSDate().getTime(), `${eventZone} ${new Date(instant).toISOString()}`).to.equal(seconds(instant));
        });
      }),
      { numRuns: 150 },
    );
  });

  it('has a component even without deadlines (RFC 5545 3.4): the VTIMEZONE of its zone, or of UTC', () => {
    for (const [zone, expected] of [['Europe/Amsterdam', 'Europe/Amsterdam'], [undefined, 'Etc/UTC']] as const) {
      const { calendar, events: parsed } = parse(feedCalendar({ name: 'nobody', zone, events: [], revisions: new Map(), now: NOW }));
      expect(parsed).to.deep.equal([]);
      expect(calendar.getAllSubcomponents().map((part) => [part.name, part.getFirstPropertyValue('tzid')])).to.deep.equal([['vtimezone', expected]]);
    }
  });

  it('unfolds to one property per line even with long, non-ASCII titles', () => {
    const long = state('9', [metric(NOW + DAY)], { title: `Storing van de koelcel 😀 ${'€uro, ; \\ '.repeat(20)}` });
    const built = deadlineEvents([long], {});
    const folded = feedCalendar({ name: 'x', events: built, revisions: revisionsFor(built.map((event) => event.uid)), now: NOW });
    expect(unfoldLines(folded).split('\r\n').filter((line) => line.startsWith('SUMMARY:'))).to.have.length(1);
    expect(parse(folded).events[0]!.event.summary).to.equal(`MB-9 resolution: Storing van de koelcel 😀 ${'€uro, ; \\ '.repeat(20)}`);
  });
});
