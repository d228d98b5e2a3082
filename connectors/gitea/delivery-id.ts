import type { WebhookDelivery } from '../connector.js';
import { firstHeader } from './delivery-headers.js';

/**
 * The hook task's UUID. Gitea never retries by itself, and "Replay" in the webhook settings makes
 * a new hook task with a new UUID and the same body: such a copy is not caught here, but its
 * events repeat at their original times, which the clock folds in as no-ops.
 */
export function giteaDeliveryId(delivery: WebhookDelivery): string | undefined {
  return firstHeader(delivery.headers, ['x-forgejo-delivery', 'x-gitea-delivery'])?.trim() || undefined;
}
