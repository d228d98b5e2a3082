import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';

/** ISO-8601 in the zone's local time with its UTC offset, e.g. `2026-11-30T16:30:00.000+01:00`. */
export function toLocalIso(instant: Instant, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISO({ includeOffset: true })!;
}

/**
 * Reads an ISO-8601 date-time; one without an offset is local time in `zone`.
 * Returns undefined when the text is not ISO-8601.
 */
export function parseLocalIso(text: string, zone: string): Instant | undefined {
  const parsed = DateTime.fromISO(text.trim(), { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}
