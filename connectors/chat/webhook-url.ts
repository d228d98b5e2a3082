/**
 * The settings every webhook-based channel shares. A chat webhook URL is a bearer secret (whoever
 * has it can post) and the message names customers and issues, so plain http is refused unless the
 * config says `allow_http: true`: a typo such as `http://hooks.slack.com` must not send either in
 * clear text. Messages never repeat the URL, so config errors can be logged safely.
 */
import { z } from 'zod';

export function webhookUrlShape(example: string) {
  return {
    url: z.url({ protocol: /^https?$/, error: `must be the webhook URL, e.g. ${example}` }),
    /** Only for a receiver on a trusted network, such as a local relay or a test server. */
    allow_http: z.boolean().default(false),
  };
}

/** Refinement for a channel's config object: https, unless `allow_http: true`. */
export function requireHttps(config: { url: string; allow_http: boolean }, ctx: z.RefinementCtx): void {
  // zod runs object refinements after a field's format check has failed too; that failure is reported already.
  if (config.allow_http || !URL.canParse(config.url) || new URL(config.url).protocol === 'https:') return;
  ctx.addIssue({
    code: 'custom',
    path: ['url'],
    message: 'must be an https:// URL: the webhook URL is a secret and messages name customers (set allow_http: true only for a receiver on a trusted network)',
  });
}
