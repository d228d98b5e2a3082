/**
 * Deadlines and business durations as people read them. Day and month names come from our own
 * tables rather than Intl, so a message reads the same on every Node build (ICU data differs in
 * small ways, e.g. Dutch `sep` vs `sept`).
 */
import { DateTime } from 'luxon';
import { formatMs, MINUTE_MS, SECOND_MS } from '../../src/domain/duration.js';
import type { Vocabulary } from './vocabulary.js';

const pad = (value: number) => String(value).padStart(2, '0');

/** `Mon 30 Nov 2026 13:00 (Europe/Amsterdam)`, `ma 30 nov 2026 13:00 (Europe/Amsterdam)`. */
export function deadlineText(instant: number, zone: string, words: Vocabulary): string {
  const local = DateTime.fromMillis(instant, { zone });
  const weekday = words.weekdays[local.weekday - 1];
  const month = words.months[local.month - 1];
  return `${weekday} ${local.day} ${month} ${local.year} ${pad(local.hour)}:${pad(local.minute)} (${zone})`;
}

/** Rewrites the unit letters of a duration text (`2h`, `1d4h`) into the language's own. */
export function localizeDuration(text: string, words: Vocabulary): string {
  return text.replace(/(\d)([hms])(?![a-z])/g, (_, digit: string, unit: 'h' | 'm' | 's') => digit + words.units[unit]);
}

/**
 * A duration `formatMs`-style (business time left, or how late a message is): whole minutes from one
 * minute up, since a warning that says `1h29m59s` is noise; seconds below that. The sign is
 * dropped: callers say left or overdue.
 */
export function shortDuration(ms: number, words: Vocabulary): string {
  const magnitude = Math.abs(ms);
  const unit = magnitude >= MINUTE_MS ? MINUTE_MS : SECOND_MS;
  return localizeDuration(formatMs(Math.round(magnitude / unit) * unit), words);
}

/** `1h30m left` / `2h15m overdue`, `nog 1u30m` / `2u15m te laat`. */
export function remainingText(remainingMs: number, words: Vocabulary): string {
  if (Math.round(Math.abs(remainingMs) / SECOND_MS) === 0) return words.dueNow;
  const duration = shortDuration(remainingMs, words);
  return remainingMs > 0 ? words.left(duration) : words.overdue(duration);
}
