/**
 * A tracker's webhook sender, as the retrying ones behave (Jira Cloud, GitLab): each delivery is
 * posted until the bridge answers 2xx; an unanswered request (refused, reset, timed out) and a 5xx
 * are sent again, after the Retry-After the bridge gave or after a short backoff. A retry carries
 * the same delivery id and body. Several lanes send at once, like a busy tracker.
 */
export interface Delivery {
  readonly id: string;
  readonly sourceId: string;
  readonly raw: Buffer;
  readonly headers: Record<string, string>;
}

export interface Attempt {
  readonly at: number;
  /** Undefined when no answer came. */
  readonly status?: number;
  readonly retryAfter?: string;
  readonly error?: string;
}

export interface DeliveryOutcome {
  readonly delivery: Delivery;
  readonly attempts: Attempt[];
  /** The 2xx that ended it. */
  final?: number;
}

export interface SenderOptions {
  /** The API to post to now; undefined while there is none (the test restarts it). */
  readonly target: () => string | undefined;
  readonly lanes?: number;
  /** An attempt without an answer by then counts as unanswered. */
  readonly requestTimeoutMs?: number;
  /** A delivery not answered 2xx by then fails the run. */
  readonly giveUpMs?: number;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TrackerSender {
  readonly outcomes: DeliveryOutcome[] = [];
  /** The body of every answer the bridge gave, to look for secrets in. */
  readonly answerBodies: string[] = [];
  private readonly lanes: number;
  private readonly requestTimeoutMs: number;
  private readonly giveUpMs: number;

  constructor(private readonly options: SenderOptions) {
    this.lanes = options.lanes ?? 8;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.giveUpMs = options.giveUpMs ?? 60_000;
  }

  /** Deliveries answered 2xx so far. */
  get answered(): number {
    return this.outcomes.filter((outcome) => outcome.final !== undefined).length;
  }

  /** 503 answers that came with a Retry-After. */
  get unavailableWithRetryAfter(): number {
    return this.outcomes.reduce((count, outcome) => count + outcome.attempts.filter((attempt) => attempt.status === 503 && attempt.retryAfter !== undefined).length, 0);
  }

  /** Sends every delivery until each is answered 2xx; rejects when one is refused (4xx) or takes longer than `giveUpMs`. */
  async send(deliveries: readonly Delivery[]): Promise<void> {
    const queue = [...deliveries];
    await Promise.all(
      Array.from({ length: this.lanes }, async () => {
        for (let delivery = queue.shift(); delivery !== undefined; delivery = queue.shift()) await this.deliver(delivery);
      }),
    );
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const outcome: DeliveryOutcome = { delivery, attempts: [] };
    this.outcomes.push(outcome);
    const giveUpAt = Date.now() + this.giveUpMs;
    for (let attempt = 1; ; attempt += 1) {
      if (Date.now() > giveUpAt) throw new Error(`delivery ${delivery.id} not accepted within ${this.giveUpMs} ms: ${JSON.stringify(outcome.attempts.slice(-3))}`);
      const base = this.options.target();
      if (!base) {
        // No API process right now: a tracker's request would be refused; try again shortly.
        outcome.attempts.push({ at: Date.now(), error: 'no api process' });
        await delay(100);
        continue;
      }
      let response: Response;
      try {
        response = await fetch(`${base}/webhooks/${delivery.sourceId}`, { method: 'POST', body: delivery.raw, headers: delivery.headers, signal: AbortSignal.timeout(this.requestTimeoutMs) });
        this.answerBodies.push(await response.text());
      } catch (error) {
        outcome.attempts.push({ at: Date.now(), error: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message });
        await delay(Math.min(100 * attempt, 1_000));
        continue;
      }
      const retryAfter = response.headers.get('retry-after') ?? undefined;
      outcome.attempts.push({ at: Date.now(), status: response.status, ...(retryAfter === undefined ? {} : { retryAfter }) });
      if (response.status >= 200 && response.status < 300) {
        outcome.final = response.status;
        return;
      }
      if (response.status < 500) throw new Error(`delivery ${delivery.id} refused with ${response.status}`);
      const seconds = Number(retryAfter);
      await delay(Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : Math.min(100 * attempt, 1_000));
    }
  }
}
