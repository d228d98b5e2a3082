/**
 * The Standard Webhooks signature GitLab sends when a hook has a signing token (gitlab-org/gitlab
 * MR 230944, behind the `webhook_signing_token` feature flag): `webhook-signature: v1,<base64>`,
 * the HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the key that the token
 * `whsec_<base64>` encodes, with `webhook-id` equal to the Idempotency-Key and `webhook-timestamp`
 * in Unix seconds (standard-webhooks/standard-webhooks `spec/standard-webhooks.md`). The header
 * may list several signatures separated by spaces; one that matches is enough.
 *
 * Written here rather than taken from the `standardwebhooks` package, whose verify reads the
 * clock itself and fixes the tolerance at five minutes; the tests check this code against it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedDelivery {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: Buffer;
}

export function standardWebhookSignature(key: Buffer, id: string, timestamp: string, rawBody: Buffer): string {
  const digest = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
  return `v1,${digest}`;
}

export type SignatureVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether one of the listed `v1` signatures is the HMAC under one of the keys, and the timestamp
 * is within `toleranceMs` of `now`. Every key is checked in constant time.
 */
export function verifyStandardWebhook(keys: readonly Buffer[], delivery: SignedDelivery, now: number, toleranceMs: number): SignatureVerdict {
  const { id, timestamp, signature, rawBody } = delivery;
  if (!signature) return { ok: false, reason: 'missing webhook-signature header' };
  if (!id) return { ok: false, reason: 'missing webhook-id header' };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed webhook-timestamp header (expected Unix seconds)' };
  const given = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'))
    .filter((digest) => digest.length === 32);
  if (given.length === 0) return { ok: false, reason: 'malformed webhook-signature header (expected v1,<base64 HMAC-SHA256>)' };
  let matched = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
    for (const digest of given) if (timingSafeEqual(expected, digest)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'webhook-signature does not match the body' };
  // Checked after the signature, so that a forged timestamp is reported as a forgery.
  const skewMs = Math.abs(now - Number(timestamp) * 1000);
  if (skewMs > toleranceMs) return { ok: false, reason: `webhook-timestamp is ${Math.round(skewMs / 1000)} s from the bridge's clock (tolerance ${Math.round(toleranceMs / 1000)} s): a replay, or a clock to fix` };
  return { ok: true };
}
