/**
 * Jira signs a webhook that has a secret with `X-Hub-Signature: <method>=<hex>`, an HMAC over the
 * raw body. Atlassian documents the method as a prefix, so it is read, and only sha256 accepted.
 */
import type { Source } from '../../src/config/source.js';
import type { Verdict, WebhookDelivery } from '../connector.js';
import { headerValue, hmacSha256Hex, unsignedVerdict, verifyHmacSha256 } from '../shared/hmac.js';

const HEADER = 'x-hub-signature';
const HEADER_NAME = 'X-Hub-Signature';

function parseSignature(value: string): { method: string; hex: string } | undefined {
  const separator = value.indexOf('=');
  if (separator <= 0 || separator === value.length - 1) return undefined;
  return { method: value.slice(0, separator).toLowerCase(), hex: value.slice(separator + 1) };
}

export function verifyJira(source: Source, delivery: WebhookDelivery): Verdict {
  const unsigned = unsignedVerdict(source);
  if (unsigned) return unsigned;
  const header = headerValue(delivery.headers[HEADER]);
  if (!header) return { ok: false, reason: `missing ${HEADER_NAME} header` };
  const signature = parseSignature(header);
  if (!signature) return { ok: false, reason: `malformed ${HEADER_NAME} header (expected sha256=<hex>)` };
  if (signature.method !== 'sha256') {
    // The method is the sender's text: quoted and cut short before it reaches a log line.
    return { ok: false, reason: `${HEADER_NAME} method ${JSON.stringify(signature.method.slice(0, 20))} is not accepted (only sha256)` };
  }
  return verifyHmacSha256(source.secrets, delivery.rawBody, signature.hex, HEADER_NAME);
}

export function signJira(secret: string, rawBody: Buffer): Record<string, string> {
  return { [HEADER]: `sha256=${hmacSha256Hex(secret, rawBody)}` };
}
