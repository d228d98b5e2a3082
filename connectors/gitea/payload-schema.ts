/**
 * The parts of Gitea's webhook JSON the connector reads (go-gitea `modules/structs/hook.go`,
 * `issue.go`, `issue_comment.go`, `user.go`). Objects are loose and only what is read is required,
 * so a newer Gitea or Forgejo with extra fields is never refused. Which event a body is comes from
 * the X-Gitea-Event header, not from here: a push or release body must parse too, to be ignored.
 * Go marshals nil pointers and nil slices as `null`, hence the nullish fields.
 */
import { z } from 'zod';

/** RFC 3339 with the server's offset, e.g. `2026-11-26T09:12:44+01:00`. */
export const timestamp = z.iso.datetime({ offset: true });

/** Webhook payloads carry the no-reply placeholder e-mail (`login@noreply.<host>`), never the real one. */
export const userSchema = z.looseObject({
  login: z.string(),
  email: z.string().nullish(),
});

const labelSchema = z.looseObject({ name: z.string() });

export const giteaIssueSchema = z.looseObject({
  id: z.number().int(),
  number: z.number().int().positive(),
  title: z.string(),
  html_url: z.string(),
  state: z.enum(['open', 'closed']),
  labels: z.array(labelSchema).nullish(),
  /** The first assignee, kept by Gitea for compatibility. */
  assignee: userSchema.nullish(),
  assignees: z.array(userSchema).nullish(),
  created_at: timestamp,
  /** Every timeline change (label, assignee, close, reopen, comment) bumps it. */
  updated_at: timestamp,
  /** Set while closed; reopening clears it. */
  closed_at: timestamp.nullish(),
  /** The deadline (RFC 3339, 23:59:59 of its day), null for none: write-back owns it. */
  due_date: z.string().nullish(),
  /** Present (non-null) when the "issue" is a pull request. */
  pull_request: z.looseObject({}).nullish(),
});

export const giteaCommentSchema = z.looseObject({
  id: z.number().int(),
  body: z.string(),
  user: userSchema,
  created_at: timestamp,
  updated_at: timestamp,
});

export const giteaRepositorySchema = z.looseObject({
  full_name: z.string().min(1),
  name: z.string(),
  owner: z.looseObject({ login: z.string() }),
});

export const giteaPayloadSchema = z.looseObject({
  action: z.string().nullish(),
  /** The issue index on `issues` events; `issue_comment` bodies carry it only in `issue.number`. */
  number: z.number().int().nullish(),
  issue: giteaIssueSchema.nullish(),
  comment: giteaCommentSchema.nullish(),
  repository: giteaRepositorySchema.nullish(),
  sender: userSchema.nullish(),
  /** `{title|body|ref: {from}}` on `edited`. */
  changes: z.looseObject({}).nullish(),
  /** On `issue_comment`: the comment is on a pull request. */
  is_pull: z.boolean().nullish(),
});

export type GiteaPayload = z.output<typeof giteaPayloadSchema>;
export type GiteaIssue = z.output<typeof giteaIssueSchema>;
export type GiteaComment = z.output<typeof giteaCommentSchema>;
export type GiteaRepository = z.output<typeof giteaRepositorySchema>;
