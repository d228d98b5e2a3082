/**
 * Contract durations such as `30m`, `2h`, `2d`, `1w` or `1d4h`.
 *
 * They stay symbolic until they meet a calendar: a `d` is one standard working day of the
 * calendar the metric is measured in (8 h on a 09:00-17:00 calendar, 24 h on a 24x7 one), so the
 * same `2d` means different amounts of business time on different calendars.
 */
export interface Duration {
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;

const UNIT_ORDER = ['w', 'd', 'h', 'm', 's'] as const;
type Unit = (typeof UNIT_ORDER)[number];
const UNIT_FIELD: Record<Unit, keyof Duration> = { w: 'weeks', d: 'days', h: 'hours', m: 'minutes', s: 'seconds' };
const PART = /(\d+(?:\.\d+)?)\s*([wdhms])/gy;

/** Parses `2h`, `1d 4h`, `90m`, `1.5h`; returns undefined for anything else. */
export function parseDuration(text: string): Duration | undefined {
  const source = text.trim().toLowerCase();
  if (source === '') return undefined;
  const parts: Record<keyof Duration, number> = { weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  let lastUnitIndex = -1;
  PART.lastIndex = 0;
  let consumed = 0;
  for (;;) {
    while (source[consumed] === ' ') consumed += 1;
    if (consumed === source.length) break;
    PART.lastIndex = consumed;
    const match = PART.exec(source);
    if (!match) return undefined;
    const unit = match[2] as Unit;
    const unitIndex = UNIT_ORDER.indexOf(unit);
    // Units must be given largest first and once each, so `2h30m` parses but `30m2h` or `1h1h` is a typo.
    if (unitIndex <= lastUnitIndex) return undefined;
    lastUnitIndex = unitIndex;
    parts[UNIT_FIELD[unit]] = Number(match[1]);
    consumed = PART.lastIndex;
  }
  return parts;
}

export function formatDuration(duration: Duration): string {
  const text = UNIT_ORDER.map((unit) => {
    const amount = duration[UNIT_FIELD[unit]];
    return amount ? `${amount}${unit}` : '';
  }).join('');
  return text === '' ? '0s' : text;
}

/** The business-time length of a duration on a calendar with the given day and week lengths. */
export function durationToMs(duration: Duration, dayMs: number, weekMs: number): number {
  return Math.round(
    duration.weeks * weekMs +
      duration.days * dayMs +
      duration.hours * HOUR_MS +
      duration.minutes * MINUTE_MS +
      duration.seconds * SECOND_MS,
  );
}

/** Business milliseconds as a short human text: `1h30m`, `45s`, `0s`. Sign is kept. */
export function formatMs(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / SECOND_MS));
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const text = `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
  return text === '' ? '0s' : sign + text;
}
