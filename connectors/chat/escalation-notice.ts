/**
 * A support line's functional escalation: the issue did not get its reaction from one line in time
 * (or reached the line's `escalate.after` threshold), so the next line hears of it in its own
 * channel, naming whoever is on duty for it. A notice of its own, not the handover's breach message
 * re-marked: it says from which line to which, why, and whom the bridge assigns the issue to.
 * Like every notice it carries all a channel needs, so it can be rebuilt and retried from this value alone.
 */
import { z } from 'zod';
import { languageSchema } from '../../src/domain/language.js';
import { zoneSchema } from '../../src/domain/local-time.js';
import { prioritySchema } from '../../src/domain/priority.js';

const epochMs = z.number().int().nonnegative();

export const lineEscalationNoticeSchema = z.strictObject({
  /** The handover notification's id marked with the line it goes to (`…~to-third`): receivers deduplicate on it. */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'the notice id must be 1-200 printable ASCII characters without spaces' }),
  kind: z.literal('line_escalation'),
  language: languageSchema,
  customer: z.string().min(1),
  contract: z.string().min(1),
  zone: zoneSchema,
  firedAt: epochMs,
  fromLine: z.string().min(1),
  toLine: z.string().min(1),
  /** What escalated it: `breach`, or the threshold of the handover target the line escalates at (`75%`, `30m before`). */
  after: z.string().min(1),
  /** The escalating line's handover deadline, and the business time left until it (negative once past). */
  deadline: epochMs,
  remainingMs: z.number(),
  priority: prioritySchema,
  /** Who has the issue in the tracker when it escalates. */
  assignee: z.string().nullable(),
  /** Whom the bridge assigns it to in the tracker; absent: the next line is only told. */
  assignTo: z.string().min(1).optional(),
  issue: z.strictObject({
    source: z.string().min(1),
    id: z.string().min(1),
    tracker: z.string().min(1),
    key: z.string().min(1),
    title: z.string(),
    url: z.url({ protocol: /^https?$/, error: 'the issue URL must be an http(s) URL' }).optional(),
  }),
});
export type LineEscalationNotice = z.infer<typeof lineEscalationNoticeSchema>;
