/**
 * Opening an obligation's issue in GitHub: `POST /repos/{owner}/{repo}/issues` with `title`, `body`
 * and `labels` (names), answered 201 with the issue (`number`, `html_url`). A re-run finds it by its
 * marker among the repository's issues updated since the period began (`since`, pages by the
 * `Link` header), pull requests left out.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import { bodyWithMarker, type IssueCreation, type NewIssue } from '../issue-creation.js';
import { githubApiHeaders, githubApiUrls, repoPath } from './api-urls.js';
import { githubIssueRef } from './issue-ref.js';
import { nextPageUrl, pageRequest, repoIssuesRequest } from './reader-requests.js';
import { requireApiToken } from '../shared/write-back-requests.js';

const MAX_PAGES = 40;

const issueSchema = z.looseObject({ number: z.number().int().positive(), title: z.string(), body: z.string().nullish(), html_url: z.string().optional(), pull_request: z.unknown().optional() });

function repository(issue: NewIssue): string {
  if (!/^[^/\s]+\/[^/\s]+$/.test(issue.project)) throw new Error(`"${issue.project}" is not a GitHub repository (owner/repo)`);
  return issue.project;
}

const ref = (source: Source, issue: NewIssue, found: z.output<typeof issueSchema>): IssueRef =>
  githubIssueRef(source, { number: found.number, title: found.title, html_url: found.html_url }, repository(issue));

export const githubIssueCreation: IssueCreation = {
  createRequest(source, issue) {
    return {
      method: 'POST',
      url: `${githubApiUrls(source).rest}/repos/${repoPath(repository(issue))}/issues`,
      headers: { ...githubApiHeaders(requireApiToken(source)), 'Content-Type': 'application/json' },
      body: { title: issue.title, body: bodyWithMarker(issue), ...(issue.labels.length > 0 ? { labels: [...issue.labels] } : {}) },
      description: `github ${source.id}: open "${issue.title}" in ${issue.project}`,
    };
  },
  createdIssue: (source, issue, data) => ref(source, issue, issueSchema.parse(data)),
  async findExisting(source, issue, read) {
    const first = repoIssuesRequest(source, repository(issue), issue.notBefore);
    let request = first;
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const response = await read(request);
      const found = z.array(issueSchema).parse(response.data).find((candidate) => !candidate.pull_request && candidate.body?.includes(issue.marker));
      if (found) return ref(source, issue, found);
      const next = nextPageUrl(source, response.headers.link);
      if (!next) return undefined;
      request = pageRequest(first, next, page + 1);
    }
    throw new Error(`github ${source.id}: more than ${MAX_PAGES} pages of issues in ${issue.project} since the period began; cannot tell whether "${issue.title}" is open`);
  },
};
