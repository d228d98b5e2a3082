/**
 * An instant from a custom field's text, as trackers write dates: MantisBT keeps a date field as
 * epoch seconds ("0" or "" when unset), Jira a date-time as ISO 8601 with an offset written
 * `+0100` or `+01:00`, a date picker as `2026-12-01`, and its changelog's display strings as
 * `2026-12-01 10:00:00.0`. A time without an offset is read in the contract's zone, a bare date as
 * its midnight there. Anything else is no instant: a field whose text cannot be read says nothing.
 */
import { DateTime } from 'luxon';
import type { Instant } from './business-calendar.js';

const EPOCH_SECONDS = /^\d{1,12}$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function fieldInstant(text: string | null | undefined, zone: string): Instant | undefined {
  const value = text?.trim() ?? '';
  if (value === '') return undefined;
  if (EPOCH_SECONDS.test(value)) {
    const seconds = Number(value);
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  if (!ISO_LIKE.test(value)) return undefined;
  const parsed = DateTime.fromISO(value.replace(' ', 'T'), { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}
