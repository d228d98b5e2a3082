/**
 * What one SLA chat message says, independent of the chat system that carries it. The timer that
 * claims a notification fills this in; every chat channel renders it without further lookups, so a
 * message can be rebuilt (and retried) from this value alone.
 */
import { z } from 'zod';
import { languageSchema } from '../../src/domain/language.js';
import { zoneSchema } from '../../src/domain/local-time.js';
import { prioritySchema } from '../../src/domain/priority.js';
import { notificationKindSchema } from '../../src/domain/timer-plan.js';

const epochMsSchema = z.number().int().nonnegative();

export const slaNotificationSchema = z.strictObject({
  /**
   * Stable per (issue, metric, threshold), the same on every retry (the timer's claim id): receivers
   * deduplicate on it, so a retried delivery never becomes a second warning. It travels in an HTTP
   * header, hence printable ASCII.
   */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'the notification id must be 1-200 printable ASCII characters without spaces' }),
  kind: notificationKindSchema,
  /** The contract's label: `75%`, `2h before`, `breach`, `escalation 2`. */
  threshold: z.string().min(1),
  /**
   * Present when the notification went out more than a second after its instant. `skipped` names
   * the earlier thresholds that passed unsent and that this message stands for. `cause`: `down`
   * when the instant came before the bridge process that sent it started (no bridge ran, or it was
   * restarting), `behind` when that process ran but fell behind (many timers at one instant, Redis
   * slow or away). Absent in messages queued by bridges before it was recorded, which read as down.
   */
  late: z
    .strictObject({
      byMs: z.number().positive(),
      skipped: z.array(z.string().min(1)).optional(),
      cause: z.enum(['down', 'behind']).optional(),
    })
    .optional(),
  language: languageSchema,
  customer: z.string().min(1),
  contract: z.string().min(1),
  /** The source's tracker kind (`jira`, `gitlab`, ...), the tracker's name as people write it, and the source id. */
  tracker: z.strictObject({
    kind: z.string().min(1),
    /** Missing in messages queued by bridges before 0.2 (held for quiet hours, say): the kind stands in. */
    name: z.string().min(1).optional(),
    source: z.string().min(1),
  }),
  issue: z.strictObject({
    /**
     * The tracker's stable id (Jira issue id, Gitea `owner/repo#n`, Mantis bug id): threads stay
     * together when an issue is moved and its key changes.
     */
    id: z.string().min(1),
    key: z.string().min(1),
    title: z.string(),
    /** Only http(s): it becomes a clickable button in every chat system. */
    url: z.url({ protocol: /^https?$/, error: 'the issue URL must be an http(s) URL' }).optional(),
  }),
  priority: z.strictObject({ effective: prioritySchema, reason: z.string() }),
  /** A preset (`reaction`, ...) or a metric the contract defines by conditions. */
  metric: z.string().min(1),
  deadline: epochMsSchema,
  /** The contract calendar's zone: deadlines are shown in the customer's local time. */
  zone: zoneSchema,
  /** Business milliseconds left; negative when overdue. */
  remainingMs: z.number(),
  assignee: z.string().nullable(),
  /** Set when the contract lists its authorized contacts and the reporter is not one of them. */
  unlistedReporter: z.string().min(1).optional(),
  firedAt: epochMsSchema,
});

export type SlaNotification = z.infer<typeof slaNotificationSchema>;
