/**
 * When a chat message is tried again: Retry-After honoured and capped, equal-jitter backoff within
 * its window otherwise, and a bounded number of attempts. Table-driven, worked out by hand; plus a
 * property against the definition for any draw of the random source.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ChatRetryLater, chatBackoffStrategy, chatRetryDelay, isLastAttempt } from '../../src/app/jobs/chat-retry.js';
import { CHAT_BACKOFF, CHAT_JOB_OPTIONS, CHAT_RETRY, type ChatRetryPolicy } from '../../src/app/jobs/pipeline.js';
import { DeliveryFailure } from '../../src/app/outbound/outbound-http.js';

const POLICY: ChatRetryPolicy = { baseDelayMs: 1_000, factor: 2, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };
const always = (value: number) => () => value;

const failure = (retryAfterMs?: number) =>
  new DeliveryFailure({ permanent: false, status: retryAfterMs === undefined ? 500 : 429, retryAfterMs, attempts: 1, reason: 'HTTP 429', request: { url: 'https://chat.example.test/hook', method: 'POST', headers: {}, description: 'team (webhook): warning' } });

describe('chat retries', () => {
  describe('the wait before a retry', () => {
    const cases: { name: string; retry: number; retryAfterMs?: number; draw: number; expected: number }[] = [
      { name: 'first retry, lowest draw: half the base', retry: 1, draw: 0, expected: 500 },
      { name: 'first retry, middle draw', retry: 1, draw: 0.5, expected: 750 },
      { name: 'first retry, draw just below 1', retry: 1, draw: 0.999, expected: 999 },
      { name: 'second retry: the window doubles', retry: 2, draw: 0, expected: 1_000 },
      { name: 'fourth retry', retry: 4, draw: 1, expected: 8_000 },
      { name: 'fifth retry: the window is capped', retry: 5, draw: 0, expected: 5_000 },
      { name: 'far retry: still the cap', retry: 40, draw: 1, expected: 10_000 },
      { name: 'Retry-After is taken as asked', retry: 1, retryAfterMs: 30_000, draw: 0.9, expected: 30_000 },
      { name: 'Retry-After beyond the backoff window still wins', retry: 7, retryAfterMs: 45_000, draw: 0, expected: 45_000 },
      { name: 'Retry-After longer than the cap is capped', retry: 1, retryAfterMs: 3_600_000, draw: 0.5, expected: 60_000 },
      { name: 'Retry-After 0 retries at once', retry: 3, retryAfterMs: 0, draw: 0.5, expected: 0 },
      { name: 'a negative Retry-After (a past date) is now', retry: 1, retryAfterMs: -5_000, draw: 0.5, expected: 0 },
      { name: 'a draw above 1 stays at the window', retry: 1, draw: 7, expected: 1_000 },
      { name: 'a negative draw stays at half the window', retry: 1, draw: -3, expected: 500 },
      { name: 'a NaN draw counts as 0', retry: 2, draw: Number.NaN, expected: 1_000 },
    ];
    for (const { name, retry, retryAfterMs, draw, expected } of cases) {
      it(name, () => expect(chatRetryDelay(retry, retryAfterMs, POLICY, always(draw))).to.equal(expected));
    }

    it('is within [w/2, w] of its window w = min(cap, base × 2^(retry-1)) for any draw', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, draw) => {
          const window = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * 2 ** (retry - 1));
          const delay = chatRetryDelay(retry, undefined, POLICY, always(draw));
          return Number.isInteger(delay) && delay >= window / 2 && delay <= window;
        }),
      );
    });

    it('stays 0 with a zero base however far the retries go', () => {
      expect(chatRetryDelay(2_000, undefined, { ...POLICY, baseDelayMs: 0 }, always(0.5))).to.equal(0);
    });
  });

  describe('the workers\' backoff strategy', () => {
    const strategy = chatBackoffStrategy(POLICY, always(0));

    it('waits as long as the processor decided for a failed delivery', () => {
      expect(strategy(3, CHAT_BACKOFF, new ChatRetryLater(failure(30_000), 30_000))).to.equal(30_000);
      expect(strategy(1, CHAT_BACKOFF, new ChatRetryLater(failure(), 1_234))).to.equal(1_234);
    });

    it('backs off by the policy for any other error', () => {
      expect(strategy(1, CHAT_BACKOFF, new Error('Connection is closed.'))).to.equal(500);
      expect(strategy(3, CHAT_BACKOFF, new Error('Connection is closed.'))).to.equal(2_000);
    });
  });

  describe('the number of attempts', () => {
    const attempts = CHAT_JOB_OPTIONS.attempts!;
    const cases: { attemptsMade: number; opts: { attempts?: number }; last: boolean }[] = [
      { attemptsMade: 0, opts: { attempts }, last: false },
      { attemptsMade: attempts - 2, opts: { attempts }, last: false },
      { attemptsMade: attempts - 1, opts: { attempts }, last: true },
      // A job of an older version, queued with fewer attempts.
      { attemptsMade: 2, opts: { attempts: 3 }, last: true },
      { attemptsMade: 0, opts: {}, last: true },
    ];
    for (const { attemptsMade, opts, last } of cases) {
      it(`run ${attemptsMade + 1} of ${opts.attempts ?? 'unset'} attempts is ${last ? '' : 'not '}the last`, () => expect(isLastAttempt({ attemptsMade, opts })).to.equal(last));
    }

    it('is bounded: ten attempts, retried with the chat backoff, ridden out over 6¾ to 13½ minutes', () => {
      expect(CHAT_JOB_OPTIONS).to.deep.include({ attempts: 10, backoff: { type: CHAT_BACKOFF } });
      const waits = (draw: number) => Array.from({ length: attempts - 1 }, (_, index) => chatRetryDelay(index + 1, undefined, CHAT_RETRY, always(draw)));
      const total = (draw: number) => waits(draw).reduce((sum, wait) => sum + wait, 0);
      expect(total(0)).to.equal(405_000);
      expect(total(1)).to.equal(810_000);
      expect(Math.max(...waits(1))).to.equal(CHAT_RETRY.maxDelayMs);
    });
  });
});
