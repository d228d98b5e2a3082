/**
 * A timer whose firing fails waits before BullMQ tries it again: this version's timer jobs carry no
 * backoff of their own (it would push their options out of Redis's compact hash encoding), so the
 * processor takes the wait, doubling from TIMER_RETRY_DELAY_MS; the last attempt fails at once, and
 * a job an earlier version queued with its own backoff is left to BullMQ's.
 */
import { expect } from 'chai';
import type { Job } from 'bullmq';
import { createTimerProcessor, type TimerDeps } from '../src/app/jobs/fire-timer.js';
import { TIMER_JOB_OPTIONS, TIMER_RETRY_DELAY_MS, timerJobData, type StoredTimerJob } from '../src/app/jobs/pipeline.js';

describe('a failing timer job (fire-timer.ts)', () => {
  const now = 1_900_000_000_000;

  /** The processor over an issue store that cannot take the lock; the waits it asked for. */
  function failingProcessor() {
    const waits: number[] = [];
    const deps = {
      now: () => now,
      sleep: async (ms: number) => void waits.push(ms),
      store: { withIssueLock: () => Promise.reject(new Error('Redis went away')) },
      logger: { debug: () => undefined },
    } as unknown as TimerDeps;
    return { waits, fire: createTimerProcessor(deps) };
  }

  const job = (attemptsMade: number, opts: Job['opts'] = TIMER_JOB_OPTIONS): Job<StoredTimerJob> =>
    ({ data: timerJobData({ source: 'jira-demo', issueId: '500000', metric: 'reaction', label: '50%', at: now - 5 }), opts, attemptsMade }) as unknown as Job<StoredTimerJob>;

  it('waits 200, 400, 800 and 1600 ms before the attempts after the first four, and not after the last', async () => {
    const attempts = TIMER_JOB_OPTIONS.attempts!;
    const waited: number[][] = [];
    for (let made = 0; made < attempts; made += 1) {
      const { waits, fire } = failingProcessor();
      await fire(job(made)).then(
        () => expect.fail('the firing should have failed'),
        (error: Error) => expect(error.message).to.equal('Redis went away'),
      );
      waited.push(waits);
    }
    expect(waited).to.deep.equal([[TIMER_RETRY_DELAY_MS], [TIMER_RETRY_DELAY_MS * 2], [TIMER_RETRY_DELAY_MS * 4], [TIMER_RETRY_DELAY_MS * 8], []]);
    expect(TIMER_JOB_OPTIONS, 'the wait is the processor\'s only while the job carries no backoff').to.not.have.property('backoff');
  });

  it('leaves the wait to BullMQ for a job queued with a backoff of its own (an earlier version\'s)', async () => {
    const { waits, fire } = failingProcessor();
    await fire(job(0, { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } })).catch(() => undefined);
    expect(waits).to.deep.equal([]);
  });
});
