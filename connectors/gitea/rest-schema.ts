/**
 * The parts of Gitea's REST answers the reader uses (go-gitea `modules/structs/issue.go` Issue and
 * RepositoryMeta, `modules/structs/issue_comment.go` TimelineComment, filled by
 * `services/convert/issue.go` and `services/convert/issue_comment.go`). Loose like the webhook
 * schema: only what is read is required.
 */
import { z } from 'zod';
import { giteaIssueSchema, timestamp, userSchema } from './payload-schema.js';

/**
 * An issue as `/repos/{owner}/{repo}/issues` and `/repos/issues/search` list it, which names
 * its repository itself (RepositoryMeta: `owner` is a plain login there, and
 * older servers leave it out, so the API path is taken from `full_name`).
 */
export const giteaListedIssueSchema = giteaIssueSchema.extend({
  repository: z.looseObject({
    full_name: z.string().regex(/^[^/]+\/[^/]+$/, { error: 'expected owner/name' }),
  }),
});
export type GiteaListedIssue = z.output<typeof giteaListedIssueSchema>;

/** Just enough of a listed issue to leave pull requests out before parsing it whole. */
export const pullRequestMarkerSchema = z.looseObject({ pull_request: z.unknown().optional() });

/**
 * `CommentType.String()` of models/issues/comment.go, by number: the TimelineComment struct first
 * carried the type as its number (`Type int64`), so an early server may send that instead.
 */
const COMMENT_TYPES = ['comment', 'reopen', 'close', 'issue_ref', 'commit_ref', 'comment_ref', 'pull_ref', 'label', 'milestone', 'assignees', 'change_title'];

const commentType = z.union([z.string(), z.number().int().transform((type) => COMMENT_TYPES[type] ?? `type ${type}`)]);

/**
 * One entry of `/repos/{owner}/{repo}/issues/{index}/timeline`: a comment or an event, in the
 * order they happened. A `label` entry is one label added (`body` "1") or removed (`body` ""),
 * named by its current name; `label` is null once the label itself was deleted. An `assignees`
 * entry is one user added or removed (`removed_assignee`).
 */
export const giteaTimelineEntrySchema = z.looseObject({
  id: z.number().int(),
  type: commentType,
  /** Deleted users come back as Gitea's ghost user; null is tolerated all the same. */
  user: userSchema.nullish(),
  body: z.string().nullish(),
  created_at: timestamp,
  label: z.looseObject({ name: z.string() }).nullish(),
  assignee: userSchema.nullish(),
  removed_assignee: z.boolean().nullish(),
  old_title: z.string().nullish(),
  new_title: z.string().nullish(),
});
export type GiteaTimelineEntry = z.output<typeof giteaTimelineEntrySchema>;

export const giteaTimelinePageSchema = z.array(giteaTimelineEntrySchema).nullable();
