/**
 * The issues updated since a time, page by page: per configured repository, or through the
 * cross-repository search (every repository the token can read, which on a signed-in search
 * includes every public repository of the instance).
 */
import type { Source } from '../../src/config/source.js';
import type { ChangedIssuesPage, ReadRequest, TrackerRead } from '../connector.js';
import { READ_PAGE_SIZE, repoIssuesRequest, searchIssuesRequest } from './reader-requests.js';
import { pullRequestMarkerSchema } from './rest-schema.js';
import { giteaSettings } from './source-settings.js';

/** 50,000 issues per listing: past it the server is taken to ignore `page`. */
const MAX_LIST_PAGES = 1_000;

type Listing = (page: number) => ReadRequest;

interface ListedPage {
  readonly items: readonly unknown[];
  readonly total: number | undefined;
}

const isPullRequest = (item: unknown): boolean => {
  const marker = pullRequestMarkerSchema.safeParse(item);
  return marker.success && marker.data.pull_request != null;
};

async function readPage(read: TrackerRead, request: ReadRequest): Promise<ListedPage> {
  const { data, headers } = await read(request);
  if (data !== null && !Array.isArray(data)) throw new Error(`${request.description}: expected a list of issues, got ${typeof data}`);
  const count = headers['x-total-count']?.trim();
  return { items: data ?? [], total: count && /^\d+$/.test(count) ? Number(count) : undefined };
}

/**
 * The last page is an empty one, or the one that reaches X-Total-Count, or (without that header)
 * a short one. Counting against the total keeps a server whose MAX_RESPONSE_ITEMS is below the
 * asked `limit` from ending the listing after its first, "short", page.
 */
const isLast = (page: ListedPage, listedSoFar: number): boolean =>
  page.items.length === 0 || (page.total !== undefined ? listedSoFar >= page.total : page.items.length < READ_PAGE_SIZE);

const issuesOf = (page: ListedPage): unknown[] => page.items.filter((item) => !isPullRequest(item));

export async function* giteaChangedIssues(source: Source, since: number, read: TrackerRead): AsyncGenerator<ChangedIssuesPage> {
  const listings: Listing[] =
    giteaSettings(source).repositories.length > 0
      ? giteaSettings(source).repositories.map((repository) => (page: number) => repoIssuesRequest(source, repository, since, page))
      : [(page: number) => searchIssuesRequest(source, since, page)];
  // Every listing's first page before any is handed on, so that the total is known from the start.
  const firstPages: ListedPage[] = [];
  for (const listing of listings) firstPages.push(await readPage(read, listing(1)));
  const total = firstPages.every((page) => page.total !== undefined) ? firstPages.reduce((sum, page) => sum + page.total!, 0) : undefined;

  for (const [index, listing] of listings.entries()) {
    let page = firstPages[index]!;
    let listedSoFar = page.items.length;
    for (let number = 1; ; ) {
      const issues = issuesOf(page);
      if (issues.length > 0) yield { issues, total };
      if (isLast(page, listedSoFar)) break;
      number += 1;
      if (number > MAX_LIST_PAGES) throw new Error(`${listing(number).description}: more than ${MAX_LIST_PAGES} pages; stopped`);
      page = await readPage(read, listing(number));
      listedSoFar += page.items.length;
    }
  }
}
