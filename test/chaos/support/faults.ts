/**
 * How the receiver fails requests, decided per attempt so that a scenario is the same on every
 * run: which request fails is drawn from a hash of what it is (the chat notification id, the
 * tracker write's issue and place among that writes), not from a random draw, and a retry
 * of it is the next attempt.
 */
import { createHash } from 'node:crypto';

export type Fault =
  | { readonly kind: 'ok' }
  /** A 5xx that passes: the next attempts may get through. */
  | { readonly kind: 'error'; readonly status: 500; readonly retryAfterS?: undefined }
  | { readonly kind: 'rate-limited'; readonly status: 429; readonly retryAfterS: number }
  /** Accepted on the wire, never answered: only the sender's timeout ends it. */
  | { readonly kind: 'hang' }
  /** A 4xx that will not pass by itself (a revoked token, a deleted webhook). */
  | { readonly kind: 'refused'; readonly status: 403 | 404; readonly retryAfterS?: undefined };

export interface FaultRequest {
  readonly kind: 'chat' | 'tracker';
  /** What makes a request the same one sent again. */
  readonly key: string;
  /** The issue (chat) or the path (tracker), for refusals that concern one issue. */
  readonly about: string;
  /** 1 for the first time the key arrives. */
  readonly attempt: number;
}

export interface FaultPlan {
  decide(request: FaultRequest): Fault;
}

const OK: Fault = { kind: 'ok' };

/** 0-99, the same for the same key on every run. */
export const bucketOf = (key: string) => createHash('sha256').update(key).digest().readUInt32BE(0) % 100;

/**
 * Services that fail a share of first attempts as the issue names them (30% with 500, 10% with
 * 429 and a Retry-After of one second, 5% hanging past the timeout), a few of them twice, and that
 * refuse whatever concerns the `refused` issues outright until `repair()` (the operator fixed the
 * token or the webhook, then replays the dead letters).
 */
export class FlakyServices implements FaultPlan {
  private broken = true;

  /**
   * `pinned`: first attempts that fail this way whatever their hash says, so that a run has each
   * kind of fault even where the number of requests varies with timing (`kind key` as the key).
   */
  constructor(
    private readonly refused: { readonly chat: (about: string) => boolean; readonly tracker: (about: string) => boolean },
    private readonly pinned: ReadonlyMap<string, Fault> = new Map(),
  ) {}

  repair(): void {
    this.broken = false;
  }

  decide({ kind, key, about, attempt }: FaultRequest): Fault {
    if (this.broken && this.refused[kind](about)) return { kind: 'refused', status: kind === 'chat' ? 404 : 403 };
    const pinned = this.pinned.get(`${kind} ${key}`);
    if (pinned && attempt === 1) return pinned;
    const bucket = bucketOf(key);
    if (attempt === 1) {
      if (bucket < 30) return { kind: 'error', status: 500 };
      if (bucket < 40) return { kind: 'rate-limited', status: 429, retryAfterS: 1 };
      if (bucket < 45) return { kind: 'hang' };
      return OK;
    }
    // A sixth of the 500s fail their retry as well.
    if (attempt === 2 && bucket < 5) return { kind: 'error', status: 500 };
    return OK;
  }
}
