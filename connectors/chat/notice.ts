/**
 * A chat message about a contract rather than an issue: so far the warning that a contract's term
 * ends (`term.warn_before` ahead of `valid.until`). Like an SLA notification it carries all a
 * channel needs, so it can be rebuilt and retried from this value alone.
 */
import { z } from 'zod';
import { languageSchema } from '../../src/domain/language.js';
import { zoneSchema } from '../../src/domain/local-time.js';
import { dutyHandoverNoticeSchema } from './handover-notice.js';

export const contractTermNoticeSchema = z.strictObject({
  /** Stable per contract, end date and lead: receivers deduplicate on it. */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'the notice id must be 1-200 printable ASCII characters without spaces' }),
  kind: z.literal('contract_term'),
  language: languageSchema,
  customer: z.string().min(1),
  contract: z.string().min(1),
  /** The last day of the term, inclusive, in the contract calendar's zone (YYYY-MM-DD). */
  validUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  zone: zoneSchema,
  /** Whole days from the day the warning went out to the end of the term. */
  daysLeft: z.number().int(),
  firedAt: z.number().int().nonnegative(),
});
export type ContractTermNotice = z.infer<typeof contractTermNoticeSchema>;

/** A notice about a contract, or the duty handover of a team (./handover-notice.ts). */
export const chatNoticeSchema = z.discriminatedUnion('kind', [contractTermNoticeSchema, dutyHandoverNoticeSchema]);
export type ChatNotice = z.infer<typeof chatNoticeSchema>;
