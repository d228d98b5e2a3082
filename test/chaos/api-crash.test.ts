/**
 * The api process killed with SIGKILL in the middle of a burst of webhooks, then started again:
 * every delivery it answered 202 is applied, and those it never answered (the requests in flight
 * when it died, and those sent while it was gone) are sent again by the tracker and applied once.
 *
 * Needs `npm run build` (npm test does it).
 */
import { expect } from 'chai';
import { waitFor } from '../support/wait-for.js';
import { TrackerSender } from './support/sender.js';
import { chaosPlan, countScenario, printRow, waitUntilSettled } from './support/scenario.js';
import { worldPerTest } from './support/world.js';

describe('chaos: the api process killed', function () {
  this.timeout(120_000);
  const startWorld = worldPerTest();

  it('mid-burst: what it answered 202 is applied, what it did not answer is sent again and applied once', async () => {
    const running = await startWorld();
    const plan = chaosPlan({ timerIssues: 10, eventIssues: 40, comments: 4 });
    const sender = new TrackerSender({ target: running.target });
    const sending = sender.send(plan.deliveries);
    await waitFor('a third of the burst answered', () => sender.answered >= plan.deliveries.length / 3, { timeoutMs: 30_000 });

    await running.api!.kill9();
    const killedAt = Date.now();
    const answeredBefore = sender.answered;
    const replacement = await running.startApi();
    await sending;
    const answeredAt = Date.now();
    const drainedAt = await waitFor('the ingest queue to drain', async () => (await running.watch.pending())['sla-ingest'] === 0 && Date.now(), { timeoutMs: 60_000 });
    await waitUntilSettled(plan, running.receiver, running.watch, 60_000).catch((error: Error) => console.log(`      not settled: ${error.message}`));

    const row = await countScenario('api kill -9 mid-burst', plan, sender, running.receiver, running.watch, {
      takenUpS: (answeredAt - replacement.readyAt) / 1_000,
      drainedS: (drainedAt - replacement.readyAt) / 1_000,
    });
    printRow(row);
    const unanswered = sender.outcomes.filter((outcome) => outcome.attempts.some((attempt) => attempt.status === undefined));
    const inFlight = unanswered.filter((outcome) => outcome.attempts.some((attempt) => attempt.error !== 'no api process'));
    const repeats = sender.outcomes.filter((outcome) => outcome.final === 200).length;
    console.log(
      `      ${answeredBefore} answered before the kill; ${unanswered.length} sent again after no answer (${inFlight.length} in flight at the kill), ${repeats} of them answered 200 as already accepted; new api ready ${((replacement.readyAt - killedAt) / 1_000).toFixed(1)} s after the kill, the rest of the burst answered ${row.takenUpS!.toFixed(1)} s after that`,
    );
    expect(unanswered.length, 'the kill left deliveries unanswered').to.be.above(0);
    expect(row).to.include({ lost: 0, appliedTwice: 0, duplicated: 0, missing: 0 });
    expect(row.applied).to.equal(row.sent);
    expect(row.converged).to.equal(row.writeBacksDue);
  });
});
