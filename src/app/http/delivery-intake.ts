/**
 * The webhook path's only Redis work: queue the delivery unless it was seen within the dedup
 * window. Every call is bounded in time, so an unreachable Redis becomes a 503 instead of a hanging
 * tracker request.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { arrivalJobId, DELIVERY_JOB, DELIVERY_JOB_OPTIONS, deliveryDedupId, type DeliveryJob } from '../jobs/pipeline.js';
import { withTimeout, type RedisClient } from '../store/redis-connection.js';

const REDIS_TIMEOUT_MS = 2_000;
/** How long a delivery may wait for the replicas; they normally answer within a millisecond. */
const REPLICA_WAIT_MS = 1_000;

/**
 * 64 random bits as 16 hex digits: a v4 UUID's first 8 and last 8, which carry no version or
 * variant bits. `randomUUID` draws from a buffered pool; `randomBytes(8)` asked OpenSSL on every
 * call, 2.6% of a webhook's CPU in the profile.
 */
function arrivalNonce(): string {
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(28);
}

export class DeliveryIntake {
  /**
   * `waitReplicas`: how many replicas must hold a delivery before the tracker hears 202. Redis
   * replicates asynchronously, so without it a failover can drop deliveries the old master took.
   */
  constructor(
    private readonly queue: Queue<DeliveryJob>,
    private readonly redis: RedisClient,
    private readonly waitReplicas = 0,
  ) {}

  /**
   * Queues a delivery not seen within the dedup window, in one round trip: BullMQ's deduplication
   * sets the window's mark (`<queue>:de:<id>`, expiring) in the same script that adds the job, or
   * finds the mark and adds nothing, answering the id of the arrival that set it. The mark and the
   * job are one write, so they reach the replicas, or are lost in a failover, together.
   *
   * It took three round trips before (check a mark, queue, set the mark), each one a socket write
   * and read: their writes were about 8% of a webhook's CPU in a `--role api` profile (issue 19). A delivery an
   * earlier version accepted has its mark elsewhere and is queued once more if the tracker sends it
   * again within its window; the worker knows its events by their ids and applies nothing twice.
   *
   * With `waitReplicas`, the tracker hears 202, or 200 for a repeat, only once the replicas hold
   * the delivery: WAIT covers every earlier write, and a repeat writes too (BullMQ's `deduplicated`
   * event), after the first arrival's job. A repeat of one the replicas did not confirm in time is
   * waited for again, not answered at once.
   */
  async acceptNew(job: DeliveryJob, dedupWindowMs: number): Promise<'accepted' | 'duplicate'> {
    const jobId = arrivalJobId(arrivalNonce());
    const deduplication = { id: deliveryDedupId(job.sourceId, job.deliveryId), ttl: Math.max(1, dedupWindowMs) };
    const queued = await withTimeout(this.queue.add(DELIVERY_JOB, job, { ...DELIVERY_JOB_OPTIONS, jobId, deduplication }), REDIS_TIMEOUT_MS, 'queueing the delivery');
    if (this.waitReplicas > 0) {
      const acknowledged = await withTimeout(this.redis.wait(this.waitReplicas, REPLICA_WAIT_MS), REDIS_TIMEOUT_MS, 'waiting for the replicas');
      if (acknowledged < this.waitReplicas) throw new Error(`${acknowledged} of ${this.waitReplicas} replicas confirmed the delivery within ${REPLICA_WAIT_MS} ms`);
    }
    return queued.id === jobId ? 'accepted' : 'duplicate';
  }
}
