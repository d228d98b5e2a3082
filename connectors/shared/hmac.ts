import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Source } from '../../src/config/source.js';
import type { Verdict } from '../connector.js';

export function hmacSha256Hex(secret: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Whether `signatureHex` is the HMAC-SHA256 of the body under any of the accepted secrets (two
 * during a rotation). Every secret is checked, in constant time, so timing tells nothing.
 */
export function verifyHmacSha256(secrets: readonly string[], rawBody: Buffer, signatureHex: string | undefined, header: string): Verdict {
  if (!signatureHex) return { ok: false, reason: `missing ${header} header` };
  if (!/^[0-9a-f]{64}$/i.test(signatureHex)) return { ok: false, reason: `malformed ${header} header` };
  const given = Buffer.from(signatureHex.toLowerCase(), 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(Buffer.from(hmacSha256Hex(secret, rawBody), 'hex'), given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: `${header} does not match the body` };
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The verdict for a source with no secret to check against, before any header is read: only a
 * source explicitly marked insecure takes unsigned webhooks. Undefined when there are secrets.
 */
export function unsignedVerdict(source: Source): Verdict | undefined {
  if (source.secrets.length > 0) return undefined;
  return source.insecure ? { ok: true } : { ok: false, reason: 'the source has no webhook secret' };
}
