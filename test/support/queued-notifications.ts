/**
 * The SLA notifications a bridge has routed, read from where they go: the chat jobs in its
 * channels' queues (src/app/jobs/notify.ts), one entry per notification with the channels it went
 * to. A fired timer routes its claim itself, so these jobs are what a claim leaves behind.
 */
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { CHAT_JOB, chatQueueSetKey, type ChatJob } from '../../src/app/jobs/pipeline.js';
import type { IssueState, IssueStore } from '../../src/app/store/issue-store.js';
import { timedMetrics } from '../../src/app/jobs/timed-metrics.js';
import { duePoints } from '../../src/domain/timer-plan.js';

export interface QueuedNotification {
  readonly id: string;
  readonly source: string;
  readonly issueId: string;
  readonly metric: string;
  readonly kind: SlaNotification['kind'];
  readonly label: string;
  readonly firedAt: number;
  /** Earlier thresholds that passed unsent and that this one stands for. */
  readonly skipped: readonly string[];
  /** The channels it was queued for, sorted. */
  readonly channels: readonly string[];
}

const STATES = ['completed', 'active', 'waiting', 'delayed', 'prioritized', 'failed'] as const;

/** Every SLA notification in the chat queues the bridge lists (`<prefix>:chat-queues`), in the order they fired. */
export async function queuedNotifications(redis: Redis, prefix: string, issueId?: string): Promise<QueuedNotification[]> {
  const byId = new Map<string, { notification: SlaNotification; channels: string[] }>();
  for (const name of (await redis.smembers(chatQueueSetKey(prefix))).sort()) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      const jobs = (await queue.getJobs([...STATES])) as Job<ChatJob>[];
      for (const job of jobs) {
        if (job.name !== CHAT_JOB || !('threshold' in job.data.notification)) continue;
        const notification = job.data.notification as SlaNotification;
        if (issueId !== undefined && notification.issue.id !== issueId) continue;
        const seen = byId.get(notification.id) ?? { notification, channels: [] };
        seen.channels.push(job.data.channelId);
        byId.set(notification.id, seen);
      }
    } finally {
      await queue.close();
    }
  }
  return [...byId.values()]
    .map(({ notification, channels }) => ({
      id: notification.id,
      source: notification.tracker.source,
      issueId: notification.issue.id,
      metric: notification.metric,
      kind: notification.kind,
      label: notification.threshold,
      firedAt: notification.firedAt,
      skipped: notification.late?.skipped ?? [],
      channels: channels.sort(),
    }))
    .sort((a, b) => a.firedAt - b.firedAt || a.id.localeCompare(b.id));
}

/** The labels of an issue's notifications, in the order they fired. */
export async function notifiedLabels(redis: Redis, prefix: string, issueId: string, metric?: string): Promise<string[]> {
  return (await queuedNotifications(redis, prefix, issueId)).filter((due) => metric === undefined || due.metric === metric).map((due) => due.label);
}

/** The instant a metric's threshold was due by the issue's state (its warning, breach or escalation). */
export function thresholdAt(state: IssueState, metric: string, label: string): number | undefined {
  const status = timedMetrics(state.sla).find((candidate) => candidate.metric === metric);
  return status && duePoints(status).find((point) => point.label === label)?.at;
}

/** Each notification with the instant its threshold was due, read from its issue's saved state (absent when the state no longer has it). */
export async function withPlannedInstants(store: IssueStore, queued: readonly QueuedNotification[]): Promise<(QueuedNotification & { readonly at: number | undefined })[]> {
  const states = await store.loadStatesInOrder(queued.map((due) => [due.source, due.issueId] as const));
  return queued.map((due, index) => ({ ...due, at: states[index] && thresholdAt(states[index]!, due.metric, due.label) }));
}
