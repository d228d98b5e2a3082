/**
 * `X-Sla-Bridge-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes, the scheme GitHub and
 * Gitea use, so receivers can reuse their verification code. There is no separate timestamp: the
 * signed body carries `firedAt` and the notification id, so a replayed delivery is a duplicate the
 * receiver already drops by id.
 */
import { hmacSha256Hex } from '../../shared/hmac.js';

export const SIGNATURE_HEADER = 'X-Sla-Bridge-Signature';

export function signatureHeader(secret: string, body: string): string {
  return `sha256=${hmacSha256Hex(secret, Buffer.from(body, 'utf8'))}`;
}
