/**
 * GitHub signs the raw body with HMAC-SHA256 in `X-Hub-Signature-256: sha256=<hex>`. It also sends
 * `X-Hub-Signature: sha1=<hex>` for old receivers; SHA-1 alone is never enough, so a delivery
 * that carries only that one (a proxy that dropped the other) is refused, saying so.
 */
import type { Source } from '../../src/config/source.js';
import type { Verdict, WebhookDelivery } from '../connector.js';
import { unsignedVerdict, verifyHmacSha256 } from '../shared/hmac.js';
import { header } from './delivery-headers.js';

const HEADER_NAME = 'X-Hub-Signature-256';
const PREFIX = /^sha256=/i;

export function verifyGithubDelivery(source: Source, delivery: WebhookDelivery): Verdict {
  const unsigned = unsignedVerdict(source);
  if (unsigned) return unsigned;
  const value = header(delivery.headers, 'x-hub-signature-256');
  if (!value) {
    const sha1Only = header(delivery.headers, 'x-hub-signature') !== undefined;
    return { ok: false, reason: sha1Only ? `only X-Hub-Signature (SHA-1) was sent; the bridge needs ${HEADER_NAME}` : `missing ${HEADER_NAME} header` };
  }
  if (!PREFIX.test(value)) return { ok: false, reason: `malformed ${HEADER_NAME} header (expected sha256=<hex>)` };
  return verifyHmacSha256(source.secrets, delivery.rawBody, value.replace(PREFIX, ''), HEADER_NAME);
}
