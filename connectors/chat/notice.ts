/**
 * A chat message about a contract rather than one issue's SLA clock: its term ending
 * (`term.warn_before` ahead of `valid.until`), its month's downtime budget running low
 * (`availability.warn_at`), a recurring obligation due or overdue (`obligations`). Like an SLA
 * notification it carries all a channel needs, so it can be rebuilt and retried from this value
 * alone; unlike one it names no SLA metric, since none of these is a reaction or resolution time.
 * A team's duty handover (./handover-notice.ts) is a notice too: about a team, not a contract; and
 * a support line's escalation to the next line (./escalation-notice.ts): about one issue, but no
 * SLA metric's warning or breach.
 */
import { z } from 'zod';
import { languageSchema } from '../../src/domain/language.js';
import { zoneSchema } from '../../src/domain/local-time.js';
import { dutyHandoverNoticeSchema } from './handover-notice.js';
import { lineEscalationNoticeSchema } from './escalation-notice.js';

const epochMs = z.number().int().nonnegative();

/** An issue the notice points to: the incident that is down, the obligation's own issue. */
const linkedIssueSchema = z.strictObject({
  source: z.string().min(1),
  /** The tracker's stable id, which threads the notice with the issue's SLA messages. */
  id: z.string().min(1),
  /** The tracker's name as people write it (`Jira`, `MantisBT`). */
  tracker: z.string().min(1),
  key: z.string().min(1),
  title: z.string(),
  url: z.url({ protocol: /^https?$/, error: 'the issue URL must be an http(s) URL' }).optional(),
});

const common = {
  /** Stable per what the notice tells (contract and end date; contract, month and share; obligation, period and check): receivers deduplicate on it. */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'the notice id must be 1-200 printable ASCII characters without spaces' }),
  language: languageSchema,
  customer: z.string().min(1),
  contract: z.string().min(1),
  /** The contract calendar's zone (the obligation's calendar's for an obligation). */
  zone: zoneSchema,
  firedAt: epochMs,
};

export const chatNoticeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('contract_term'),
    /** The last day of the term, inclusive, in the contract calendar's zone (YYYY-MM-DD). */
    validUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** Whole days from the day the warning went out to the end of the term. */
    daysLeft: z.number().int(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('downtime_budget'),
    /** YYYY-MM in the contract's zone. */
    month: z.string().regex(/^\d{4}-\d{2}$/),
    targetPercent: z.number().positive().max(100),
    /** The share of the month's budget left at which this warns: 0.5, or 0 (used up). */
    share: z.number().min(0).max(1),
    budgetMs: z.number().nonnegative(),
    /** Budget minus downtime when sent; negative once the target is missed. */
    remainingMs: z.number(),
    /** When the budget is (or was, or will be while the outage lasts) used up; the month's end when not this month. */
    exhaustedAt: epochMs,
    incident: linkedIssueSchema,
  }),
  z.strictObject({
    ...common,
    kind: z.literal('obligation'),
    /** `warning` ahead of the period's deadline, `deadline` when it passed undone. */
    check: z.enum(['warning', 'deadline']),
    obligation: z.strictObject({ id: z.string().min(1), title: z.string().min(1) }),
    /** The period's key, e.g. `2026-Q4`, `2026-12`, `2026-12-01`. */
    period: z.string().min(1),
    dueAt: epochMs,
    /** Business time of the obligation's calendar left until `dueAt`; negative when overdue. */
    remainingMs: z.number(),
    /** The contract's label for the warning's lead (`5d before`); absent for the overdue one. */
    lead: z.string().min(1).optional(),
    issue: linkedIssueSchema,
  }),
  dutyHandoverNoticeSchema,
  lineEscalationNoticeSchema,
]);
export type ChatNotice = z.infer<typeof chatNoticeSchema>;

/** How urgent a notice is, for the channels' colours and quiet hours: a used-up budget and an overdue obligation are breaches. */
export function noticeSeverity(notice: ChatNotice): 'warning' | 'breach' {
  if (notice.kind === 'downtime_budget') return notice.share === 0 ? 'breach' : 'warning';
  if (notice.kind === 'obligation') return notice.check === 'deadline' ? 'breach' : 'warning';
  // Sent where breaches go and held in quiet hours only where breaches are: the next line must act.
  if (notice.kind === 'line_escalation') return 'breach';
  return 'warning';
}

/** What the notice is threaded with where a chat system threads: the issue it points to, else the contract. */
export function noticeThread(notice: ChatNotice): { readonly source: string; readonly id: string } {
  if (notice.kind === 'downtime_budget') return { source: notice.incident.source, id: notice.incident.id };
  if (notice.kind === 'obligation' || notice.kind === 'line_escalation') return { source: notice.issue.source, id: notice.issue.id };
  if (notice.kind === 'duty_handover') return { source: 'team', id: notice.team };
  return { source: 'contract', id: notice.contract };
}

/** What logs call it: `contract_term ops 2027-06-30`, `downtime_budget ops 2026-12 50%`. */
export function noticeSubject(notice: ChatNotice): string {
  if (notice.kind === 'contract_term') return `${notice.kind} ${notice.contract} ${notice.validUntil}`;
  if (notice.kind === 'downtime_budget') return `${notice.kind} ${notice.contract} ${notice.month} ${Math.round(notice.share * 100)}%`;
  if (notice.kind === 'duty_handover') return `${notice.kind} ${notice.team} ${notice.personName}`;
  if (notice.kind === 'line_escalation') return `${notice.kind} ${notice.fromLine}→${notice.toLine} ${notice.after} ${notice.issue.key}`;
  return `${notice.kind} ${notice.check} ${notice.contract} ${notice.obligation.id} ${notice.period} ${notice.issue.key}`;
}
