/**
 * The parts of GitHub's webhook JSON the connector reads (docs.github.com "Webhook events and
 * payloads": issues, issue_comment, ping; octokit/webhooks payload-schemas). Required is only what
 * the bridge cannot act without and every GitHub.com and Enterprise Server release sends: the
 * issue's number and times, the comment's time, the repository's name. The docs' own examples leave
 * out more than one would think (the `pinned` example has no `state` and no `labels`; payloads
 * before 2017 have no `author_association`), so everything else may be missing or null. Objects are
 * loose: new fields (`type`, `sub_issues_summary`, …) pass through unread. Which event a body is
 * comes from X-GitHub-Event, so a push or ping body parses too, to be ignored.
 */
import { z } from 'zod';

/** ISO 8601 with an offset; GitHub writes UTC with `Z`. A time without one is refused: read in the bridge's own zone it would shift every clock. */
export const timestamp = z.iso.datetime({ offset: true });

export const userSchema = z.looseObject({ login: z.string() });

const labelSchema = z.looseObject({ name: z.string() });

export const githubIssueSchema = z.looseObject({
  number: z.number().int().positive(),
  title: z.string().nullish(),
  html_url: z.string().nullish(),
  /** Node id (`I_kw…`), which the GraphQL API addresses the issue by. */
  node_id: z.string().nullish(),
  state: z.enum(['open', 'closed']).nullish(),
  /** `completed`, `not_planned`, `duplicate`, `reopened` or null (2022 on); any closing resolves. */
  state_reason: z.string().nullish(),
  labels: z.array(labelSchema).nullish(),
  /** The first assignee, kept for compatibility with `assignees`. */
  assignee: userSchema.nullish(),
  assignees: z.array(userSchema).nullish(),
  /** Who opened the issue (authorized contacts); the bridge does without, so nothing of it is required. */
  user: z.looseObject({ login: z.string().nullish() }).nullish(),
  created_at: timestamp,
  /** Bumped by every change of the issue (labels, assignees, state, comments). */
  updated_at: timestamp,
  closed_at: timestamp.nullish(),
  author_association: z.string().nullish(),
  /** Present (a link object) when the "issue" is a pull request. */
  pull_request: z.looseObject({}).nullish(),
});

export const githubCommentSchema = z.looseObject({
  id: z.number().int().nullish(),
  user: userSchema.nullish(),
  /** The text, read for the sign-off keywords and the `/spent 1h30m` convention (src/domain/spent-note.ts), never kept; anything but a string is no text. */
  body: z.unknown().optional().transform((body) => (typeof body === 'string' ? body : undefined)),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  /** The author's relation to the repository (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE…); 2017 on. */
  author_association: z.string().nullish(),
});

export const githubRepositorySchema = z.looseObject({
  full_name: z.string().regex(/^[^/]+\/[^/]+$/, { error: 'expected owner/name' }),
  html_url: z.string().nullish(),
});

export const githubPayloadSchema = z.looseObject({
  action: z.string().nullish(),
  issue: githubIssueSchema.nullish(),
  comment: githubCommentSchema.nullish(),
  repository: githubRepositorySchema.nullish(),
  /** Who caused the event: an agent's change accepts an issue (authorized contacts). */
  sender: z.looseObject({ login: z.string().nullish() }).nullish(),
  /** `labeled`/`unlabeled`: the label added or removed. */
  label: z.looseObject({}).nullish(),
  /** `assigned`/`unassigned`: the user added or removed. */
  assignee: z.looseObject({}).nullish(),
  /** `edited` (title, body), `transferred` (new_issue, new_repository), `opened` after a transfer (old_issue). */
  changes: z.looseObject({ body: z.looseObject({ from: z.string().nullish() }).nullish() }).nullish(),
  /** `ping`: the hook that was created or tested. */
  hook_id: z.number().int().nullish(),
  hook: z.looseObject({ events: z.array(z.string()).nullish() }).nullish(),
});

export type GithubPayload = z.output<typeof githubPayloadSchema>;
export type GithubIssue = z.output<typeof githubIssueSchema>;
export type GithubComment = z.output<typeof githubCommentSchema>;
export type GithubRepository = z.output<typeof githubRepositorySchema>;
