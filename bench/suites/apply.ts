/**
 * `apply`: how fast one worker process (the default 8 concurrent jobs) applies a full ingest
 * queue of new Jira issues: event log, SLA state, timers, write-back check. The queue is filled
 * through the real webhook endpoint of an API-only bridge while paused, then a worker-only bridge
 * starts, the queue resumes, and the clock runs until every delivery is applied. What Redis ran
 * meanwhile comes from its own counters (INFO commandstats, which counts the commands inside
 * scripts too) and its socket reads (INFO stats total_reads_processed: one per batch of commands a
 * client sent before waiting, so about one per round trip), divided by the deliveries. Several
 * rounds, each on a fresh key prefix; medians.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INGEST_QUEUE } from '../../src/app/jobs/pipeline.js';
import { spawnRedis } from '../../test/support/redis-server.js';
import { cpuProfile } from '../lib/cpu-profile.js';
import { benchBridge, counterDelta, fillIngest, LOOK_COMMANDS, redisCounters, waitForApplied } from '../lib/bench-bridge.js';
import { type Bench, median, round } from '../lib/report.js';

interface ApplyRound {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerS: number;
  readonly commandsPerEvent: number;
  readonly readsPerEvent: number;
  readonly commands: Record<string, number>;
  readonly cpuUsPerEvent: number;
}

/**
 * One round: `count` deliveries applied by a fresh worker-only bridge. `profilePath`: a CPU profile
 * of this process (the worker's) from the queue's resume to the last delivery applied.
 */
export async function applyRound(redisUrl: string, prefix: string, count: number, profilePath?: string): Promise<ApplyRound> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const ingest = new Queue(INGEST_QUEUE, { connection: client, prefix });
  try {
    await ingest.pause();
    await fillIngest(redisUrl, prefix, count);
    const worker = await benchBridge(redisUrl, prefix, 'worker');
    try {
      // Startup's own traffic (schedulers, re-planning) settles before the counters are read.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = await redisCounters(client);
      const profile = await cpuProfile(profilePath);
      await profile.start();
      const cpuBefore = process.cpuUsage();
      await ingest.resume();
      const { polls, seconds } = await waitForApplied(client, prefix, 600_000);
      const cpu = process.cpuUsage(cpuBefore);
      await profile.stop();
      const after = await redisCounters(client);
      const delta = counterDelta(before, after);
      // The bench's own: resume, the looks at the queue, the INFO calls.
      const ownCommands = polls * LOOK_COMMANDS + 8;
      const ownReads = polls + 4;
      return {
        events: count,
        seconds,
        eventsPerS: count / seconds,
        commandsPerEvent: (delta.total - ownCommands) / count,
        readsPerEvent: (delta.reads - ownReads) / count,
        commands: delta.commands,
        cpuUsPerEvent: (cpu.user + cpu.system) / count,
      };
    } finally {
      await worker.close();
    }
  } finally {
    await ingest.close();
    client.disconnect();
  }
}

export const applyBench: Bench = async ({ quick }) => {
  const perRound = quick ? 200 : 10_000;
  const rounds = quick ? 1 : 3;
  const redis = await spawnRedis();
  try {
    const figures: ApplyRound[] = [];
    // BENCH_APPLY_PROFILE=file.cpuprofile: a CPU profile of the last round (the first ones warm up).
    const profilePath = process.env.BENCH_APPLY_PROFILE;
    for (let index = 0; index < rounds; index += 1) figures.push(await applyRound(redis.url, `bench-apply-${index}`, perRound, index === rounds - 1 ? profilePath : undefined));
    const of = (pick: (figure: ApplyRound) => number) => median(figures.map(pick));
    const perEvent = (name: string) => of((figure) => (figure.commands[name] ?? 0) / figure.events);
    const names = Object.entries(figures[0]!.commands).sort((a, b) => b[1] - a[1]).map(([name]) => name);
    return {
      headline: {
        events_per_s: Math.round(of((figure) => figure.eventsPerS)),
        redis_commands_per_event: round(of((figure) => figure.commandsPerEvent), 1),
        redis_round_trips_per_event: round(of((figure) => figure.readsPerEvent), 1),
        cpu_us_per_event: Math.round(of((figure) => figure.cpuUsPerEvent)),
      },
      table: {
        header: ['figure', 'value'],
        rows: [
          ['events/s (one worker process, 8 concurrent jobs)', Math.round(of((figure) => figure.eventsPerS)).toLocaleString('en')],
          ['Redis commands per event (inside scripts included)', of((figure) => figure.commandsPerEvent).toFixed(1)],
          ['Redis socket reads per event (~round trips)', of((figure) => figure.readsPerEvent).toFixed(1)],
          ['worker CPU us per event', Math.round(of((figure) => figure.cpuUsPerEvent)).toString()],
          ...names.slice(0, 12).map((name) => [`  ${name} per event`, perEvent(name).toFixed(2)]),
        ],
      },
      raw: { perRound, rounds, figures },
      notes: [`${rounds} round(s) of ${perRound.toLocaleString('en')} jira:issue_created deliveries, each a new issue; medians`],
    };
  } finally {
    await redis.stop();
  }
};
