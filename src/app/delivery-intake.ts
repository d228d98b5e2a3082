/**
 * The webhook path's only Redis work: is this delivery a duplicate, and queue it. Every call is
 * bounded in time, so an unreachable Redis becomes a 503 instead of a hanging tracker request.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DELIVERY_JOB, DELIVERY_JOB_OPTIONS, deliveryJobId, type DeliveryJob } from './ingest-queue.js';
import { withTimeout } from './redis-connection.js';

const REDIS_TIMEOUT_MS = 2_000;

export class DeliveryIntake {
  constructor(
    private readonly queue: Queue<DeliveryJob>,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private dedupKey(sourceId: string, deliveryId: string): string {
    return `${this.prefix}:delivery:${sourceId}:${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}`;
  }

  async isDuplicate(sourceId: string, deliveryId: string): Promise<boolean> {
    return (await withTimeout(this.redis.exists(this.dedupKey(sourceId, deliveryId)), REDIS_TIMEOUT_MS, 'duplicate check')) === 1;
  }

  /**
   * Queues the delivery, then remembers it for the dedup window. Only after both succeed may the
   * tracker hear 202: a delivery that was not stored must be retried by the tracker.
   */
  async accept(job: DeliveryJob, dedupWindowMs: number): Promise<void> {
    await withTimeout(
      this.queue.add(DELIVERY_JOB, job, { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(job.sourceId, job.deliveryId) }),
      REDIS_TIMEOUT_MS,
      'queueing the delivery',
    );
    await withTimeout(
      this.redis.set(this.dedupKey(job.sourceId, job.deliveryId), String(job.receivedAt), 'PX', dedupWindowMs),
      REDIS_TIMEOUT_MS,
      'recording the delivery',
    );
  }

  async ping(): Promise<boolean> {
    try {
      return (await withTimeout(this.redis.ping(), 1_000, 'ping')) === 'PONG';
    } catch {
      return false;
    }
  }
}
