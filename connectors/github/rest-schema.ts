/**
 * The parts of GitHub's REST answers the reader uses: an issue as `GET /repos/{owner}/{repo}/issues`
 * lists it (the webhook's issue object, which names its repository only by `repository_url`), and
 * the entries of `GET /repos/{owner}/{repo}/issues/{n}/timeline`. Loose like the webhook schema.
 */
import { z } from 'zod';
import { githubIssueSchema, timestamp, userSchema } from './payload-schema.js';

/** `https://api.github.com/repos/owner/name` (or `…/api/v3/repos/…` on a server): the owner/name at its end. */
const REPOSITORY_URL = /\/repos\/([^/]+)\/([^/]+)\/?$/;

export const githubListedIssueSchema = githubIssueSchema.extend({
  repository_url: z.string().regex(REPOSITORY_URL, { error: 'expected the API URL of a repository (…/repos/owner/name)' }),
});
export type GithubListedIssue = z.output<typeof githubListedIssueSchema>;

export function listedRepository(issue: GithubListedIssue): string {
  const match = REPOSITORY_URL.exec(issue.repository_url)!;
  return `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
}

/** Just enough of a listed issue to leave pull requests out before parsing it whole. */
export const pullRequestMarkerSchema = z.looseObject({ pull_request: z.unknown().optional() });

/**
 * One timeline entry: an issue event (`labeled`, `unlabeled`, `assigned`, `unassigned`, `closed`,
 * `reopened`, `renamed`, `milestoned`, `cross-referenced`, …) with its `actor`, or a comment
 * (`event: "commented"`) with its `user` and `author_association`. A `labeled` entry names the
 * label as it was then; `cross-referenced` entries have no id.
 */
export const githubTimelineEntrySchema = z.looseObject({
  id: z.number().int().nullish(),
  event: z.string(),
  created_at: timestamp.nullish(),
  actor: userSchema.nullish(),
  user: userSchema.nullish(),
  author_association: z.string().nullish(),
  label: z.looseObject({ name: z.string() }).nullish(),
  assignee: userSchema.nullish(),
  rename: z.looseObject({ from: z.string().nullish(), to: z.string().nullish() }).nullish(),
  /** A comment's text, read for the `/spent` convention only (src/domain/spent-note.ts), never kept. */
  body: z.string().nullish(),
  updated_at: timestamp.nullish(),
});
export type GithubTimelineEntry = z.output<typeof githubTimelineEntrySchema>;

export const githubTimelinePageSchema = z.array(githubTimelineEntrySchema);
