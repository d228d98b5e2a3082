/**
 * The slow, obviously correct reference for downtime: walk the month minute by minute and count
 * every minute some outage covers. Only for outages on whole minutes.
 */
import type { Outage } from '../../src/domain/availability.js';

const MINUTE = 60_000;

const covered = (outages: readonly Outage[], minute: number, now: number) =>
  outages.some((outage) => minute >= outage.from && minute < (outage.to ?? now) && minute < now);

export function referenceDowntime(outages: readonly Outage[], from: number, until: number, now: number): number {
  let down = 0;
  for (let minute = from; minute < until; minute += MINUTE) if (covered(outages, minute, now)) down += MINUTE;
  return down;
}

/** The end of the minute at which the covered minutes reach `threshold`, open outages running on to `until`. */
export function referenceReachesAt(outages: readonly Outage[], from: number, until: number, now: number, threshold: number): number | null {
  const running = outages.map((outage) => ({ from: outage.from, to: outage.to === null ? until : Math.min(outage.to, now) }));
  let down = 0;
  for (let minute = from; minute < until; minute += MINUTE) {
    if (covered(running, minute, until)) down += MINUTE;
    if (down >= threshold) return minute + MINUTE;
  }
  return null;
}
