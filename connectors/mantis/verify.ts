import type { Verdict, WebhookDelivery } from '../connector.js';
import { headerValue, hmacSha256Hex, unsignedVerdict, verifyHmacSha256 } from '../shared/hmac.js';
import type { Source } from '../../src/config/source.js';

export const SIGNATURE_HEADER = 'x-mantis-signature';
export const DELIVERY_HEADER = 'x-mantis-delivery';

/** The plugin signs the exact bytes it sends: bare hex of HMAC-SHA256 under the configured secret. */
export function verifyMantis(source: Source, delivery: WebhookDelivery): Verdict {
  return unsignedVerdict(source) ?? verifyHmacSha256(source.secrets, delivery.rawBody, headerValue(delivery.headers[SIGNATURE_HEADER]), 'X-Mantis-Signature');
}

export function signMantis(secret: string, rawBody: Buffer): Record<string, string> {
  return { [SIGNATURE_HEADER]: hmacSha256Hex(secret, rawBody) };
}

/** A fresh UUID per POST; the plugin never retries, so it only catches proxies that resend. */
export function mantisDeliveryId(delivery: WebhookDelivery): string | undefined {
  return headerValue(delivery.headers[DELIVERY_HEADER])?.trim() || undefined;
}
