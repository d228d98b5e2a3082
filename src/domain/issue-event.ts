import { z } from 'zod';
import { reporterSchema } from './contacts-rule.js';
import { prioritySchema } from './priority.js';

/**
 * The normalized issue events every tracker connector produces. `at` is the event's own time in
 * epoch ms, as the tracker reports it, never the time it arrived; except that an event stamped
 * after its arrival (a tracker clock ahead of the bridge's) is taken as happening on arrival, with
 * the tracker's stamp kept in `stampedAt` (clock-skew.ts).
 */
const at = z.number().int();
const stampedAt = z.number().int().optional();

export const issueEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('created'),
    at,
    stampedAt,
    project: z.string().min(1),
    component: z.string().min(1).optional(),
    labels: z.array(z.string()).default([]),
    environment: z.string().nullable().default(null),
    priority: prioritySchema,
    status: z.string().min(1),
    /** The tracker's status is one the source marks as pausing (e.g. "Waiting for customer"). */
    paused: z.boolean().default(false),
    title: z.string().optional(),
    assignee: z.string().nullable().default(null),
    /**
     * Built from the issue's current fields when the bridge first hears of it mid-life (installed
     * later, or the creation webhook was lost): a real created event wins over it.
     */
    synthetic: z.boolean().default(false),
    /** Who reported the issue, when the delivery says (absent in events stored before). */
    reporter: reporterSchema.optional(),
    /** The assignee at creation is an agent: an agent accepted the issue as it was created. */
    toAgent: z.boolean().optional(),
    /** The source's watched custom fields at creation, by the name the source gives them (`fields:`). */
    fields: z.record(z.string(), z.string().nullable()).optional(),
  }),
  z.object({ type: z.literal('priority_changed'), at, stampedAt, priority: prioritySchema }),
  /** `byAgent`: the change was made by an agent, which accepts the issue (authorized contacts). */
  z.object({ type: z.literal('status_changed'), at, stampedAt, status: z.string().min(1), paused: z.boolean().default(false), byAgent: z.boolean().optional() }),
  /**
   * `author` and `keywords` (the contracts' sign-off keywords the text holds, lower-cased) for a
   * customer's sign-off by note; absent where the delivery did not say.
   */
  z.object({
    type: z.literal('commented'),
    at,
    stampedAt,
    by: z.enum(['agent', 'customer']),
    public: z.boolean().default(true),
    author: reporterSchema.optional(),
    keywords: z.array(z.string().min(1)).optional(),
  }),
  /** `toAgent`: the assignee is an agent, which accepts the issue (authorized contacts). */
  z.object({ type: z.literal('assigned'), at, stampedAt, assignee: z.string().nullable(), toAgent: z.boolean().optional() }),
  z.object({ type: z.literal('resolved'), at, stampedAt, status: z.string().min(1).optional() }),
  z.object({ type: z.literal('reopened'), at, stampedAt, status: z.string().min(1).optional() }),
  z.object({ type: z.literal('moved'), at, stampedAt, project: z.string().min(1), component: z.string().min(1).optional() }),
  z.object({ type: z.literal('deleted'), at, stampedAt }),
  z.object({ type: z.literal('environment_changed'), at, stampedAt, environment: z.string().nullable() }),
  z.object({ type: z.literal('labels_changed'), at, stampedAt, labels: z.array(z.string()) }),
  /**
   * A custom field the source watches (`fields:` of a Jira or MantisBT source) took a new value, as
   * text: a select's option, a date as the tracker writes it (field-instant.ts reads it), several
   * values joined by `|`; null when cleared. `field` is the source's name for it, not the tracker's.
   */
  z.object({ type: z.literal('field_changed'), at, stampedAt, field: z.string().min(1), value: z.string().nullable() }),
  /**
   * Time booked on the issue (a Jira worklog, a MantisBT note's time tracking, a Gitea tracked
   * time, GitLab's time spent): the latest event per `recordId` is what stands, 0 s takes it back
   * (time-record.ts). The SLA clock ignores it; the hours card reads it.
   */
  z.object({
    type: z.literal('time_logged'),
    at,
    stampedAt,
    recordId: z.string().min(1),
    seconds: z.number().int().nonnegative(),
    author: z.string().nullable().default(null),
  }),
  /**
   * The issue as a delivery showed it at `at`: tracker events carry the issue's current fields,
   * and where they differ from what the log says by then, that change happened unseen (MantisBT
   * moves an issue out of `feedback` before it announces the reporter's note; a webhook got lost).
   * The clock takes such a difference as the change, at this instant. A field the delivery did not
   * show is absent (a trimmed Jira Cloud comment payload has no labels), never a guess.
   */
  z.object({
    type: z.literal('observed'),
    at,
    stampedAt,
    status: z.string().min(1).optional(),
    /** With `status`: whether that status pauses the clocks. */
    paused: z.boolean().optional(),
    resolved: z.boolean().optional(),
    priority: prioritySchema.optional(),
    assignee: z.string().nullable().optional(),
  }),
]);

export type IssueEvent = z.output<typeof issueEventSchema>;
export type IssueEventInput = z.input<typeof issueEventSchema>;
export type IssueEventType = IssueEvent['type'];

/**
 * Events in the order the clock applies them: by their own time, then by the tracker's stamp
 * (events taken as happening on arrival keep the order they were stamped in), then in arrival order.
 */
export function inEventOrder<E extends { readonly at: number; readonly stampedAt?: number | undefined }>(events: readonly E[]): E[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at - b.event.at || (a.event.stampedAt ?? a.event.at) - (b.event.stampedAt ?? b.event.at) || a.index - b.index)
    .map(({ event }) => event);
}
