/**
 * The REST reads of reconciliation (go-gitea routers/api/v1/repo/issue.go ListIssues and
 * SearchIssues, routers/api/v1/repo/issue_comment.go ListIssueCommentsAndTimeline). Every one
 * pages with `page` (1-based) and `limit`, which the server caps at its MAX_RESPONSE_ITEMS
 * (50 unless the admin changed it).
 */
import type { Source } from '../../src/config/source.js';
import type { ReadRequest } from '../connector.js';

export const READ_PAGE_SIZE = 50;

/** The token goes in the `Authorization: token …` form every Gitea and Forgejo accepts. */
function readHeaders(source: Source): Record<string, string> {
  if (!source.apiToken) {
    throw new Error(`${source.kind} ${source.id}: reconciliation reads issues through the ${source.kind} API, which needs api.token; none is set`);
  }
  return { Authorization: `token ${source.apiToken}`, Accept: 'application/json' };
}

/** Gitea parses `since` with Go's time.RFC3339; whole seconds, and rounding down only widens the window. */
export const rfc3339 = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const api = (source: Source) => `${source.baseUrl}/api/v1`;

const repoPath = (fullName: string) => fullName.split('/').map(encodeURIComponent).join('/');

/** `since` filters on the update time (issue.updated_unix >= since); `type=issues` leaves pull requests out. */
function changedQuery(since: number, page: number): string {
  return new URLSearchParams({ state: 'all', type: 'issues', since: rfc3339(since), page: String(page), limit: String(READ_PAGE_SIZE) }).toString();
}

/** One repository's issues updated since `since`. */
export function repoIssuesRequest(source: Source, repository: string, since: number, page: number): ReadRequest {
  return {
    url: `${api(source)}/repos/${repoPath(repository)}/issues?${changedQuery(since, page)}`,
    headers: readHeaders(source),
    description: `${source.kind} ${source.id}: issues of ${repository} updated since ${rfc3339(since)}, page ${page}`,
  };
}

/** The issues updated since `since` in every repository the token can read (public ones included). */
export function searchIssuesRequest(source: Source, since: number, page: number): ReadRequest {
  return {
    url: `${api(source)}/repos/issues/search?${changedQuery(since, page)}`,
    headers: readHeaders(source),
    description: `${source.kind} ${source.id}: issues updated since ${rfc3339(since)}, page ${page}`,
  };
}

/** One page of an issue's comments and events, oldest first. */
export function timelineRequest(source: Source, repository: string, index: number, page: number): ReadRequest {
  const query = new URLSearchParams({ page: String(page), limit: String(READ_PAGE_SIZE) }).toString();
  return {
    url: `${api(source)}/repos/${repoPath(repository)}/issues/${index}/timeline?${query}`,
    headers: readHeaders(source),
    description: `${source.kind} ${source.id}: timeline of ${repository}#${index}, page ${page}`,
  };
}

/** One page of an issue's tracked times (routers/api/v1/repo/issue_tracked_time.go ListTrackedTimes). */
export function trackedTimesRequest(source: Source, repository: string, index: number, page: number): ReadRequest {
  const query = new URLSearchParams({ page: String(page), limit: String(READ_PAGE_SIZE) }).toString();
  return {
    url: `${api(source)}/repos/${repoPath(repository)}/issues/${index}/times?${query}`,
    headers: readHeaders(source),
    description: `${source.kind} ${source.id}: tracked times of ${repository}#${index}, page ${page}`,
  };
}
