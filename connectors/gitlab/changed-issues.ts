/**
 * The issues updated since a time: per configured project and group (a group's include its
 * subgroups'), or every issue the token's user can see (`/issues?scope=all`; on gitlab.com name
 * the projects or groups instead). Work item types the SLA does not cover are left out, and an
 * issue listed by two listings (a project inside a listed group) is handed on once.
 */
import type { Source } from '../../src/config/source.js';
import type { ChangedIssuesPage, TrackerRead } from '../connector.js';
import { isCoveredType } from './issue-facts.js';
import { pagedRead } from './paged-read.js';
import { changedIssuesRequest, type IssueListing } from './reader-requests.js';
import { gitlabSettings } from './source-settings.js';

function listingsOf(source: Source): IssueListing[] {
  const { projects, groups } = gitlabSettings(source);
  const listings: IssueListing[] = [...projects.map((path) => ({ kind: 'project' as const, path })), ...groups.map((path) => ({ kind: 'group' as const, path }))];
  return listings.length > 0 ? listings : [{ kind: 'all' }];
}

const itemType = (item: unknown): string | null | undefined => (item !== null && typeof item === 'object' ? ((item as { issue_type?: string | null }).issue_type ?? null) : undefined);
const itemKey = (item: unknown): string | undefined => {
  if (item === null || typeof item !== 'object') return undefined;
  const { id, web_url: webUrl } = item as { id?: unknown; web_url?: unknown };
  return typeof id === 'number' ? `id:${id}` : typeof webUrl === 'string' ? webUrl : undefined;
};

export async function* gitlabChangedIssues(source: Source, since: number, read: TrackerRead): AsyncGenerator<ChangedIssuesPage> {
  const seen = new Set<string>();
  for (const listing of listingsOf(source)) {
    for await (const page of pagedRead(read, (number) => changedIssuesRequest(source, listing, since, number))) {
      const issues = page.filter((item) => {
        if (!isCoveredType(itemType(item))) return false;
        const key = itemKey(item);
        if (key === undefined) return true;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (issues.length > 0) yield { issues };
    }
  }
}
