import { createHash } from 'node:crypto';
import type { WebhookDelivery } from '../connector.js';
import { gitlabEvent, header } from './delivery-headers.js';

/**
 * `Idempotency-Key` (17.4+; `webhook-id` repeats it) is the same on every resend of a delivery
 * from the hook's log, and differs between deliveries. `X-Gitlab-Event-UUID` (14.8+) is not a
 * delivery id: it is the recursion-detection UUID, shared by every hook a webhook-triggered
 * request fires, and new on a resend. So without an Idempotency-Key the delivery is known by its
 * event and body, which a resend repeats byte for byte and two different changes never share
 * (each carries its own `updated_at` and `changes`).
 */
export function gitlabDeliveryId(delivery: WebhookDelivery): string | undefined {
  const key = header(delivery.headers, 'idempotency-key') ?? header(delivery.headers, 'webhook-id');
  if (key) return key;
  const digest = createHash('sha256').update(gitlabEvent(delivery.headers) ?? '').update('\u0000').update(delivery.rawBody).digest('hex');
  return `body:${digest}`;
}
