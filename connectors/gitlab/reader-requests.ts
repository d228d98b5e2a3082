/**
 * The REST reads of reconciliation (lib/api/issues.rb, notes.rb, resource_label_events.rb,
 * resource_state_events.rb). Every one pages with `page` and `per_page` (at most 100) and says
 * the next page in `X-Next-Page`, empty on the last one.
 */
import type { Source } from '../../src/config/source.js';
import type { ReadRequest } from '../connector.js';
import { encodedPath } from './issue-ref.js';

export const READ_PAGE_SIZE = 100;

/** `PRIVATE-TOKEN` takes personal, project and group access tokens alike. */
function readHeaders(source: Source): Record<string, string> {
  if (!source.apiToken) throw new Error(`gitlab ${source.id}: reconciliation reads issues through the GitLab API, which needs api.token; none is set`);
  return { 'PRIVATE-TOKEN': source.apiToken, Accept: 'application/json' };
}

/** Whole seconds; rounding down only widens the window. */
export const iso = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const api = (source: Source) => `${source.baseUrl}/api/v4`;

export type IssueListing = { readonly kind: 'project' | 'group'; readonly path: string } | { readonly kind: 'all' };

/**
 * Issues updated at or after `since`, oldest change first. `scope=all`: `/issues` would otherwise
 * list only the token user's own issues.
 */
export function changedIssuesRequest(source: Source, listing: IssueListing, since: number, page: number): ReadRequest {
  const query = new URLSearchParams({ scope: 'all', updated_after: iso(since), order_by: 'updated_at', sort: 'asc', per_page: String(READ_PAGE_SIZE), page: String(page) }).toString();
  const where = listing.kind === 'all' ? '' : `/${listing.kind === 'project' ? 'projects' : 'groups'}/${encodedPath(listing.path)}`;
  const what = listing.kind === 'all' ? 'issues' : `issues of ${listing.kind} ${listing.path}`;
  return {
    url: `${api(source)}${where}/issues?${query}`,
    headers: readHeaders(source),
    description: `gitlab ${source.id}: ${what} updated since ${iso(since)}, page ${page}`,
  };
}

export type IssueRecord = 'notes' | 'resource_label_events' | 'resource_state_events';

/** One page of an issue's notes (oldest first) or resource events. */
export function issueRecordRequest(source: Source, project: string, iid: number, record: IssueRecord, page: number): ReadRequest {
  const params: Record<string, string> = record === 'notes' ? { sort: 'asc', order_by: 'created_at' } : {};
  const query = new URLSearchParams({ ...params, per_page: String(READ_PAGE_SIZE), page: String(page) }).toString();
  return {
    url: `${api(source)}/projects/${encodedPath(project)}/issues/${iid}/${record}?${query}`,
    headers: readHeaders(source),
    description: `gitlab ${source.id}: ${record.replaceAll('_', ' ')} of ${project}#${iid}, page ${page}`,
  };
}
