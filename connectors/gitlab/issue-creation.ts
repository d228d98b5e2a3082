/**
 * Opening an obligation's issue in GitLab: `POST /projects/:id/issues` (the project's id or its
 * URL-encoded path) with `title`, `description` and `labels` (comma-separated names, created when
 * missing), answered 201 with the issue (`iid`, `web_url`). A re-run finds it by its marker among
 * the project's issues created since the period began (`created_after`), reading the descriptions.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import { bodyWithMarker, type IssueCreation, type NewIssue } from '../issue-creation.js';
import { gitlabIssueRef, encodedPath } from './issue-ref.js';
import { gitlabHeaders } from './write-back.js';
import { READ_PAGE_SIZE, iso } from './reader-requests.js';

const MAX_PAGES = 40;

const issueSchema = z.looseObject({ iid: z.number().int().positive(), title: z.string(), description: z.string().nullish(), web_url: z.string().nullish() });

const ref = (source: Source, issue: NewIssue, found: z.output<typeof issueSchema>): IssueRef => gitlabIssueRef(source, issue.project, { iid: found.iid, title: found.title, url: found.web_url });

const projectUrl = (source: Source, issue: NewIssue) => `${source.baseUrl}/api/v4/projects/${encodedPath(issue.project)}/issues`;

export const gitlabIssueCreation: IssueCreation = {
  createRequest(source, issue) {
    return {
      method: 'POST',
      url: projectUrl(source, issue),
      headers: gitlabHeaders(source),
      body: { title: issue.title, description: bodyWithMarker(issue), ...(issue.labels.length > 0 ? { labels: issue.labels.join(',') } : {}) },
      description: `gitlab ${source.id}: open "${issue.title}" in ${issue.project}`,
    };
  },
  createdIssue: (source, issue, data) => ref(source, issue, issueSchema.parse(data)),
  async findExisting(source, issue, read) {
    const { Accept, 'PRIVATE-TOKEN': token } = gitlabHeaders(source);
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ created_after: iso(issue.notBefore), order_by: 'created_at', sort: 'asc', per_page: String(READ_PAGE_SIZE), page: String(page) });
      const listed = z.array(issueSchema).parse(
        (await read({ url: `${projectUrl(source, issue)}?${query}`, headers: { 'PRIVATE-TOKEN': token!, Accept: Accept! }, description: `gitlab ${source.id}: issues of ${issue.project} created since the period began, page ${page}` })).data,
      );
      const found = listed.find((candidate) => candidate.description?.includes(issue.marker));
      if (found) return ref(source, issue, found);
      if (listed.length < READ_PAGE_SIZE) return undefined;
    }
    throw new Error(`gitlab ${source.id}: more than ${MAX_PAGES} pages of issues in ${issue.project} since the period began; cannot tell whether "${issue.title}" is open`);
  },
};
