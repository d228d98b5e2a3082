/**
 * The parts of GitLab's REST answers the reader uses (doc/api/issues.md, notes.md,
 * resource_label_events.md, resource_state_events.md; lib/api/entities). Loose, like the webhook
 * schema: only what is read is required. REST times are ISO 8601 (`2018-08-20T13:38:20.077Z`).
 */
import { z } from 'zod';
import { gitlabTimestamp } from './gitlab-time.js';
import { totalTimeSpentSchema } from './time-spent.js';

const restUser = z.looseObject({ username: z.string() });

/** An issue as `/projects/:id/issues`, `/groups/:id/issues` and `/issues` list it. */
export const gitlabListedIssueSchema = z.looseObject({
  iid: z.number().int().positive(),
  title: z.string(),
  state: z.string(),
  created_at: gitlabTimestamp,
  updated_at: gitlabTimestamp,
  closed_at: gitlabTimestamp.nullish(),
  /** Label names (without `with_labels_details`). */
  labels: z.array(z.string()).nullish(),
  assignees: z.array(restUser).nullish(),
  assignee: restUser.nullish(),
  /** `UNKNOWN` … `CRITICAL`. */
  severity: z.string().nullish(),
  /** `issue`, `incident`, `test_case`, `task` … */
  issue_type: z.string().nullish(),
  web_url: z.string().nullish(),
  /** `full` is `group/project#iid` (12.6+), the project path the listing does not otherwise name. */
  references: z.looseObject({ full: z.string().nullish() }).nullish(),
  /** doc/api/issues.md: `time_stats.total_time_spent`, seconds. */
  time_stats: z.looseObject({ total_time_spent: totalTimeSpentSchema }).nullish(),
});
export type GitlabListedIssue = z.output<typeof gitlabListedIssueSchema>;

export const gitlabRestNoteSchema = z.looseObject({
  id: z.number().int(),
  body: z.string().nullish(),
  author: z.looseObject({ username: z.string().nullish(), email: z.string().nullish() }).nullish(),
  created_at: gitlabTimestamp,
  system: z.boolean().nullish(),
  /** 15.0+; `confidential` is its older name. */
  internal: z.boolean().nullish(),
  confidential: z.boolean().nullish(),
});
export type GitlabRestNote = z.output<typeof gitlabRestNoteSchema>;

export const gitlabLabelEventSchema = z.looseObject({
  id: z.number().int(),
  user: restUser.nullish(),
  created_at: gitlabTimestamp,
  /** null once the label itself was deleted. */
  label: z.looseObject({ name: z.string() }).nullish(),
  action: z.enum(['add', 'remove']),
});
export type GitlabLabelEvent = z.output<typeof gitlabLabelEventSchema>;

export const gitlabStateEventSchema = z.looseObject({
  id: z.number().int(),
  user: restUser.nullish(),
  created_at: gitlabTimestamp,
  /** `closed`, `reopened` (ResourceStateEvent's states; the creation is not an event). */
  state: z.string(),
});
export type GitlabStateEvent = z.output<typeof gitlabStateEventSchema>;
