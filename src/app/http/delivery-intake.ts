/**
 * The webhook path's only Redis work: is this delivery a duplicate, queue it, remember it. Every
 * call is bounded in time, so an unreachable Redis becomes a 503 instead of a hanging tracker request.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { DELIVERY_JOB, DELIVERY_JOB_OPTIONS, deliveryJobId, type DeliveryJob } from '../jobs/pipeline.js';
import { withTimeout, type RedisClient } from '../store/redis-connection.js';

const REDIS_TIMEOUT_MS = 2_000;
/** How long a delivery may wait for the replicas; they normally answer within a millisecond. */
const REPLICA_WAIT_MS = 1_000;

export class DeliveryIntake {
  /**
   * `waitReplicas`: how many replicas must hold a delivery before the tracker hears 202. Redis
   * replicates asynchronously, so without it a failover can drop deliveries the old master took.
   */
  constructor(
    private readonly queue: Queue<DeliveryJob>,
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly waitReplicas = 0,
  ) {}

  private dedupKey(sourceId: string, deliveryId: string): string {
    return `${this.prefix}:delivery:${sourceId}:${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}`;
  }

  /**
   * A delivery not seen within the dedup window is queued, waited for by the replicas if asked
   * to, then remembered for the window; only after all of it succeeds may the tracker hear 202: a
   * delivery that was not stored must be retried by the tracker. The dedup mark comes last, so a
   * retry of a delivery the replicas did not confirm is queued (and waited for) again instead of
   * called a duplicate.
   *
   * Three round trips (check, queue, mark). The first two could share a pipeline, but ioredis
   * copies every script on the connection (BullMQ's 60-odd) into each pipeline it builds, 40-70 us
   * of CPU here: more than the round trip it saves, on a path that is CPU-bound.
   */
  async acceptNew(job: DeliveryJob, dedupWindowMs: number): Promise<'accepted' | 'duplicate'> {
    const dedupKey = this.dedupKey(job.sourceId, job.deliveryId);
    if ((await withTimeout(this.redis.exists(dedupKey), REDIS_TIMEOUT_MS, 'duplicate check')) === 1) return 'duplicate';
    await withTimeout(this.queue.add(DELIVERY_JOB, job, { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(job.sourceId, job.deliveryId) }), REDIS_TIMEOUT_MS, 'queueing the delivery');
    await this.remember(job, dedupKey, dedupWindowMs);
    return 'accepted';
  }

  private async remember(job: DeliveryJob, dedupKey: string, dedupWindowMs: number): Promise<void> {
    if (this.waitReplicas > 0) {
      // WAIT covers every earlier write of this connection, the queued job included.
      const acknowledged = await withTimeout(this.redis.wait(this.waitReplicas, REPLICA_WAIT_MS), REDIS_TIMEOUT_MS, 'waiting for the replicas');
      if (acknowledged < this.waitReplicas) throw new Error(`${acknowledged} of ${this.waitReplicas} replicas confirmed the delivery within ${REPLICA_WAIT_MS} ms`);
    }
    await withTimeout(this.redis.set(dedupKey, String(job.receivedAt), 'PX', dedupWindowMs), REDIS_TIMEOUT_MS, 'recording the delivery');
  }
}
