/**
 * The parts of Gitea's webhook JSON the connector reads (go-gitea `modules/structs/hook.go`,
 * `issue.go`, `issue_comment.go`, `repo.go`, `user.go`). A field is required only when the bridge
 * reads it and every release from 1.10 on, Forgejo's included, writes it; test/fixtures/gitea/README.md
 * has the table. Objects are loose, so a newer server's extra fields are never refused. Which event
 * a body is comes from the X-Gitea-Event header, not from here: a push or release body must parse
 * too, to be ignored. Go marshals nil pointers and nil slices as `null`, hence the nullish fields.
 */
import { z } from 'zod';

/**
 * RFC 3339 with an offset, as Go's encoder writes a `time.Time`: `Z` or `+01:00`, fractional
 * seconds when there are any. A time without an offset is refused: read in the bridge's own zone it
 * would shift every clock.
 */
export const timestamp = z.iso.datetime({ offset: true });

/** Webhook payloads carry the no-reply placeholder e-mail (`login@noreply.<host>`), never the real one. */
export const userSchema = z.looseObject({
  login: z.string(),
  email: z.string().nullish(),
});

const labelSchema = z.looseObject({ name: z.string() });

export const giteaIssueSchema = z.looseObject({
  id: z.number().int().nullish(),
  number: z.number().int().positive(),
  title: z.string(),
  /** Missing before 1.11 (go-gitea/gitea#9654); `""` from 1.20 when the issue's repository is not loaded. */
  html_url: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  labels: z.array(labelSchema).nullish(),
  /** The first assignee, kept by Gitea for compatibility. */
  assignee: userSchema.nullish(),
  assignees: z.array(userSchema).nullish(),
  /** Who opened the issue (authorized contacts); the bridge does without, so nothing of it is required. */
  user: z.looseObject({ login: z.string().nullish(), email: z.string().nullish() }).nullish(),
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
  id: z.number().int().nullish(),
  body: z.string().nullish(),
  /** Always sent (a deleted account shows as Gitea's ghost user); without one it counts as a customer's. */
  user: userSchema.nullish(),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
});

export const giteaRepositorySchema = z.looseObject({
  full_name: z.string().min(1),
  name: z.string().nullish(),
  owner: z.looseObject({ login: z.string().nullish() }).nullish(),
  /** The base of the issue's link when the issue has no `html_url`. */
  html_url: z.string().nullish(),
});

export const giteaPayloadSchema = z
  .looseObject({
    action: z.string().nullish(),
    /** The issue index on `issues` events; `issue_comment` bodies carry it only in `issue.number`. */
    number: z.number().int().nullish(),
    issue: giteaIssueSchema.nullish(),
    comment: giteaCommentSchema.nullish(),
    repository: giteaRepositorySchema.nullish(),
    /** Who caused the event: an agent's change accepts an issue (authorized contacts). */
    sender: z.looseObject({ login: z.string().nullish(), email: z.string().nullish() }).nullish(),
    /** `{title|body|ref: {from}}` on `edited`. */
    changes: z.looseObject({}).nullish(),
    /** On `issue_comment` (1.11+): the comment is on a pull request. */
    is_pull: z.boolean().nullish(),
  })
  // Gitea 1.10 to 1.14 put the webhook's own secret into the body. It is dropped here, so that no
  // job, log line or error message downstream can ever carry it.
  .transform(({ secret: _secret, ...payload }) => payload);

export type GiteaPayload = z.output<typeof giteaPayloadSchema>;
export type GiteaIssue = z.output<typeof giteaIssueSchema>;
export type GiteaComment = z.output<typeof giteaCommentSchema>;
export type GiteaRepository = z.output<typeof giteaRepositorySchema>;
