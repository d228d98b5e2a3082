/**
 * The duty handover message: the person taking over the team's duty gets the open issues of the
 * team's contracts, soonest breach first. Like every notice it carries all a channel needs, so it
 * can be rebuilt and retried from this value alone.
 */
import { z } from 'zod';
import { languageSchema } from '../../src/domain/language.js';
import { zoneSchema } from '../../src/domain/local-time.js';

export const HANDOVER_ISSUES_MAX = 10;

export const handoverIssueSchema = z.strictObject({
  key: z.string().min(1),
  title: z.string(),
  customer: z.string().min(1),
  /** A preset's name or that of a metric defined by conditions. */
  metric: z.string().min(1),
  /** Null while its clock is paused. */
  deadline: z.number().int().nullable(),
  url: z.url({ protocol: /^https?$/ }).optional(),
});

export const dutyHandoverNoticeSchema = z.strictObject({
  /** Stable per team, shift start and person: receivers deduplicate on it. */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'the notice id must be 1-200 printable ASCII characters without spaces' }),
  kind: z.literal('duty_handover'),
  language: languageSchema,
  team: z.string().min(1),
  teamName: z.string().min(1),
  personName: z.string().min(1),
  /** The shift taken over: from the handover until the next one. */
  from: z.number().int(),
  until: z.number().int(),
  zone: zoneSchema,
  /** The soonest HANDOVER_ISSUES_MAX of `openCount`. */
  issues: z.array(handoverIssueSchema).max(HANDOVER_ISSUES_MAX),
  openCount: z.number().int().nonnegative(),
  firedAt: z.number().int().nonnegative(),
});
export type DutyHandoverNotice = z.infer<typeof dutyHandoverNoticeSchema>;
