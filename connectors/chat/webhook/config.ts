import { z } from 'zod';
import { requireHttps, webhookUrlShape } from '../webhook-url.js';

/** Set by the channel itself; a config header of the same name would forge or break them. */
export const RESERVED_HEADER = /^(content-type|content-length|host|x-sla-bridge-.*)$/i;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Any HTTP receiver of your own. Deliveries are signed with `secret` (HMAC-SHA256 of the exact body)
 * so the receiver can tell them from forgeries; leaving the secret out takes `insecure: true`, the
 * same rule as for tracker sources. `headers` adds fixed headers, e.g. a gateway's API key.
 */
export const webhookConfigSchema = z
  .strictObject({
    ...webhookUrlShape('https://ops.example.com/hooks/sla'),
    secret: z.string().min(1, { error: 'the secret is empty (is its ${VARIABLE} set?)' }).optional(),
    insecure: z.boolean().default(false),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, { error: 'is not a valid HTTP header name' }),
        z.string().regex(HEADER_VALUE, { error: 'header values must be printable ASCII on one line' }),
      )
      .default({}),
  })
  .superRefine(requireHttps)
  .superRefine((config, ctx) => {
    if (!config.secret && !config.insecure) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'set a secret to sign deliveries (or insecure: true to send them unsigned)' });
    }
    for (const name of Object.keys(config.headers)) {
      if (RESERVED_HEADER.test(name)) ctx.addIssue({ code: 'custom', path: ['headers', name], message: `${name} is set by sla-bridge itself` });
    }
  });

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
