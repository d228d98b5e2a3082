/**
 * The REST reads of reconciliation. Both listings page with `per_page` (at most 100) and answer the
 * next page's address in the `Link` header (`rel="next"`), which is followed as given, on the
 * API's own origin only (the token goes with it).
 */
import type { Source } from '../../src/config/source.js';
import type { ReadRequest } from '../connector.js';
import { githubApiHeaders, githubApiUrls, repoPath } from './api-urls.js';

export const READ_PAGE_SIZE = 100;

function readHeaders(source: Source): Record<string, string> {
  if (!source.apiToken) throw new Error(`${source.kind} ${source.id}: reconciliation reads issues through the GitHub API, which needs api.token; none is set`);
  return githubApiHeaders(source.apiToken);
}

/** `since` is ISO 8601; whole seconds, rounding down only widens the window. */
export const isoSeconds = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * One repository's issues (and pull requests, which the listing includes) updated at or after
 * `since`, open and closed.
 */
export function repoIssuesRequest(source: Source, repository: string, since: number): ReadRequest {
  const query = new URLSearchParams({ state: 'all', since: isoSeconds(since), per_page: String(READ_PAGE_SIZE) }).toString();
  return {
    url: `${githubApiUrls(source).rest}/repos/${repoPath(repository)}/issues?${query}`,
    headers: readHeaders(source),
    description: `${source.kind} ${source.id}: issues of ${repository} updated since ${isoSeconds(since)}`,
  };
}

/** An issue's events and comments, oldest first. */
export function timelineRequest(source: Source, repository: string, number: number): ReadRequest {
  return {
    url: `${githubApiUrls(source).rest}/repos/${repoPath(repository)}/issues/${number}/timeline?per_page=${READ_PAGE_SIZE}`,
    headers: readHeaders(source),
    description: `${source.kind} ${source.id}: timeline of ${repository}#${number}`,
  };
}

/** The `rel="next"` address of a Link header, when it is on the API's origin. */
export function nextPageUrl(source: Source, link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (!match || !/\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/.test(match[2]!)) continue;
    const next = new URL(match[1]!, githubApiUrls(source).rest);
    if (next.origin !== new URL(githubApiUrls(source).rest).origin) throw new Error(`${source.kind} ${source.id}: the next page is on another host (${next.origin}); not followed`);
    return next.toString();
  }
  return undefined;
}

/** The read of a page found in a Link header, described like the first one. */
export const pageRequest = (first: ReadRequest, url: string, page: number): ReadRequest => ({ ...first, url, description: `${first.description}, page ${page}` });
