/** The issues a Jira source changed since an instant, page by page, through JQL search. */
import type { Source } from '../../src/config/source.js';
import type { ChangedIssuesPage, TrackerRead } from '../connector.js';
import { apiRoot, isJiraCloud, jiraRead, query } from './rest-api.js';
import { jiraSearchPageSchema } from './rest-schema.js';

const PAGE_SIZE = 50;
// Everything normalize reads: the configured priority and environment fields may be custom fields.
const FIELDS = '*navigable,comment,worklog';

/**
 * JQL's absolute dates are read in the searching user's time zone, which the bridge cannot know;
 * a relative `-N m` is unambiguous. One minute more, so that rounding never loses an issue.
 */
export function updatedSinceJql(since: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((now - since) / 60_000) + 1);
  return `updated >= "-${minutes}m" ORDER BY updated ASC`;
}

async function approximateCount(source: Source, read: TrackerRead, jql: string): Promise<number | undefined> {
  try {
    const data = (await jiraRead(source, read, {
      method: 'POST',
      url: `${apiRoot(source)}/search/approximate-count`,
      body: { jql },
      description: `jira ${source.id}: count of issues updated`,
    })) as { count?: unknown };
    return typeof data.count === 'number' ? data.count : undefined;
  } catch {
    // Only the progress bar needs it.
    return undefined;
  }
}

export async function* changedJiraIssues(source: Source, since: number, read: TrackerRead, now = Date.now()): AsyncGenerator<ChangedIssuesPage> {
  const jql = updatedSinceJql(since, now);
  const cloud = isJiraCloud(source);
  let total = cloud ? await approximateCount(source, read, jql) : undefined;
  let nextPageToken: string | undefined;
  for (let page = 1, startAt = 0; ; page += 1) {
    const params = { jql, fields: FIELDS, expand: 'changelog', maxResults: PAGE_SIZE, ...(cloud ? { nextPageToken } : { startAt }) };
    const data = jiraSearchPageSchema.parse(
      await jiraRead(source, read, {
        url: `${apiRoot(source)}/${cloud ? 'search/jql' : 'search'}?${query(params)}`,
        description: `jira ${source.id}: issues updated since ${new Date(since).toISOString()}, page ${page}`,
      }),
    );
    total = data.total ?? total;
    yield { issues: data.issues, total };
    startAt += data.issues.length;
    nextPageToken = data.nextPageToken ?? undefined;
    const last = cloud ? data.isLast === true || !nextPageToken : data.issues.length === 0 || (data.total !== undefined && startAt >= data.total);
    if (last || data.issues.length === 0) return;
  }
}
