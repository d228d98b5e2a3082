/**
 * A worker process killed with SIGKILL while it works, with real processes of the built CLI and a
 * real redis-server: mid-burst of webhooks and timers falling due, holding a tracker write; and
 * while a chat message is on its way. Then a new worker starts. Every accepted event is applied
 * once, every due notification is sent (once, or twice with the same id when the receiver never
 * answered the first), every tracker field converges, and what the dead worker held (its jobs and
 * its issue locks) is taken up within 5 s of the new worker being ready, the bridge's promise
 * (asserted with a margin; the figures are printed).
 *
 * Needs `npm run build` (npm test does it).
 */
import { expect } from 'chai';
import { waitFor } from '../support/wait-for.js';
import { TrackerSender } from './support/sender.js';
import { chaosPlan, countScenario, printRow, waitUntilSettled, whenFinished, whenFreed } from './support/scenario.js';
import { ChaosWorld } from './support/world.js';

/** The promise is 5 s; the margin is for a loaded 2-core machine. */
const PROMISE_WITH_MARGIN_S = 10;

describe('chaos: a worker process killed', function () {
  this.timeout(120_000);
  let world: ChaosWorld | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && world) console.log(world.logs());
    await world?.close();
    world = undefined;
  });

  it('mid-burst, holding a tracker write: every event applied once, every notification sent once, every write-back converged, its jobs and issues taken up within 5 s', async () => {
    world = await ChaosWorld.start();
    const running = world;
    const plan = chaosPlan({ timerIssues: 20, eventIssues: 40, comments: 4 });
    const sender = new TrackerSender({ target: running.target });
    const sending = sender.send(plan.deliveries);
    await waitFor('half the burst answered', () => sender.answered >= plan.deliveries.length / 2, { timeoutMs: 30_000 });
    const hold = running.receiver.holdNextTrackerWrite();
    await waitFor('a tracker write to arrive and be held open', () => hold.arrivedAt, { timeoutMs: 30_000 });

    await running.worker!.kill9();
    const killedAt = Date.now();
    const heldJobs = await running.watch.activeJobs();
    const heldLocks = await running.watch.issueLocks();
    const replacement = await running.startWorker();
    const [takenUpAt, locksFreeAt] = await Promise.all([whenFinished(running.watch, heldJobs, 60_000), whenFreed(running.watch, heldLocks, 60_000)]);
    await sending;
    const drainedAt = await waitFor('the ingest queue to drain', async () => (await running.watch.pending())['sla-ingest'] === 0 && Date.now(), { timeoutMs: 60_000 });
    await waitUntilSettled(plan, running.receiver, running.watch, 60_000).catch((error: Error) => console.log(`      not settled: ${error.message}`));

    const row = await countScenario('worker kill -9 mid-burst', plan, sender, running.receiver, running.watch, {
      takenUpS: (takenUpAt - replacement.readyAt) / 1_000,
      drainedS: (drainedAt - replacement.readyAt) / 1_000,
      locksFreeS: (locksFreeAt - killedAt) / 1_000,
    });
    printRow(row);
    console.log(`      held at the kill: ${heldJobs.length} jobs (${heldJobs.map((job) => job.split('/')[0]).join(', ')}), ${heldLocks.size} issue locks; new worker ready ${((replacement.readyAt - killedAt) / 1_000).toFixed(1)} s after the kill`);
    // What the dead worker held: at least the write the tracker never answered, and its lock.
    expect(heldJobs.some((job) => job.startsWith('sla-write-back/')), heldJobs.join(', ')).to.equal(true);
    expect([...heldLocks.keys()].some((key) => key.endsWith(':write-back-lock')), [...heldLocks.keys()].join(', ')).to.equal(true);
    expect(row).to.include({ lost: 0, appliedTwice: 0, duplicated: 0, missing: 0 });
    expect(row.applied).to.equal(row.sent);
    expect(row.converged).to.equal(row.writeBacksDue);
    expect(row.takenUpS).to.be.below(PROMISE_WITH_MARGIN_S);
    expect(row.locksFreeS).to.be.below(PROMISE_WITH_MARGIN_S);
  });

  it('while a chat message is in flight: the receiver gets it again with the same notification id, and nothing else twice', async () => {
    world = await ChaosWorld.start();
    const running = world;
    const plan = chaosPlan({ timerIssues: 8, eventIssues: 20, comments: 2 });
    const hold = running.receiver.holdNextChat();
    const sender = new TrackerSender({ target: running.target });
    const sending = sender.send(plan.deliveries);
    await waitFor('a chat message to arrive and be held open', () => hold.arrivedAt, { timeoutMs: 30_000 });

    await running.worker!.kill9();
    const killedAt = Date.now();
    const heldJobs = await running.watch.activeJobs();
    const replacement = await running.startWorker();
    const takenUpAt = await whenFinished(running.watch, heldJobs, 60_000);
    await sending;
    const drainedAt = await waitFor('the ingest queue to drain', async () => (await running.watch.pending())['sla-ingest'] === 0 && Date.now(), { timeoutMs: 60_000 });
    await waitUntilSettled(plan, running.receiver, running.watch, 60_000).catch((error: Error) => console.log(`      not settled: ${error.message}`));

    const row = await countScenario('worker kill -9, chat in flight', plan, sender, running.receiver, running.watch, {
      takenUpS: (takenUpAt - replacement.readyAt) / 1_000,
      drainedS: (drainedAt - replacement.readyAt) / 1_000,
    });
    printRow(row);
    console.log(`      held at the kill: ${heldJobs.length} jobs (${heldJobs.map((job) => job.split('/')[0]).join(', ')}); new worker ready ${((replacement.readyAt - killedAt) / 1_000).toFixed(1)} s after the kill`);
    expect(heldJobs.some((job) => job.startsWith('sla-chat/')), heldJobs.join(', ')).to.equal(true);
    // The one message the receiver never answered came again, with the id it deduplicates on.
    const copies = running.receiver.chat.filter((post) => post.notificationId === hold.notificationId);
    expect(copies.length).to.equal(2);
    expect(copies[1]!.body.notification).to.deep.equal(copies[0]!.body.notification);
    expect(row.duplicated).to.equal(1);
    expect(row).to.include({ lost: 0, appliedTwice: 0, missing: 0 });
    expect(row.applied).to.equal(row.sent);
    expect(row.converged).to.equal(row.writeBacksDue);
    expect(row.takenUpS).to.be.below(PROMISE_WITH_MARGIN_S);
  });
});
