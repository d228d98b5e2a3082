import { hmacSha256Hex } from '../shared/hmac.js';

/**
 * The signature headers Gitea adds for this body. Forgejo also sends `x-forgejo-signature` with
 * the same value; verify accepts any of them.
 */
export function signGiteaDelivery(secret: string, rawBody: Buffer): Record<string, string> {
  const hex = hmacSha256Hex(secret, rawBody);
  return { 'x-gitea-signature': hex, 'x-hub-signature-256': `sha256=${hex}` };
}
