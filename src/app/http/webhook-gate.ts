/**
 * At most `max` webhooks handled at once; the others wait their turn, first come first served,
 * their bodies left in the socket. Where the workers share the process (`serve`, role `all`),
 * every webhook in flight is work the event loop does between two steps of a job: with the 32 a
 * burst brings, each of a job's dozen Redis round trips waited behind 32 webhooks and the workers
 * all but stopped (a backlog of 18,000 after one burst). With four in flight, a job's step waits
 * behind a few, so both sides progress; the trackers wait a little longer for their 202, which
 * they do not mind (a webhook has seconds, not milliseconds).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Webhooks in flight in a `serve` (role `all`) by default; see the README's Performance section for the measurements. */
export const SERVE_WEBHOOKS_IN_FLIGHT = 4;

export class WebhookGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  /** Runs `handle` now or once a webhook before it is answered (or its client gone). */
  admit(request: IncomingMessage, response: ServerResponse, handle: () => void): void {
    if (this.active < this.max) return this.start(response, handle);
    this.waiting.push(() => {
      // The client gave up while it waited: nothing to answer, nothing to hold a place for.
      if (request.destroyed || response.destroyed) return this.next();
      this.start(response, handle);
    });
  }

  /** Webhooks waiting for a place: a figure for the metrics and the benchmark. */
  get queued(): number {
    return this.waiting.length;
  }

  private start(response: ServerResponse, handle: () => void): void {
    this.active += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.next();
    };
    response.once('finish', release);
    response.once('close', release);
    handle();
  }

  private next(): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter();
  }
}
