/**
 * The issues updated since a time, page by page, per configured repository: GitHub has no listing by
 * update time across repositories that every kind of token may use, so a GitHub source names the
 * repositories to reconcile (`reconcile.repositories`). The listing includes pull requests, which
 * are left out here.
 */
import type { Source } from '../../src/config/source.js';
import type { ChangedIssuesPage, ReadRequest, TrackerRead } from '../connector.js';
import { nextPageUrl, pageRequest, repoIssuesRequest } from './reader-requests.js';
import { pullRequestMarkerSchema } from './rest-schema.js';
import { githubSettings } from './source-settings.js';

/** 100,000 issues per repository: past it the server is taken to loop. */
const MAX_LIST_PAGES = 1_000;

const isPullRequest = (item: unknown): boolean => {
  const marker = pullRequestMarkerSchema.safeParse(item);
  return marker.success && marker.data.pull_request != null;
};

async function readPage(read: TrackerRead, request: ReadRequest): Promise<{ items: unknown[]; link: string | undefined }> {
  const { data, headers } = await read(request);
  if (!Array.isArray(data)) throw new Error(`${request.description}: expected a list of issues, got ${data === null ? 'null' : typeof data}`);
  return { items: data, link: headers.link };
}

export async function* githubChangedIssues(source: Source, since: number, read: TrackerRead): AsyncGenerator<ChangedIssuesPage> {
  const { repositories } = githubSettings(source);
  if (repositories.length === 0) {
    throw new Error(`${source.kind} ${source.id}: set reconcile.repositories to the repositories (owner/name) to reconcile; GitHub has no search by update time across them`);
  }
  for (const repository of repositories) {
    const first = repoIssuesRequest(source, repository, since);
    let page = await readPage(read, first);
    for (let number = 1; ; ) {
      const issues = page.items.filter((item) => !isPullRequest(item));
      if (issues.length > 0) yield { issues };
      const next = nextPageUrl(source, page.link);
      if (!next || page.items.length === 0) break;
      number += 1;
      if (number > MAX_LIST_PAGES) throw new Error(`${first.description}: more than ${MAX_LIST_PAGES} pages; stopped`);
      page = await readPage(read, pageRequest(first, next, number));
    }
  }
}
