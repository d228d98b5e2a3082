import { assertDuration, type BusinessCalendar, type Instant } from './business-calendar.js';

const DAY_MS = 86_400_000;

/** A 24x7 calendar: business time is real elapsed time, whatever the wall clock does at DST. */
export class WallClockCalendar implements BusinessCalendar {
  readonly is24x7 = true;
  readonly dayMs = DAY_MS;
  readonly weekMs = 7 * DAY_MS;

  constructor(
    readonly id: string,
    readonly zone: string,
  ) {}

  add(start: Instant, businessMs: number): Instant {
    assertDuration(this.id, businessMs);
    return start + businessMs;
  }

  between(from: Instant, to: Instant): number {
    return to - from;
  }

  closedReason(): string | undefined {
    return undefined;
  }
}
