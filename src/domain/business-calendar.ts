/** Epoch milliseconds. The domain never reads the clock: every instant is passed in. */
export type Instant = number;

/**
 * Business-time arithmetic on one calendar.
 *
 * `add` answers the earliest instant at which the business time elapsed since `start` reaches
 * `businessMs`: work that runs out exactly at closing time is due at closing time, and a start
 * outside working hours counts from the next opening. Zero business time is due when work can
 * begin: at `start` in working hours, else at the next opening, also from exactly closing time
 * (a window is [opening, closing)). `between` is its inverse.
 */
export interface BusinessCalendar {
  readonly id: string;
  readonly zone: string;
  readonly is24x7: boolean;
  /** Business length of one `d` in contract durations. */
  readonly dayMs: number;
  /** Business length of one `w` in contract durations. */
  readonly weekMs: number;
  add(start: Instant, businessMs: number): Instant;
  /** Business time from `from` to `to`; negative when `to` is earlier. */
  between(from: Instant, to: Instant): number;
  /** Why a local date (YYYY-MM-DD) is closed, or undefined when it is a normal day of the week. */
  closedReason(localDate: string): string | undefined;
}

export function assertDuration(calendarId: string, businessMs: number): void {
  if (!Number.isFinite(businessMs) || businessMs < 0) {
    throw new RangeError(`calendar ${calendarId}: duration must be a finite, non-negative number of ms, got ${businessMs}`);
  }
}
