/**
 * Gitea signs the raw body with HMAC-SHA256 and sends the same hex digest three ways:
 * `X-Forgejo-Signature` (Forgejo only) and `X-Gitea-Signature` bare, `X-Hub-Signature-256` as
 * `sha256=<hex>`. A proxy that drops the vendor headers still leaves the GitHub-style one.
 */
import type { Source } from '../../src/config/source.js';
import type { Verdict, WebhookDelivery } from '../connector.js';
import { unsignedVerdict, verifyHmacSha256 } from '../shared/hmac.js';
import { firstHeader } from './delivery-headers.js';

const HUB_PREFIX = /^sha256=/i;

interface PresentedSignature {
  readonly header: string;
  /** `null` when the header is there but not in its `sha256=<hex>` form. */
  readonly hex: string | null | undefined;
}

function presentedSignature(delivery: WebhookDelivery): PresentedSignature {
  const forgejo = firstHeader(delivery.headers, ['x-forgejo-signature']);
  if (forgejo) return { header: 'X-Forgejo-Signature', hex: forgejo };
  const gitea = firstHeader(delivery.headers, ['x-gitea-signature']);
  if (gitea) return { header: 'X-Gitea-Signature', hex: gitea };
  const hub = firstHeader(delivery.headers, ['x-hub-signature-256']);
  // Gitea without a secret sends `sha256=` and nothing after it: that is an unsigned delivery.
  const hubHex = hub?.replace(HUB_PREFIX, '');
  if (hub && hubHex) return { header: 'X-Hub-Signature-256', hex: HUB_PREFIX.test(hub) ? hubHex : null };
  return { header: 'X-Gitea-Signature', hex: undefined };
}

export function verifyGiteaDelivery(source: Source, delivery: WebhookDelivery): Verdict {
  const unsigned = unsignedVerdict(source);
  if (unsigned) return unsigned;
  const { header, hex } = presentedSignature(delivery);
  if (hex === null) return { ok: false, reason: `malformed ${header} header (expected sha256=<hex>)` };
  return verifyHmacSha256(source.secrets, delivery.rawBody, hex, header);
}
