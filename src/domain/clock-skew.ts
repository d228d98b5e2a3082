/**
 * A tracker whose clock is ahead of the bridge's stamps its events in the bridge's future. Taken
 * as stamped, each would count late by the skew: a creation would start its clocks late (every
 * deadline late), an agent's comment would meet the reaction late (a breach on paper), a pause
 * would stop the clock late (a warning due while the issue waits for the customer), a resume or a
 * raise to P1 would count late. No event can have happened after it arrived, so one stamped after
 * its arrival is taken as happening on arrival: `at` becomes the arrival, and `stampedAt` keeps
 * the tracker's stamp, by which reconciliation recognises the event when the tracker's API tells
 * it again (missed-events.ts).
 *
 * What that means for the order the clock applies events in (by `at`, ties in arrival order):
 * clamping is monotone, so the events of one delivery keep their order, at most becoming ties,
 * which keep the connector's order (a creation and what its delivery says after it stay in that
 * order). Between deliveries, a clamped event stays after every event that arrived before it, and
 * a later delivery goes before it only with a stamp before its arrival. With a tracker ahead by a
 * steady skew, that is a delivery held back by more than the skew (a tracker's retry): taken as
 * stamped, it may land before an event that came after it but was clamped to its arrival. The
 * issue's next delivery, which shows the issue as it is, corrects the state from then on.
 *
 * A tracker clock that is behind is not corrected: an event stamped before it arrived is history
 * (a late delivery, a reconciled change) and counts when the tracker says. Nothing fires twice
 * for it, since each notification is claimed once per (issue, metric, threshold), and nothing
 * before its instant: an instant that has passed is due at once, and is flagged late.
 */
import type { IssueEvent } from './issue-event.js';

export interface ArrivalClamp<E> {
  /** The events, each stamped after `receivedAt` moved to it. */
  readonly events: E[];
  /** How many were moved. */
  readonly clamped: number;
  /** How far the latest stamp was after the arrival; 0 when none was. */
  readonly aheadMs: number;
}

/** Moves every event stamped after `receivedAt` to `receivedAt`, keeping its stamp in `stampedAt`. */
export function clampToArrival<E extends IssueEvent>(events: readonly E[], receivedAt: number): ArrivalClamp<E> {
  let clamped = 0;
  let aheadMs = 0;
  const moved = events.map((event) => {
    if (event.at <= receivedAt) return event;
    clamped += 1;
    aheadMs = Math.max(aheadMs, event.at - receivedAt);
    return { ...event, at: receivedAt, stampedAt: event.stampedAt ?? event.at };
  });
  return { events: moved, clamped, aheadMs };
}

/** When the tracker says the event happened: its stamp, even when the bridge moved `at`. */
export function trackerTime(event: IssueEvent): number {
  return event.stampedAt ?? event.at;
}
