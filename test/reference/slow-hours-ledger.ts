/**
 * The hours card worked out the slow, obvious way: a call's charge by counting quarter-hour (or
 * step) blocks one at a time, and the balance by walking a day-by-day list of what happened.
 * Property tests compare the domain's ledger with this.
 */
export interface SlowCard {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/** Adds one step at a time until the raw time is covered, then applies the floor and the cap. */
export function slowBilled(card: SlowCard, raw: number): number {
  if (raw <= 0) return 0;
  let billed = 0;
  while (billed < raw) billed += card.step;
  if (billed < card.min) billed = card.min;
  if (billed > card.max) billed = card.max;
  return billed;
}

export interface SlowEvent {
  readonly at: number;
  readonly kind: 'purchase' | 'correction' | 'call';
  readonly seconds: number;
}

/** Balance after every event up to `now`: purchases and corrections add, calls take their billed time. */
export function slowBalance(card: SlowCard, events: readonly SlowEvent[], now: number): number {
  let balance = 0;
  for (const event of events) {
    if (event.kind === 'call') balance -= slowBilled(card, event.seconds);
    else if (event.at <= now) balance += event.seconds;
  }
  return balance;
}
