/**
 * The webhook path's only Redis work: is this delivery a duplicate, and queue it (one round trip),
 * then remember it (a second). Every call is bounded in time, so an unreachable Redis becomes a
 * 503 instead of a hanging tracker request.
 */
import { createHash } from 'node:crypto';
import { Job, type Queue } from 'bullmq';
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
   * The duplicate check and the queueing go in one round trip: the job's id is the delivery's, so
   * queueing a duplicate adds nothing while its job is kept, and one whose job is gone already
   * (over 10,000 completed) is applied again, which stores no event twice.
   */
  async acceptNew(job: DeliveryJob, dedupWindowMs: number): Promise<'accepted' | 'duplicate'> {
    const dedupKey = this.dedupKey(job.sourceId, job.deliveryId);
    const checkAndQueue = async () => {
      // The queue's own connection, on which BullMQ defined its scripts: the ioredis client the bridge gave it.
      const pipeline = ((await this.queue.backend.client) as unknown as RedisClient).pipeline().exists(dedupKey);
      // Queued on the pipeline at once, as BullMQ's own addBulk does; its outcome is the pipeline's second reply.
      new Job(this.queue, DELIVERY_JOB, job, { ...DELIVERY_JOB_OPTIONS }, deliveryJobId(job.sourceId, job.deliveryId)).addJob(pipeline as unknown as Parameters<Job['addJob']>[0]).catch(() => undefined);
      const replies = (await pipeline.exec()) ?? [];
      for (const [error] of replies) if (error) throw error;
      return replies[0]?.[1] === 1;
    };
    if (await withTimeout(checkAndQueue(), REDIS_TIMEOUT_MS, 'queueing the delivery')) return 'duplicate';
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
