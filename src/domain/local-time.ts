import { DateTime } from 'luxon';
import { z } from 'zod';
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

/** An IANA time zone the platform knows, e.g. Europe/Amsterdam. */
export const zoneSchema = z.string().refine((zone) => DateTime.local().setZone(zone).isValid, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. Europe/Amsterdam)`,
});

