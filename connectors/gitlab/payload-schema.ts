/**
 * The parts of GitLab's Issue Hook and Note Hook bodies the connector reads (gitlab-org/gitlab
 * `lib/gitlab/hook_data/issuable_builder.rb`, `issue_builder.rb`, `note_builder.rb`,
 * `lib/gitlab/data_builder/note.rb`). A field is required only when the bridge cannot act without
 * it and every GitLab release writes it; test/fixtures/gitlab/README.md has the table. Objects are
 * loose, so newer fields pass unread. Which schema applies is told by `object_kind` (`issue`,
 * `work_item` for incidents, tasks and the other work item types since 17.2, `note`); any other
 * body (a push, a merge request, a pipeline) parses as it is, to be ignored by normalize.
 */
import { z } from 'zod';
import { totalTimeSpentSchema } from './time-spent.js';
import { gitlabTimestamp } from './gitlab-time.js';

/** Webhook users carry `username` (names the user), `name`, and in newer bodies `email` ("[REDACTED]" unless public). */
export const gitlabUserSchema = z.looseObject({
  username: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
});

/** Webhook labels are named by `title`; the REST API names them `name`. */
const labelSchema = z.looseObject({ title: z.string() });

/** `project` came with GitLab 8.5; `repository` (deprecated since) is all older servers send. */
export const gitlabProjectSchema = z.looseObject({
  id: z.number().int().nullish(),
  path_with_namespace: z.string().min(1).nullish(),
  web_url: z.string().nullish(),
});

const repositorySchema = z.looseObject({ homepage: z.string().nullish() });

/** An issue's attributes, as the Issue Hook's `object_attributes` and the Note Hook's `issue`. */
export const gitlabIssueSchema = z.looseObject({
  id: z.number().int().nullish(),
  iid: z.number().int().positive(),
  title: z.string(),
  /** `opened` or `closed`, in every recording (the Note Hook's `issue` included). */
  state: z.string().nullish(),
  /** 1 opened, 2 closed: the database column, in the 2023 and later recordings. */
  state_id: z.number().int().nullish(),
  created_at: gitlabTimestamp,
  /** Every save bumps it, label and assignee changes included (`IssuableBaseService#update_timestamp?`). */
  updated_at: gitlabTimestamp,
  closed_at: gitlabTimestamp.nullish(),
  /** The day only, `2026-11-30`; null for none. Write-back owns it. */
  due_date: z.string().nullish(),
  confidential: z.boolean().nullish(),
  /** In `object_attributes` and the Note Hook's `issue` in the 2023 and later recordings; older Issue Hooks list them only at the top level, 2016's nowhere. */
  labels: z.array(labelSchema).nullish(),
  /** Ids only: the Note Hook's `issue` never names its assignees. */
  assignee_ids: z.array(z.number().int()).nullish(),
  assignee_id: z.number().int().nullish(),
  /** `unknown`, `low`, `medium`, `high`, `critical`; only an incident's is ever set. */
  severity: z.string().nullish(),
  /** The work item type, `Issue`, `Incident`, `Task` … (17.2+). */
  type: z.string().nullish(),
  url: z.string().nullish(),
  /** `open`, `close`, `reopen`, `update` (Issue Hook only). */
  action: z.string().nullish(),
  /** Seconds booked on the issue in all (./time-spent.ts). */
  total_time_spent: totalTimeSpentSchema,
});

/** `{ previous, current }` of one changed attribute or relation. */
const changeOf = <T extends z.ZodType>(value: T) => z.looseObject({ previous: value.nullish(), current: value.nullish() });

export const gitlabChangesSchema = z.looseObject({
  labels: changeOf(z.array(labelSchema)).nullish(),
  assignees: changeOf(z.array(gitlabUserSchema)).nullish(),
  updated_at: changeOf(gitlabTimestamp).nullish(),
  severity: changeOf(z.string()).nullish(),
  due_date: changeOf(z.string()).nullish(),
  total_time_spent: changeOf(z.number()).nullish(),
});

export const gitlabIssueHookSchema = z.looseObject({
  object_kind: z.enum(['issue', 'work_item']),
  /** `issue`, `confidential_issue`, `work_item` … (not yet in the 2017 recordings). */
  event_type: z.string().nullish(),
  user: gitlabUserSchema.nullish(),
  project: gitlabProjectSchema.nullish(),
  repository: repositorySchema.nullish(),
  object_attributes: gitlabIssueSchema,
  /** The labels as they are now; in older bodies the only place they are listed. */
  labels: z.array(labelSchema).nullish(),
  /** Sent only while the issue has assignees (IssuableBuilder); 2016 bodies have one `assignee`. */
  assignees: z.array(gitlabUserSchema).nullish(),
  assignee: gitlabUserSchema.nullish(),
  /** What this update changed (not in 2016 bodies); a relation appears only when it changed. */
  changes: gitlabChangesSchema.nullish(),
});

export const gitlabNoteSchema = z.looseObject({
  id: z.number().int().nullish(),
  note: z.string().nullish(),
  /** `Issue`, `MergeRequest`, `Commit`, `Snippet` … */
  noteable_type: z.string(),
  created_at: gitlabTimestamp,
  /** A system note (a label or state change written as a note); GitLab sends no hook for those. */
  system: z.boolean().nullish(),
  /** `create` or `update` (16.11+, which also sends edits); absent before: always a new comment. */
  action: z.string().nullish(),
  /** Not in any release's hook attributes so far; read in case one adds them. */
  internal: z.boolean().nullish(),
  confidential: z.boolean().nullish(),
  url: z.string().nullish(),
});

export const gitlabNoteHookSchema = z.looseObject({
  object_kind: z.literal('note'),
  /** `note`, or `confidential_note` for an internal note or any note on a confidential issue. */
  event_type: z.string().nullish(),
  /** The note's author. */
  user: gitlabUserSchema.nullish(),
  project: gitlabProjectSchema.nullish(),
  repository: repositorySchema.nullish(),
  object_attributes: gitlabNoteSchema,
  /** Present when the note is on an issue. */
  issue: gitlabIssueSchema.nullish(),
});

const otherHookSchema = z.looseObject({ object_kind: z.string().nullish() });

export type GitlabIssueHook = z.output<typeof gitlabIssueHookSchema>;
export type GitlabNoteHook = z.output<typeof gitlabNoteHookSchema>;
export type GitlabOtherHook = z.output<typeof otherHookSchema> & { readonly object_kind?: string | null };
export type GitlabPayload = GitlabIssueHook | GitlabNoteHook | GitlabOtherHook;
export type GitlabIssue = z.output<typeof gitlabIssueSchema>;
export type GitlabUser = z.output<typeof gitlabUserSchema>;
export type GitlabProject = z.output<typeof gitlabProjectSchema>;

function schemaFor(kind: unknown): z.ZodType {
  if (kind === 'issue' || kind === 'work_item') return gitlabIssueHookSchema;
  if (kind === 'note') return gitlabNoteHookSchema;
  return otherHookSchema;
}

/**
 * Picks the schema by `object_kind` and reports that schema's own problems with their paths
 * (a plain union would only say "invalid input").
 */
export const gitlabPayloadSchema: z.ZodType<GitlabPayload> = z.unknown().transform((input, ctx): GitlabPayload => {
  const kind = input !== null && typeof input === 'object' ? (input as { object_kind?: unknown }).object_kind : undefined;
  const result = schemaFor(kind).safeParse(input);
  if (result.success) return result.data as GitlabPayload;
  for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0] & object);
  return z.NEVER;
});

export const isIssueHook = (payload: GitlabPayload): payload is GitlabIssueHook => payload.object_kind === 'issue' || payload.object_kind === 'work_item';
export const isNoteHook = (payload: GitlabPayload): payload is GitlabNoteHook => payload.object_kind === 'note';
