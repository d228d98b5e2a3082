import { DateTime } from 'luxon';

/**
 * Jira writes date-times as `2026-11-30T09:00:00.000+0100`: ISO 8601 with the colon left out of the
 * offset. Both offset spellings and `Z` are read; a time without any offset is refused, because
 * guessing its zone would silently shift every SLA clock by the guessed offset.
 */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms, or undefined when the text is not a Jira date-time. */
export function parseJiraDateTime(text: string): number | undefined {
  if (!WITH_OFFSET.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}
