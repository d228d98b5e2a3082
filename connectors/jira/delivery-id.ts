import type { WebhookDelivery } from '../connector.js';
import { headerValue } from '../shared/hmac.js';

/** Unique within the Jira site and the same on every retry of a delivery, so it dedupes retries. */
export function jiraDeliveryId(delivery: WebhookDelivery): string | undefined {
  return headerValue(delivery.headers['x-atlassian-webhook-identifier']) || undefined;
}
