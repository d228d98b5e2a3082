import { DateTime } from 'luxon';

/**
 * Jira writes date-times as `2026-11-30T09:00:00.000+0100`: ISO 8601 with the colon left out of the
 * offset. Both offset spellings and `Z` are read; a time without any offset is refused, because
 * guessing its zone would silently shift every SLA clock by the guessed offset.
 */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * The form Jira always sends, read without luxon: every delivery carries a few, and luxon's
 * general ISO parser was 3% of a webhook's CPU. Only plainly valid values take this way; anything
 * unusual (a day past the month's end, hour 24, a leap second, a far offset or year) is left to
 * luxon, so the answers are luxon's (test/connectors/jira-date-time.property.test.ts).
 */
const JIRA_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function jiraForm(text: string): number | undefined {
  const match = JIRA_FORM.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, ms] = match.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const offsetHours = match[8] ? 0 : Number(match[10]);
  const offsetMinutes = match[8] ? 0 : Number(match[11]);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  const offsetMs = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs;
}

/** Epoch ms, or undefined when the text is not a Jira date-time. */
export function parseJiraDateTime(text: string): number | undefined {
  const fast = jiraForm(text);
  if (fast !== undefined) return fast;
  if (!WITH_OFFSET.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}
