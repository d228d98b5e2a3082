/**
 * GitLab authenticates a delivery two ways. The secret token is sent as it is in `X-Gitlab-Token`
 * (compared in constant time with each accepted secret); a hook with a signing token also signs
 * the body the Standard Webhooks way (standard-webhooks.ts). With `gitlab.signing` configured, a
 * signature that is there must be right, and with `required: true` one must be there; the secret
 * token is checked whenever the source has secrets, so a stolen signing token alone is not enough.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Source } from '../../src/config/source.js';
import type { Verdict, WebhookDelivery } from '../connector.js';
import { unsignedVerdict } from '../shared/hmac.js';
import { header } from './delivery-headers.js';
import { gitlabSettings } from './source-settings.js';
import { verifyStandardWebhook } from './standard-webhooks.js';

/** Digests first, so that the comparison takes the same time whatever the lengths. */
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function verifyToken(secrets: readonly string[], token: string | undefined): Verdict {
  if (token === undefined) return { ok: false, reason: 'missing X-Gitlab-Token header' };
  const given = digest(token);
  let matched = false;
  for (const secret of secrets) if (timingSafeEqual(digest(secret), given)) matched = true;
  return matched ? { ok: true } : { ok: false, reason: 'X-Gitlab-Token is not the webhook secret' };
}

/** `now` is the receiving clock, for the signature's timestamp tolerance. */
export function verifyGitlabDelivery(source: Source, delivery: WebhookDelivery, now = Date.now()): Verdict {
  const { signing } = gitlabSettings(source);
  const signature = header(delivery.headers, 'webhook-signature');
  if (signing.keys.length > 0 && (signature !== undefined || signing.required)) {
    const verdict = verifyStandardWebhook(
      signing.keys,
      { id: header(delivery.headers, 'webhook-id'), timestamp: header(delivery.headers, 'webhook-timestamp'), signature, rawBody: delivery.rawBody },
      now,
      signing.toleranceMs,
    );
    if (!verdict.ok) return verdict;
  }
  const unsigned = unsignedVerdict(source);
  if (unsigned) return unsigned;
  // GitLab strips line breaks from the token it sends (Gitlab::Utils.remove_line_breaks).
  return verifyToken(source.secrets, header(delivery.headers, 'x-gitlab-token'));
}
