import { createHmac } from 'node:crypto';
import { hmacSha256Hex } from '../shared/hmac.js';

/**
 * The signature headers GitHub adds for this body when the hook has a secret: the SHA-256 one and,
 * for older receivers, the SHA-1 one (which verify never accepts on its own).
 */
export function signGithubDelivery(secret: string, rawBody: Buffer): Record<string, string> {
  return {
    'x-hub-signature-256': `sha256=${hmacSha256Hex(secret, rawBody)}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`,
  };
}
