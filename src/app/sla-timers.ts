/**
 * Exact timers for SLA notifications: one delayed BullMQ job per (issue, metric), at the instant of
 * the metric's next warning, breach or escalation. Every change of the issue re-plans; a timer that
 * fires re-checks against the issue's current state (the version guard) before it claims the
 * notification, so a timer planned for an older state never notifies.
 */
import { createHash } from 'node:crypto';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Metric } from '../domain/metric.js';
import type { IssueSla } from '../domain/sla-clock.js';
import { nextNotification, type NotificationKind } from '../domain/timer-plan.js';

export const TIMER_QUEUE = 'sla-timers';
export const TIMER_JOB = 'timer';

export interface TimerJob {
  readonly source: string;
  readonly issueId: string;
  readonly metric: Metric;
  readonly label: string;
  /** The instant the notification is due, as planned. */
  readonly at: number;
}

/** The claim a fired timer hands to the notifier: exactly one per (issue, metric, threshold). */
export interface DueNotification {
  readonly id: string;
  readonly source: string;
  readonly issueId: string;
  readonly metric: Metric;
  readonly kind: NotificationKind;
  readonly label: string;
  readonly at: number;
  readonly firedAt: number;
  readonly skipped: readonly string[];
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

export function notificationId(source: string, issueId: string, metric: Metric, label: string): string {
  return `notify-${hash(source, issueId, metric, label)}`;
}

const TIMER_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 200 },
  // The id must be free again at once: a re-plan to the same instant adds it anew.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

export class SlaTimers {
  constructor(
    private readonly queue: Queue<TimerJob>,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private plannedKey(source: string, issueId: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:timers`;
  }

  sentKey(source: string, issueId: string, metric: Metric): string {
    return `${this.prefix}:issue:${source}:${issueId}:sent:${metric}`;
  }

  async sent(source: string, issueId: string, metric: Metric): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.sentKey(source, issueId, metric)));
  }

  /**
   * Makes the pending timers of an issue match its current state: at most one per metric, at the
   * next unsent notification. `wallNow` is the real clock, which BullMQ delays are measured in.
   */
  async plan(source: string, issueId: string, sla: IssueSla, now: number, wallNow = Date.now()): Promise<void> {
    const planned = await this.redis.hgetall(this.plannedKey(source, issueId));
    const metrics = sla.covered ? sla.metrics : [];
    const seen = new Set<string>();
    for (const status of metrics) {
      seen.add(status.metric);
      const next = nextNotification(status, await this.sent(source, issueId, status.metric), now);
      const jobId = next ? `timer-${hash(source, issueId, status.metric, next.label, String(next.at))}` : undefined;
      const previous = planned[status.metric];
      if (previous === jobId) continue;
      if (previous) await this.cancel(previous);
      if (!next || !jobId) {
        await this.redis.hdel(this.plannedKey(source, issueId), status.metric);
        continue;
      }
      const data: TimerJob = { source, issueId, metric: status.metric, label: next.label, at: next.at };
      await this.queue.add(TIMER_JOB, data, { ...TIMER_JOB_OPTIONS, jobId, delay: Math.max(0, next.at - wallNow) });
      await this.redis.hset(this.plannedKey(source, issueId), status.metric, jobId);
    }
    for (const [metric, jobId] of Object.entries(planned)) {
      if (seen.has(metric)) continue;
      await this.cancel(jobId);
      await this.redis.hdel(this.plannedKey(source, issueId), metric);
    }
  }

  /** Removes a pending timer; one that is firing right now finishes and re-checks by itself. */
  private async cancel(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (!job) return;
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
    const status = sla.covered ? sla.metrics.find((candidate) => candidate.metric === metric) : undefined;
    if (!status) return undefined;
    const next = nextNotification(status, await this.sent(source, issueId, metric), now);
    if (!next || next.label !== label || next.at > now) return undefined;
    return { id: notificationId(source, issueId, metric, label), source, issueId, metric, kind: next.kind, label, at: next.at, firedAt: now, skipped: next.skipped };
  }

  /** Records a notification (and the ones it stands for) as sent, so it is never planned again. */
  async markSent(due: DueNotification): Promise<void> {
    await this.redis.sadd(this.sentKey(due.source, due.issueId, due.metric), due.label, ...due.skipped);
  }
}
