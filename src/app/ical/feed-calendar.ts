/**
 * A feed as an RFC 5545 VCALENDAR: one VEVENT per open deadline at its instant in the calendar's
 * zone (with a VTIMEZONE per zone, from the real changes over the events' span), a VALARM at each
 * warning the bridge sends, and the revision that tells a client the event changed.
 */
import { createHash } from 'node:crypto';
import type { DeadlineEvent } from './deadline-events.js';
import { CRLF, contentLine, escapeText, utcDateTime } from './ical-text.js';
import { vtimezoneLines, ZoneSpan } from './vtimezone.js';

/** What the feed keeps per event across requests (./feed-revisions.ts). */
export interface EventRevision {
  /** RFC 5545 SEQUENCE: 0 when first served, one up whenever the event's content changed. */
  readonly sequence: number;
  readonly createdAt: number;
  /** When the content last changed, as far as the feed saw: LAST-MODIFIED and DTSTAMP. */
  readonly modifiedAt: number;
}

/** What a revision is kept against: every part of the event a client shows. */
export function eventFingerprint(event: DeadlineEvent): string {
  const shown = [event.uid, event.summary, event.description, event.url ?? '', event.deadline, event.zone, ...event.alarms.flatMap((alarm) => [alarm.label, alarm.at])];
  return createHash('sha256').update(JSON.stringify(shown)).digest('base64url').slice(0, 22);
}

export interface FeedCalendar {
  /** X-WR-CALNAME and NAME (RFC 7986): what a client calls the subscription. */
  readonly name: string;
  /** X-WR-TIMEZONE: the zone a client shows the feed in when it asks (the contract calendar's). */
  readonly zone?: string | undefined;
  readonly events: readonly DeadlineEvent[];
  readonly revisions: ReadonlyMap<string, EventRevision>;
  /** When the feed is made: an empty feed's VTIMEZONE covers it. */
  readonly now: number;
}

/** Calendar clients poll; this asks them to do so every quarter of an hour (RFC 7986, and Outlook's own name). */
const REFRESH = 'PT15M';

function alarmLines(event: DeadlineEvent): string[] {
  return event.alarms.flatMap((alarm) => [
    'BEGIN:VALARM',
    contentLine('ACTION', 'DISPLAY'),
    contentLine('DESCRIPTION', escapeText(alarm.label === 'breach' ? `SLA deadline now: ${event.summary}` : `SLA warning (${alarm.label}): ${event.summary}`)),
    contentLine('TRIGGER', utcDateTime(alarm.at), { VALUE: 'DATE-TIME' }),
    'END:VALARM',
  ]);
}

function eventLines(event: DeadlineEvent, revision: EventRevision, zone: ZoneSpan): string[] {
  const start = zone.stamp(event.deadline);
  return [
    'BEGIN:VEVENT',
    contentLine('UID', escapeText(event.uid)),
    contentLine('DTSTAMP', utcDateTime(revision.modifiedAt)),
    contentLine('CREATED', utcDateTime(revision.createdAt)),
    contentLine('LAST-MODIFIED', utcDateTime(revision.modifiedAt)),
    contentLine('SEQUENCE', String(revision.sequence)),
    // No DTEND: a deadline is an instant (RFC 5545 3.6.1: the event ends where it starts).
    start.local ? contentLine('DTSTART', start.value, { TZID: event.zone }) : contentLine('DTSTART', start.value),
    contentLine('SUMMARY', escapeText(event.summary)),
    contentLine('DESCRIPTION', escapeText(event.description)),
    ...(event.url ? [contentLine('URL', event.url.replace(/[\u0000-\u0020\u007f]/g, encodeURIComponent), { VALUE: 'URI' })] : []),
    contentLine('TRANSP', 'TRANSPARENT'),
    contentLine('CATEGORIES', escapeText('SLA deadline')),
    ...alarmLines(event),
    'END:VEVENT',
  ];
}

export function feedCalendar(feed: FeedCalendar): string {
  const bounds = new Map<string, { from: number; to: number }>();
  for (const event of feed.events) {
    const seen = bounds.get(event.zone);
    bounds.set(event.zone, { from: Math.min(seen?.from ?? event.deadline, event.deadline), to: Math.max(seen?.to ?? event.deadline, event.deadline) });
  }
  // RFC 5545 3.4 wants at least one component: a feed without deadlines gets its zone's VTIMEZONE.
  if (feed.events.length === 0) bounds.set(feed.zone ?? 'Etc/UTC', { from: feed.now, to: feed.now });
  const spans = new Map([...bounds].sort(([a], [b]) => a.localeCompare(b)).map(([zone, { from, to }]) => [zone, new ZoneSpan(zone, from, to)]));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//sla-bridge//SLA deadlines//EN',
    'CALSCALE:GREGORIAN',
    contentLine('NAME', escapeText(feed.name)),
    contentLine('X-WR-CALNAME', escapeText(feed.name)),
    ...(feed.zone ? [contentLine('X-WR-TIMEZONE', escapeText(feed.zone))] : []),
    contentLine('REFRESH-INTERVAL', REFRESH, { VALUE: 'DURATION' }),
    contentLine('X-PUBLISHED-TTL', REFRESH),
    ...[...spans.values()].flatMap(vtimezoneLines),
    ...feed.events.flatMap((event) => eventLines(event, feed.revisions.get(event.uid) ?? { sequence: 0, createdAt: 0, modifiedAt: 0 }, spans.get(event.zone)!)),
    'END:VCALENDAR',
  ];
  return lines.join(CRLF) + CRLF;
}
