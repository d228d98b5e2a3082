/**
 * What a webhook's issue shows: the project it is in, its labels, state, assignee and type. Old
 * payloads show less (no `project` before 8.5, no labels in 2016's, never assignee names in a Note
 * Hook); what a payload does not show is undefined here, never guessed.
 */
import type { Source } from '../../src/config/source.js';
import type { GitlabState, IssueFacts } from './fact-events.js';
import { gitlabInstant } from './gitlab-time.js';
import type { GitlabIssue, GitlabProject, GitlabUser } from './payload-schema.js';

export const epochMs = gitlabInstant;

/** The issue's project path: `project.path_with_namespace`, or before 8.5 the path of `repository.homepage` under the base URL. */
export function projectPath(source: Source, project: GitlabProject | null | undefined, homepage: string | null | undefined): string | undefined {
  if (project?.path_with_namespace) return project.path_with_namespace;
  if (!homepage) return undefined;
  const base = source.baseUrl.replace(/\/+$/, '');
  if (!homepage.startsWith(`${base}/`)) return undefined;
  const path = homepage.slice(base.length + 1).replace(/\/+$/, '');
  return /^[^/]+(\/[^/]+)+$/.test(path) ? path : undefined;
}

export const stateOf = (issue: GitlabIssue): GitlabState => (issue.state === 'closed' || (issue.state == null && issue.state_id === 2) ? 'closed' : 'opened');

/** The labels the payload shows now: in the issue's attributes (newer) or at the top of an Issue Hook. */
export function shownLabels(issue: GitlabIssue, topLevel?: readonly { readonly title: string }[] | null): string[] | undefined {
  const labels = issue.labels ?? topLevel;
  return labels ? labels.map((label) => label.title) : undefined;
}

export function factsOf(issue: GitlabIssue, labels: readonly string[] | undefined): IssueFacts {
  return { labels: labels ?? [], state: stateOf(issue), severity: issue.severity };
}

/**
 * The first assignee by username; null when the payload says there is none; undefined when it
 * names none (a Note Hook's issue lists assignee ids only).
 */
export function shownAssignee(issue: GitlabIssue, assignees?: readonly GitlabUser[] | null, assignee?: GitlabUser | null): string | null | undefined {
  const named = assignees?.[0]?.username ?? assignee?.username;
  if (named) return named;
  if (issue.assignee_ids) return issue.assignee_ids.length === 0 ? null : undefined;
  return issue.assignee_id === null ? null : undefined;
}

/** Work item types the SLA covers: issues (Service Desk ones included), incidents and tickets; older payloads have no type. */
const COVERED_TYPES = new Set(['issue', 'incident', 'ticket']);

export const isCoveredType = (type: string | null | undefined): boolean => type == null || COVERED_TYPES.has(type.toLowerCase());
