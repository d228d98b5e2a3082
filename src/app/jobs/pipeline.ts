/** The queue between the webhook endpoint and the workers: one job per accepted delivery. */
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { IssueEvent } from '../../domain/issue-event.js';
import type { IssueRef } from '../../../connectors/connector.js';
import type { ShownFields } from '../../../connectors/shared/owned-fields.js';

export const INGEST_QUEUE = 'sla-ingest';
export const DELIVERY_JOB = 'delivery';

export interface DeliveryJob {
  readonly sourceId: string;
  readonly deliveryId: string;
  readonly receivedAt: number;
  readonly issue: IssueRef;
  readonly events: readonly IssueEvent[];
  /** What the delivery showed of the fields write-back owns (absent when it showed none). */
  readonly shown?: ShownFields;
}

/** Deterministic, so the same delivery added twice (two racing requests) is one job. */
export function deliveryJobId(sourceId: string, deliveryId: string): string {
  return `delivery-${createHash('sha256').update(`${sourceId}\u0000${deliveryId}`).digest('hex').slice(0, 40)}`;
}

export const DELIVERY_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
