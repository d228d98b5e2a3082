import { randomUUID } from 'node:crypto';
import type { Source } from '../../src/config/source.js';
import { gitlabSettings } from './source-settings.js';
import { standardWebhookSignature } from './standard-webhooks.js';

/**
 * The headers a hook with this secret token sends: GitLab sends the token itself, and a hook with a
 * signing token (the source's `gitlab.signing`) also the Standard Webhooks signature of the body.
 */
export function signGitlabDelivery(secret: string, rawBody: Buffer, source?: Source): Record<string, string> {
  const key = source && gitlabSettings(source).signing.keys[0];
  return { 'x-gitlab-token': secret, ...(key ? signGitlabDeliveryWithToken(`whsec_${key.toString('base64')}`, rawBody) : {}) };
}

/** The Standard Webhooks headers of a hook with a signing token (`whsec_…`), at `now`. */
export function signGitlabDeliveryWithToken(signingToken: string, rawBody: Buffer, now = Date.now(), id: string = randomUUID()): Record<string, string> {
  const key = Buffer.from(signingToken.replace(/^whsec_/, ''), 'base64');
  const timestamp = String(Math.floor(now / 1000));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': standardWebhookSignature(key, id, timestamp, rawBody) };
}
