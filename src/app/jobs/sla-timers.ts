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
import { timedMetrics } from './timed-metrics.js';
import { sentName } from './cycle-sent.js';
import { notificationId, TIMER_JOB, TIMER_JOB_OPTIONS, timerJobId, type DueNotification, type TimerJob } from './pipeline.js';

const PENDING_STATES = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

// What is planned (KEYS[1], a hash) and what was sent per metric (KEYS[2..]), in one call: a
// script, not a pipeline, which ioredis builds at a cost (see ../store/issue-store.ts).
const PLAN_READ = `
local out = { redis.call('HGETALL', KEYS[1]) }
for i = 2, #KEYS do out[i] = redis.call('SMEMBERS', KEYS[i]) end
return out`;
const PLAN_READ_COMMAND = 'slaTimerPlanRead';

type PlanReader = { [PLAN_READ_COMMAND]: (numberOfKeys: number, ...keys: string[]) => Promise<string[][]> };

export class SlaTimers {
  constructor(
    private readonly queue: Queue<TimerJob>,
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!(PLAN_READ_COMMAND in redis)) redis.defineCommand(PLAN_READ_COMMAND, { lua: PLAN_READ });
  }

  private plannedKey(source: string, issueId: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:timers`;
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
   * is checked against when it fires. `firingJobId`: the timer job that calls this as it fires,
   * which is known to be running rather than pending (two reads of Redis fewer).
   */
  async plan(source: string, issueId: string, sla: IssueSla, now: number, firingJobId?: string): Promise<void> {
    const plannedKey = this.plannedKey(source, issueId);
    const metrics = timedMetrics(sla);
    // What is planned and what was sent, read in one round trip; the new timers added in one more.
    const sentKeys = metrics.map((status) => this.sentKey(source, issueId, sentName(status)));
    const replies = await (this.redis as unknown as PlanReader)[PLAN_READ_COMMAND](1 + sentKeys.length, plannedKey, ...sentKeys);
    const pairs = replies[0] ?? [];
    const planned: Record<string, string> = {};
    for (let index = 0; index + 1 < pairs.length; index += 2) planned[pairs[index]!] = pairs[index + 1]!;
    const added: { name: string; data: TimerJob; opts: JobsOptions }[] = [];
    const unplanned: string[] = [];
    for (const [index, status] of metrics.entries()) {
      const next = nextNotification(status, new Set(replies[index + 1] ?? []), now);
      const previousId = planned[status.metric];
      // The timer firing now (`firingJobId`) is active, not pending: nothing to read or cancel.
      const previous = previousId && previousId !== firingJobId ? await this.queue.getJob(previousId) : undefined;
      const pending = previous ? PENDING_STATES.has(await previous.getState()) : false;
      if (next && pending && previous!.data.label === next.label && previous!.data.at === next.at) continue;
      if (previous && pending) await this.cancel(previous);
      if (!next) {
        if (previousId) unplanned.push(status.metric);
        continue;
      }
      const jobId = timerJobId(source, issueId, status.metric, randomUUID().slice(0, 8));
      added.push({ name: TIMER_JOB, data: { source, issueId, metric: status.metric, label: next.label, at: next.at }, opts: { ...TIMER_JOB_OPTIONS, jobId, delay: Math.max(0, next.at - now) } });
    }
    const measured = new Set(metrics.map((status) => status.metric as string));
    for (const [metric, jobId] of Object.entries(planned)) {
      if (measured.has(metric)) continue;
      const job = jobId === firingJobId ? undefined : await this.queue.getJob(jobId);
      if (job) await this.cancel(job);
      unplanned.push(metric);
    }
    // Added before they are recorded, as one at a time did: a crash in between leaves a timer the
    // record does not name, which fires and finds its notification claimed or no longer due.
    if (added.length === 1) await this.queue.add(added[0]!.name, added[0]!.data, added[0]!.opts);
    else if (added.length > 1) await this.queue.addBulk(added);
    if (added.length > 0) await this.redis.hset(plannedKey, Object.fromEntries(added.map(({ data, opts }) => [data.metric, opts.jobId!])));
    if (unplanned.length > 0) await this.redis.hdel(plannedKey, ...unplanned);
  }

  /** Removes a pending timer; one that is firing right now finishes and re-checks by itself. */
  private async cancel(job: Job<TimerJob>): Promise<void> {
    try {
      await job.remove();
    } catch {
      // Locked by a worker that is firing it: the version guard stops it if it is stale.
    }
  }

  /**
   * The version guard of a fired timer: the notification it was planned for, if the issue's current
   * state still has it due; undefined when the timer was planned for an older state.
   */
  async dueNotification(job: Job<TimerJob>, sla: IssueSla, now: number): Promise<DueNotification | undefined> {
    const { source, issueId, metric, label } = job.data;
    const status = timedMetrics(sla).find((candidate) => candidate.metric === metric);
    if (!status) return undefined;
    const sentAs = sentName(status);
    const next = nextNotification(status, await this.sent(source, issueId, sentAs), now);
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

  /** Records a notification (and the ones it stands for) as sent, so it is never planned again. */
  async markSent(due: DueNotification): Promise<void> {
    await this.redis.sadd(this.sentKey(due.source, due.issueId, due.sentAs ?? due.metric), due.label, ...due.skipped);
  }
}
