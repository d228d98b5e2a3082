/**
 * The ingest job of a delivery a webhook was answered 202 for: found through the delivery's
 * deduplication mark, which names the arrival that set it (src/app/http/delivery-intake.ts).
 */
import type { Job, Queue } from 'bullmq';
import { deliveryDedupId } from '../../src/app/jobs/pipeline.js';

export async function acceptedDeliveryJob<T>(queue: Queue<T>, sourceId: string, deliveryId: string): Promise<Job<T> | undefined> {
  const jobId = await queue.getDeduplicationJobId(deliveryDedupId(sourceId, deliveryId));
  return jobId ? queue.getJob(jobId) : undefined;
}
