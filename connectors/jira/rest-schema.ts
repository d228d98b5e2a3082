/**
 * What reconciliation reads from Jira's REST API (Cloud `/rest/api/3`, Data Center `/rest/api/2`):
 * search pages, and issues with their changelog and comments. The issue itself is the webhook's
 * issue shape; the changelog histories carry the items webhooks carry, plus when and by whom.
 */
import { z } from 'zod';
import { changelogItemSchema, jiraCommentSchema, jiraDateTime, jiraIssueSchema, jiraWorklogSchema } from './payload-schema.js';

export const jiraHistorySchema = z.looseObject({
  id: z.string(),
  created: jiraDateTime,
  items: z.array(changelogItemSchema),
});
export type JiraHistory = z.output<typeof jiraHistorySchema>;

export const jiraRestCommentSchema = jiraCommentSchema.extend({ created: jiraDateTime });
export type JiraRestComment = z.output<typeof jiraRestCommentSchema>;

/** `total` above the histories or comments given: the rest is read page by page. */
export const jiraRestIssueSchema = jiraIssueSchema.extend({
  fields: jiraIssueSchema.shape.fields.extend({
    created: jiraDateTime,
    comment: z.looseObject({ comments: z.array(jiraRestCommentSchema), total: z.number().int().optional() }).optional(),
    /** The issue's first worklogs (20 on Cloud); `total` above them: the rest from `/issue/{id}/worklog`. */
    worklog: z.looseObject({ worklogs: z.array(jiraWorklogSchema), total: z.number().int().optional() }).nullish(),
  }),
  changelog: z.looseObject({ histories: z.array(jiraHistorySchema), total: z.number().int().optional() }).optional(),
});
export type JiraRestIssue = z.output<typeof jiraRestIssueSchema>;

/** Cloud's `search/jql` pages by token; Data Center's `search` by `startAt` with a `total`. */
export const jiraSearchPageSchema = z.looseObject({
  issues: z.array(z.unknown()).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
  startAt: z.number().int().optional(),
  total: z.number().int().optional(),
});

/** Cloud `GET /issue/{id}/changelog`: `values`; Data Center pages nothing (the issue carries it all). */
export const jiraChangelogPageSchema = z.looseObject({
  values: z.array(jiraHistorySchema),
  isLast: z.boolean().optional(),
  total: z.number().int().optional(),
});

/** `GET /issue/{id}/worklog`: `worklogs` by `startAt`, with a `total`. */
export const jiraWorklogPageSchema = z.looseObject({
  worklogs: z.array(jiraWorklogSchema),
  total: z.number().int().optional(),
});

export const jiraCommentPageSchema = z.looseObject({
  comments: z.array(jiraRestCommentSchema),
  total: z.number().int().optional(),
});
