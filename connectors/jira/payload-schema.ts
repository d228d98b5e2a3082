/**
 * The parts of a Jira webhook body the bridge reads, under Jira's own field names. Every object is
 * loose: Jira sends far more (custom fields, avatars, apps' additions), and a field we do not read
 * must never turn a delivery into a 400, which Jira Cloud does not retry.
 */
import { z } from 'zod';
import { issueIdOfCommentSelf } from './comment-self.js';
import { parseJiraDateTime } from './jira-date-time.js';

/**
 * A field the bridge can do without: missing, or `null` as Jira's serializer writes an empty value
 * (Jira Server leaves out or nulls fields Cloud always fills). Either way it reads as absent.
 */
const absent = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/** Jira's `2026-11-30T09:00:00.000+0100`, read as epoch ms. */
export const jiraDateTime = z.string().transform((text, ctx) => {
  const instant = parseJiraDateTime(text);
  if (instant === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a Jira date-time such as 2026-11-30T09:00:00.000+0100` });
    return z.NEVER;
  }
  return instant;
});

/**
 * Reads a JSON object through a prototype-less copy. Changelog items have a `toString` key, and
 * zod reads keys with `in`: an item without one would otherwise find Object.prototype.toString.
 */
const ownKeysOnly = (input: unknown) =>
  input !== null && typeof input === 'object' && !Array.isArray(input) ? Object.assign(Object.create(null) as object, input) : input;

/**
 * Cloud identifies people by accountId; Data Center by name. Email only where the site shows it.
 * Only these are read, so the rest (avatars, time zone, account type) is dropped unread: a loose
 * object would check and copy each of those keys on every delivery, and a payload has several people.
 */
const jiraUserSchema = z.object({
  accountId: absent(z.string()),
  name: absent(z.string()),
  displayName: absent(z.string()),
  emailAddress: absent(z.string()),
});
export type JiraUser = z.output<typeof jiraUserSchema>;

const namedSchema = z.looseObject({ name: z.string() });

/**
 * `created`, `project` and `status` are optional here because a Cloud `comment_created` carries a
 * trimmed issue (summary, issuetype, project, assignee, priority, status); the payload schema
 * requires them for the issue events.
 */
const issueFieldsSchema = z.looseObject({
  summary: absent(z.string()),
  created: absent(jiraDateTime),
  priority: namedSchema.nullable().optional(),
  status: absent(z.looseObject({ name: z.string().min(1) })),
  project: absent(z.looseObject({ key: z.string().min(1) })),
  components: absent(z.array(namedSchema)),
  labels: absent(z.array(z.string())),
  assignee: jiraUserSchema.nullable().optional(),
  /** Who reported the issue (authorized contacts). */
  reporter: jiraUserSchema.nullable().optional(),
  resolutiondate: jiraDateTime.nullable().optional(),
  environment: z.string().nullable().optional(),
});
export type JiraIssueFields = z.output<typeof issueFieldsSchema>;

export const jiraIssueSchema = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
  fields: issueFieldsSchema,
});
export type JiraIssue = z.output<typeof jiraIssueSchema>;

/** `from`/`to` are ids (an accountId, a status id), the `…String` twins what people see. */
export const changelogItemSchema = z.preprocess(
  ownKeysOnly,
  z.looseObject({
    field: z.string(),
    fieldId: absent(z.string()),
    from: z.string().nullable().default(null),
    fromString: z.string().nullable().default(null),
    to: z.string().nullable().default(null),
    toString: z.string().nullable().default(null),
  }),
);
export type JiraChangelogItem = z.output<typeof changelogItemSchema>;

export const jiraCommentSchema = z.looseObject({
  id: absent(z.string()),
  /** `…/rest/api/2/issue/10013/comment/10001`: names the issue when the payload has no `issue` (Jira Server). */
  self: absent(z.string()),
  author: absent(jiraUserSchema),
  /** The text: a customer's note may sign off a resolution; anything but a string (an ADF document) is no text. */
  body: z.unknown().optional().transform((body) => (typeof body === 'string' ? body : undefined)),
  /** Jira Service Management: false for an internal note, which the customer never sees. */
  jsdPublic: absent(z.boolean()),
  /** Set when the comment is restricted to a role or group. */
  visibility: z.looseObject({ type: z.string() }).nullable().optional(),
});
export type JiraComment = z.output<typeof jiraCommentSchema>;

const worklogAuthorSchema = z.object({ accountId: absent(z.string()), name: absent(z.string()), displayName: absent(z.string()) });

/** A worklog as webhooks and the REST API show it (./worklog-events.ts). */
export const jiraWorklogSchema = z.looseObject({
  id: z.string().min(1),
  issueId: absent(z.string().min(1)),
  author: absent(worklogAuthorSchema),
  updated: absent(jiraDateTime),
  created: absent(jiraDateTime),
  timeSpentSeconds: absent(z.number().int().nonnegative()),
});
export type JiraWorklog = z.output<typeof jiraWorklogSchema>;

export const WORKLOG_EVENTS = ['worklog_created', 'worklog_updated', 'worklog_deleted'] as const;

const ISSUE_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted'] as const;
const isIssueEvent = (event: string) => (ISSUE_EVENTS as readonly string[]).includes(event);

/** Events outside these (worklogs, versions, comment edits...) parse with their envelope only. */
export const jiraPayloadSchema = z
  .looseObject({
    /** When Jira raised the event, epoch ms; kept unchanged on retries. */
    timestamp: z.number().int(),
    webhookEvent: z.string().min(1),
    /** Finer than webhookEvent: `issue_commented`, `issue_assigned`, `issue_generic`... */
    issue_event_type_name: absent(z.string()),
    issue: absent(jiraIssueSchema),
    changelog: z.looseObject({ items: z.array(changelogItemSchema) }).nullable().optional(),
    comment: absent(jiraCommentSchema),
    /** worklog_created/updated/deleted: ./worklog-events.ts. */
    worklog: absent(jiraWorklogSchema),
    /** Who caused the event: an agent's status change accepts an issue (authorized contacts). */
    user: absent(jiraUserSchema),
  })
  .superRefine((payload, ctx) => {
    const missing = (path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', path, message: `a ${payload.webhookEvent} payload needs ${path.join('.')}` });
    if (payload.webhookEvent === 'comment_created' && !payload.comment) missing(['comment']);
    // Without an issue, comment.self is the only way to know which issue the comment is on.
    if (payload.webhookEvent === 'comment_created' && payload.comment && !payload.issue && issueIdOfCommentSelf(payload.comment.self) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['comment', 'self'],
        message: 'a comment_created payload without issue needs comment.self naming it (…/rest/api/2/issue/<id>/comment/<id>)',
      });
    }
    if ((WORKLOG_EVENTS as readonly string[]).includes(payload.webhookEvent)) {
      if (!payload.worklog) return missing(['worklog']);
      if (!payload.worklog.issueId) return missing(['worklog', 'issueId']);
      if (payload.webhookEvent !== 'worklog_deleted' && payload.worklog.timeSpentSeconds === undefined) return missing(['worklog', 'timeSpentSeconds']);
    }
    if (!isIssueEvent(payload.webhookEvent)) return;
    if (!payload.issue) return missing(['issue']);
    for (const field of ['created', 'project', 'status'] as const) {
      if (payload.issue.fields[field] === undefined) missing(['issue', 'fields', field]);
    }
  });
export type JiraPayload = z.output<typeof jiraPayloadSchema>;
