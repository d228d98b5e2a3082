import { randomUUID } from 'node:crypto';
import { standardWebhookSignature } from './standard-webhooks.js';

/** The header a hook with this secret token sends: GitLab sends the token itself. */
export function signGitlabDelivery(secret: string): Record<string, string> {
  return { 'x-gitlab-token': secret };
}

/** The Standard Webhooks headers of a hook with a signing token (`whsec_…`), at `now`. */
export function signGitlabDeliveryWithToken(signingToken: string, rawBody: Buffer, now = Date.now(), id: string = randomUUID()): Record<string, string> {
  const key = Buffer.from(signingToken.replace(/^whsec_/, ''), 'base64');
  const timestamp = String(Math.floor(now / 1000));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': standardWebhookSignature(key, id, timestamp, rawBody) };
}
