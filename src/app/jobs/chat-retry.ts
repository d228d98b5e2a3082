/**
 * When a chat message is tried again. The chat workers make one HTTP attempt per job run; a
 * failure that may pass throws `ChatRetryLater` with the wait already chosen, and BullMQ puts the
 * job back as delayed for that long (the workers' `settings.backoffStrategy`). Nothing here waits.
 */
import type { BackoffStrategy } from 'bullmq';
import type { DeliveryFailure } from '../outbound/outbound-http.js';
import type { ChatRetryPolicy } from './pipeline.js';

/**
 * The wait before retry `retry` (1 for the first): a Retry-After the server sent, capped at
 * `maxRetryAfterMs`; otherwise "equal jitter" backoff, uniform in [w/2, w] for the window
 * w = min(maxDelayMs, baseDelayMs × factor^(retry-1)). Unlike full jitter, every wait is at least
 * half its window, so the attempts of a message are spread over a known minimum time.
 */
export function chatRetryDelay(retry: number, retryAfterMs: number | undefined, policy: ChatRetryPolicy, random: () => number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) return Math.min(Math.max(0, Math.round(retryAfterMs)), policy.maxRetryAfterMs);
  // A zero base stays zero however far the retries go (0 × 2^1024 would be NaN).
  const window = policy.baseDelayMs > 0 ? Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, retry - 1)) : 0;
  const draw = random();
  const fraction = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
  return Math.floor(window / 2 + (fraction * window) / 2);
}

/** Whether a job in its `attemptsMade + 1`-th run has no retry left after this one. */
export function isLastAttempt(job: { readonly attemptsMade: number; readonly opts: { readonly attempts?: number | undefined } }): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** A chat message that may go through later: the job is retried after `delayMs`. */
export class ChatRetryLater extends Error {
  override readonly name = 'ChatRetryLater';
  constructor(
    readonly failure: DeliveryFailure,
    readonly delayMs: number,
  ) {
    super(`${failure.reason}; retrying in ${delayMs} ms`);
  }
}

/**
 * The chat workers' backoff: the wait `ChatRetryLater` chose; for any other error (Redis gone
 * while dead-lettering, a bug) the policy's backoff for this retry.
 */
export function chatBackoffStrategy(policy: ChatRetryPolicy, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, error) => (error instanceof ChatRetryLater ? error.delayMs : chatRetryDelay(attemptsMade, undefined, policy, random));
}
