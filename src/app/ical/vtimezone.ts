/**
 * A VTIMEZONE (RFC 5545 3.6.5) written from the zone's real offset changes, as the platform's tz
 * data (through luxon, ../../domain/zone-offsets.ts) has them, over the span the feed's events need:
 * one STANDARD or DAYLIGHT part per change, without RRULEs, so a client never extrapolates a rule
 * the zone does not follow (Morocco's Ramadan changes, a country that drops DST).
 */
import { DateTime } from 'luxon';
import { ZoneOffsets, type OffsetStretch } from '../../domain/zone-offsets.js';
import { contentLine, escapeText, localDateTime, utcOffset } from './ical-text.js';

const DAY_MS = 86_400_000;
/** How far before the span the change in force at its start is looked for: every DST zone changes yearly. */
const LOOKBACK_MS = 400 * DAY_MS;

/** What an instant's local time is written as: the zone's local time, or UTC where that local time is ambiguous. */
export interface LocalStamp {
  readonly value: string;
  /** False when the local time occurs twice (the clock went back): then the value is UTC. */
  readonly local: boolean;
}

/** No zone's offset is this far from UTC. */
const MAX_OFFSET_MS = 27 * 3_600_000;

/**
 * The changes of each zone a feed has used, kept for the next feed: finding them asks luxon (Intl)
 * hundreds of times per year of span. There are a few hundred zones at most, and feeds use the
 * contracts' few.
 */
const knownZones = new Map<string, ZoneOffsets>();
function zoneOffsets(zone: string): ZoneOffsets {
  let offsets = knownZones.get(zone);
  if (!offsets) knownZones.set(zone, (offsets = new ZoneOffsets(zone)));
  return offsets;
}

/**
 * A zone's offsets over the span of a feed's events, read once: asking luxon (Intl) per event
 * costs more than the rest of the feed together.
 */
export class ZoneSpan {
  readonly stretches: readonly OffsetStretch[];

  /** `from` and `to`: the earliest and the latest instant the feed writes in the zone. */
  constructor(
    readonly zone: string,
    readonly from: number,
    readonly to: number,
    offsets = zoneOffsets(zone),
  ) {
    this.stretches = offsets.stretches(from - LOOKBACK_MS, to + DAY_MS);
  }

  /** The index of the stretch holding `instant` (clamped to the span). */
  private indexAt(instant: number): number {
    let low = 0;
    let high = this.stretches.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.stretches[middle]!.start <= instant) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  offsetAt(instant: number): number {
    return this.stretches[this.indexAt(instant)]!.offsetMs;
  }

  /** How many instants the wall clock shows `localMs` at: 0 in a gap, 2 in a repeated hour. */
  instantsShowing(localMs: number): number {
    const first = this.indexAt(localMs - MAX_OFFSET_MS);
    const last = this.indexAt(localMs + MAX_OFFSET_MS);
    let count = 0;
    for (let index = first; index <= last; index += 1) {
      const stretch = this.stretches[index]!;
      const candidate = localMs - stretch.offsetMs;
      if (candidate >= stretch.start && candidate < stretch.end) count += 1;
    }
    return count;
  }

  /**
   * The DTSTART value of an instant. A local time that occurs twice is written in UTC: RFC 5545
   * 3.3.5 reads it as the first occurrence, but clients differ (ical.js takes the second), and UTC
   * means one instant to all of them.
   */
  stamp(instant: number): LocalStamp {
    const seconds = Math.floor(instant / 1000) * 1000;
    const offsetMs = this.offsetAt(seconds);
    if (this.instantsShowing(seconds + offsetMs) === 1) return { value: localDateTime(seconds, offsetMs), local: true };
    return { value: `${localDateTime(seconds, 0)}Z`, local: false };
  }
}

function zoneName(zone: string, instant: number): { name: string; daylight: boolean } {
  const local = DateTime.fromMillis(instant, { zone, locale: 'en-GB' });
  return { name: local.offsetNameShort ?? utcOffset(local.offset * 60_000), daylight: local.isInDST };
}

/**
 * The VTIMEZONE lines of the span's zone: the offset in force at its start (from the change that
 * brought it, or from 1970 when the zone has not changed for over a year) and every change up to
 * its end.
 */
export function vtimezoneLines(span: ZoneSpan): string[] {
  const { stretches, zone } = span;
  const first = Math.max(0, stretches.findLastIndex((stretch) => stretch.start <= span.from));
  const lines = ['BEGIN:VTIMEZONE', contentLine('TZID', escapeText(zone))];
  for (let index = first; index < stretches.length; index += 1) {
    const stretch = stretches[index]!;
    const before = index > 0 ? stretches[index - 1]!.offsetMs : stretch.offsetMs;
    const { name, daylight } = zoneName(zone, stretch.start);
    const kind = daylight ? 'DAYLIGHT' : 'STANDARD';
    // The onset is the local time on the clock before the change (RFC 5545 3.6.5, DTSTART).
    const onset = index > 0 ? localDateTime(stretch.start, before) : '19700101T000000';
    lines.push(
      `BEGIN:${kind}`,
      contentLine('DTSTART', onset),
      contentLine('TZOFFSETFROM', utcOffset(before)),
      contentLine('TZOFFSETTO', utcOffset(stretch.offsetMs)),
      contentLine('TZNAME', escapeText(name)),
      `END:${kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
