import type { WebhookDelivery } from '../connector.js';
import { header } from './delivery-headers.js';

/**
 * The delivery's GUID. A redelivery (by hand or through the API: GitHub never retries by itself)
 * carries the same X-GitHub-Delivery as the original, so one the bridge already accepted is a
 * duplicate, and one it refused or never got (503, timeout) is taken as new.
 */
export function githubDeliveryId(delivery: WebhookDelivery): string | undefined {
  return header(delivery.headers, 'x-github-delivery');
}
