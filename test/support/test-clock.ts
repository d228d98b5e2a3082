/**
 * A `now` for a bridge on an injected clock, placed relative to the real one.
 *
 * The bridge plans its timers on its injected `now` (sla-timers.ts), but BullMQ promotes them on the
 * real clock, and an injected clock that stands still never reaches them: with `now` fixed at an
 * instant the real clock has passed, every timer due between the two comes up, is found early and is
 * planned again, and none stays pending. So a test with an injected clock takes its `now` from here
 * and states its fixtures relative to it: then every timer after `now` is also after the real now,
 * and the test means the same on any day.
 */
import { DateTime, type DurationLike } from 'luxon';

export interface FixtureNowOptions {
  /** The zone the fixtures are stated in (the contract's calendar). */
  readonly zone: string;
  /**
   * How far into its month `now` must be, so that fixtures up to this long before it fall in the
   * same month (for a monthly report). `now` then lies up to this much after the real now.
   */
  readonly intoMonth?: DurationLike;
}

/** The real now to the minute in `zone`, moved forward just enough to be `intoMonth` into its month. */
export function fixtureNow({ zone, intoMonth = { milliseconds: 0 } }: FixtureNowOptions): DateTime {
  const real = DateTime.now().setZone(zone);
  const earliest = real.startOf('month').plus(intoMonth);
  // Rounded up, so that `now` is never before the real now.
  const now = real.startOf('minute').plus({ minutes: real.equals(real.startOf('minute')) ? 0 : 1 });
  return now < earliest ? earliest : now;
}
