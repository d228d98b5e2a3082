/**
 * Exact timers for SLA notifications: one delayed BullMQ job per (issue, metric), at the instant of
 * the metric's next warning, breach or escalation. Every change of the issue re-plans; a timer that
 * fires re-checks against the issue's current state (the version guard) before it claims the
 * notification, so a timer planned for an older state never notifies.
 */
import { randomUUID } from 'node:crypto';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { RedisClient } from '../store/redis-connection.js';
import { METRICS } from '../../domain/metric.js';
import type { IssueSla } from '../../domain/sla-clock.js';
import { nextNotification } from '../../domain/timer-plan.js';
import { timedMetrics, type TimedMetricStatus } from './timed-metrics.js';
import { sentName } from './cycle-sent.js';
import { notificationId, TIMER_JOB, TIMER_JOB_OPTIONS, timerJobData, timerJobId, timerOf, type DueNotification, type StoredTimerJob, type TimerJob } from './pipeline.js';

const PENDING_STATES = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

// What is planned and what was sent per metric (KEYS[3..]), in one call: a script, not a
// pipeline, which ioredis builds at a cost (see ../store/issue-store.ts). The plan is the `@<metric>`
// fields of the issue's ref hash (KEYS[1]; one key fewer per open issue, issue 19); issues planned
// by an earlier version have it in their own hash (KEYS[2]), read until the next write moves it.
const PLAN_READ = `
local planned = {}
local old = redis.call('HGETALL', KEYS[2])
for i = 1, #old, 2 do planned[old[i]] = old[i + 1] end
local ref = redis.call('HGETALL', KEYS[1])
for i = 1, #ref, 2 do
  if string.sub(ref[i], 1, 1) == '@' then planned[string.sub(ref[i], 2)] = ref[i + 1] end
end
local pairs_out = {}
for metric, id in pairs(planned) do
  pairs_out[#pairs_out + 1] = metric
  pairs_out[#pairs_out + 1] = id
end
local out = { pairs_out }
for i = 3, #KEYS do out[i - 1] = redis.call('SMEMBERS', KEYS[i]) end
return out`;
const PLAN_READ_COMMAND = 'slaTimerPlanRead';

// The plan recorded (KEYS[1], the ref hash: ARGV pairs metric/job id after their count, then the
// count of metrics to drop and their names) and a claim's sent marks (KEYS[3], the rest of ARGV),
// in one call. An earlier version's plan hash (KEYS[2]) is moved into the ref first.
const PLAN_WRITE = `
local old = redis.call('HGETALL', KEYS[2])
for i = 1, #old, 2 do redis.call('HSETNX', KEYS[1], '@' .. old[i], old[i + 1]) end
if #old > 0 then redis.call('DEL', KEYS[2]) end
local n = tonumber(ARGV[1])
local i = 2
for j = i, i + 2 * n - 1, 2 do redis.call('HSET', KEYS[1], '@' .. ARGV[j], ARGV[j + 1]) end
i = i + 2 * n
local m = tonumber(ARGV[i])
i = i + 1
for j = i, i + m - 1 do redis.call('HDEL', KEYS[1], '@' .. ARGV[j]) end
i = i + m
if KEYS[3] and i <= #ARGV then redis.call('SADD', KEYS[3], unpack(ARGV, i, #ARGV)) end
return 1`;
const PLAN_WRITE_COMMAND = 'slaTimerPlanWrite';

type PlanReader = { [PLAN_READ_COMMAND]: (numberOfKeys: number, ...keys: string[]) => Promise<string[][]> };
type PlanWriter = { [PLAN_WRITE_COMMAND]: (numberOfKeys: number, ...args: string[]) => Promise<number> };

export class SlaTimers {
  constructor(
    private readonly queue: Queue<StoredTimerJob>,
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!(PLAN_READ_COMMAND in redis)) redis.defineCommand(PLAN_READ_COMMAND, { lua: PLAN_READ });
    if (!(PLAN_WRITE_COMMAND in redis)) redis.defineCommand(PLAN_WRITE_COMMAND, { lua: PLAN_WRITE });
  }

  /** Where the plan lives: the issue's ref hash (`@<metric>` fields). */
  private plannedKey(source: string, issueId: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:ref`;
  }

  /** Where an earlier version kept the plan (metric to job id); moved into the ref at the next write. */
  private previousPlannedKey(source: string, issueId: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:timers`;
  }

  /** The recorded plan: metric to the id of its timer job (either layout). */
  async planned(source: string, issueId: string): Promise<Record<string, string>> {
    const replies = await (this.redis as unknown as PlanReader)[PLAN_READ_COMMAND](2, this.plannedKey(source, issueId), this.previousPlannedKey(source, issueId));
    return pairsToRecord(replies[0] ?? []);
  }

  sentKey(source: string, issueId: string, metric: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:sent:${metric}`;
  }

  async sent(source: string, issueId: string, metric: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.sentKey(source, issueId, metric)));
  }

  /** What was sent per metric (an export): the presets' and the named metrics defined by conditions, metrics with none left out. */
  async sentByMetric(source: string, issueId: string, custom: readonly string[] = []): Promise<Record<string, string[]>> {
    const sent: Record<string, string[]> = {};
    for (const metric of [...METRICS, ...custom]) {
      const labels = [...(await this.sent(source, issueId, metric))].sort();
      if (labels.length > 0) sent[metric] = labels;
    }
    return sent;
  }

  /** Records notifications as sent without sending them (an import): they are never planned again. */
  async restoreSent(source: string, issueId: string, sent: Readonly<Record<string, readonly string[]>>): Promise<void> {
    for (const [metric, labels] of Object.entries(sent)) {
      if (labels.length > 0) await this.redis.sadd(this.sentKey(source, issueId, metric), ...labels);
    }
  }

  /**
   * Makes the pending timers of an issue match its current state: at most one per metric, at the
   * next unsent notification. Delays are measured on the bridge's clock `now`, the one the timer
   * is checked against when it fires.
   */
  async plan(source: string, issueId: string, sla: IssueSla, now: number): Promise<void> {
    const read = await this.readPlan(source, issueId, sla);
    const changes = await this.changes(read, now);
    await this.addTimers(changes);
    await this.applyPlan(read, changes);
  }

  /** Sent at once, not gathered over a turn of the event loop: a firing timer holds a worker slot until it is added. */
  private async addTimers({ added }: PlanChanges): Promise<void> {
    if (added.length === 1) await this.queue.add(added[0]!.name, added[0]!.data, added[0]!.opts);
    else if (added.length > 1) await this.queue.addBulk(added.map(({ name, data, opts }) => ({ name, data, opts })));
  }

  /**
   * A timer fires (its issue recomputed at `now` into `sla`, under the issue's lock): the
   * notification it was planned for if the state still has it due (the version guard), claimed
   * through `claim` and marked sent, and the issue's timers re-planned, in three round trips
   * (what is planned and sent read in one script, the claim and the new timers added, the marks
   * and the new plan written in one more) instead of six: the burst of many timers at one instant
   * is bound by these per-timer calls (perf).
   */
  async fire(job: Job<StoredTimerJob>, sla: IssueSla, now: number, claim: (due: DueNotification) => Promise<void>): Promise<DueNotification | undefined> {
    const timer = timerOf(job.data);
    const { source, issueId } = timer;
    const read = await this.readPlan(source, issueId, sla);
    const due = dueOf(timer, read, now);
    if (due) {
      const sent = read.sent.get(due.sentAs ?? due.metric);
      for (const label of [due.label, ...due.skipped]) sent?.add(label);
    }
    // The timer firing now is active, not pending: nothing to read back or cancel.
    const changes = await this.changes(read, now, job.id);
    // Claimed before it is marked, and the new timers added before they are recorded (both sent
    // together): a crash in between claims again under the same id, which folds.
    await Promise.all([due && claim(due), this.addTimers(changes)]);
    await this.applyPlan(read, changes, due ? [this.sentKey(source, issueId, due.sentAs ?? due.metric), due.label, ...due.skipped] : undefined);
    return due;
  }

  /** What is planned and what was sent per timed metric, read in one round trip. */
  private async readPlan(source: string, issueId: string, sla: IssueSla): Promise<PlanRead> {
    const plannedKey = this.plannedKey(source, issueId);
    const metrics = timedMetrics(sla);
    const sentKeys = metrics.map((status) => this.sentKey(source, issueId, sentName(status)));
    const replies = await (this.redis as unknown as PlanReader)[PLAN_READ_COMMAND](2 + sentKeys.length, plannedKey, this.previousPlannedKey(source, issueId), ...sentKeys);
    const planned = pairsToRecord(replies[0] ?? []);
    const sent = new Map<string, Set<string>>();
    for (const [index, status] of metrics.entries()) sent.set(sentName(status), new Set(replies[index + 1] ?? []));
    return { source, issueId, plannedKey, metrics, planned, sent };
  }

  /** The timers to add and the plan entries to drop; pending timers no longer wanted are removed on the way. */
  private async changes(read: PlanRead, now: number, firingJobId?: string): Promise<PlanChanges> {
    const { source, issueId, metrics, planned } = read;
    const added: AddedTimer[] = [];
    const unplanned: string[] = [];
    for (const status of metrics) {
      const next = nextNotification(status, read.sent.get(sentName(status)) ?? new Set(), now);
      const previousId = planned[status.metric];
      const previous = previousId && previousId !== firingJobId ? await this.queue.getJob(previousId) : undefined;
      const pending = previous ? PENDING_STATES.has(await previous.getState()) : false;
      const was = previous && timerOf(previous.data);
      if (next && pending && was!.label === next.label && was!.at === next.at) continue;
      if (previous && pending) await this.cancel(previous);
      if (!next) {
        if (previousId) unplanned.push(status.metric);
        continue;
      }
      const jobId = timerJobId(source, issueId, status.metric, randomUUID().slice(0, 8));
      const timer: TimerJob = { source, issueId, metric: status.metric, label: next.label, at: next.at };
      added.push({ name: TIMER_JOB, data: timerJobData(timer), opts: { ...TIMER_JOB_OPTIONS, jobId, delay: Math.max(0, next.at - now) }, metric: status.metric });
    }
    const measured = new Set(metrics.map((status) => status.metric as string));
    for (const [metric, jobId] of Object.entries(planned)) {
      if (measured.has(metric)) continue;
      const job = jobId === firingJobId ? undefined : await this.queue.getJob(jobId);
      if (job) await this.cancel(job);
      unplanned.push(metric);
    }
    return { added, unplanned };
  }

  /**
   * Records the new timers, once added (and drops the unplanned) in one script, with the sent
   * marks of a claim (`sent`: its key, then its labels). Added before they are recorded, as one at
   * a time did: a crash in between leaves a timer the record does not name, which fires and finds
   * its notification claimed or no longer due.
   */
  private async applyPlan(read: PlanRead, { added, unplanned }: PlanChanges, sent?: readonly string[]): Promise<void> {
    if (added.length === 0 && unplanned.length === 0 && !sent) return;
    const recorded = added.flatMap(({ metric, opts }) => [metric, opts.jobId!]);
    const previous = this.previousPlannedKey(read.source, read.issueId);
    const keys = sent ? [read.plannedKey, previous, sent[0]!] : [read.plannedKey, previous];
    await (this.redis as unknown as PlanWriter)[PLAN_WRITE_COMMAND](keys.length, ...keys, String(recorded.length / 2), ...recorded, String(unplanned.length), ...unplanned, ...(sent ? sent.slice(1) : []));
  }
  /** Removes a pending timer; one that is firing right now finishes and re-checks by itself. */
  private async cancel(job: Job<StoredTimerJob>): Promise<void> {
    try {
      await job.remove();
    } catch {
      // Locked by a worker that is firing it: the version guard stops it if it is stale.
    }
  }
}

function pairsToRecord(pairs: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let index = 0; index + 1 < pairs.length; index += 2) record[pairs[index]!] = pairs[index + 1]!;
  return record;
}

interface PlanRead {
  readonly source: string;
  readonly issueId: string;
  readonly plannedKey: string;
  readonly metrics: readonly TimedMetricStatus[];
  /** Metric to the id of its recorded timer job. */
  readonly planned: Readonly<Record<string, string>>;
  /** Per sent-marks name (./cycle-sent.ts), the labels sent. */
  readonly sent: Map<string, Set<string>>;
}

interface AddedTimer {
  readonly name: string;
  readonly data: StoredTimerJob;
  readonly opts: JobsOptions;
  readonly metric: string;
}

interface PlanChanges {
  readonly added: readonly AddedTimer[];
  readonly unplanned: readonly string[];
}

/**
 * The version guard of a fired timer: the notification it was planned for, if the issue's current
 * state still has it due; undefined when the timer was planned for an older state.
 */
function dueOf(timer: TimerJob, read: PlanRead, now: number): DueNotification | undefined {
  const { source, issueId, metric, label } = timer;
  const status = read.metrics.find((candidate) => candidate.metric === metric);
  if (!status) return undefined;
  const sentAs = sentName(status);
  const next = nextNotification(status, read.sent.get(sentAs) ?? new Set(), now);
  if (!next || next.label !== label || next.at > now) return undefined;
  return {
    id: notificationId(source, issueId, sentAs, label),
    ...(sentAs === metric ? {} : { sentAs }),
    source,
    issueId,
    metric,
    kind: next.kind,
    label,
    at: next.at,
    firedAt: now,
    skipped: next.skipped,
    ...(next.skippedSince === undefined ? {} : { skippedSince: next.skippedSince }),
  };
}
