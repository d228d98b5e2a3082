/**
 * Opening an obligation's issue in Gitea/Forgejo: `POST /repos/{owner}/{repo}/issues` with a
 * CreateIssueOption (`title`, `body`; labels would need their ids, so none are set), answered 201
 * with the Issue (`number`, `html_url`). A re-run finds the issue by its marker among the
 * repository's issues updated since the period began (`since` filters on the update time, and an
 * issue is updated when it is created).
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import { bodyWithMarker, type IssueCreation, type NewIssue } from '../issue-creation.js';
import type { IssueRef } from '../connector.js';
import { JSON_HEADERS, requireApiToken } from '../shared/write-back-requests.js';
import { READ_PAGE_SIZE, repoIssuesRequest } from './reader-requests.js';

/** Reading more than this many pages of one period's issues means something else is wrong. */
const MAX_PAGES = 40;

const createdSchema = z.looseObject({ number: z.number().int().positive(), title: z.string(), html_url: z.string().optional() });
const listedSchema = z.array(z.looseObject({ number: z.number().int().positive(), title: z.string(), body: z.string().nullish(), html_url: z.string().optional() }));

function repository(issue: NewIssue): { readonly owner: string; readonly repo: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(issue.project);
  if (!match) throw new Error(`"${issue.project}" is not a Gitea repository (owner/repo)`);
  return { owner: match[1]!, repo: match[2]! };
}

const ref = (source: Source, issue: NewIssue, found: { number: number; title: string; html_url?: string | undefined }): IssueRef => {
  const key = `${issue.project}#${found.number}`;
  return { id: key, key, title: found.title, url: found.html_url || `${source.baseUrl}/${issue.project}/issues/${found.number}` };
};

export const giteaIssueCreation: IssueCreation = {
  createRequest(source, issue) {
    const { owner, repo } = repository(issue);
    return {
      method: 'POST',
      url: `${source.baseUrl}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`,
      headers: { Authorization: `token ${requireApiToken(source)}`, ...JSON_HEADERS },
      body: { title: issue.title, body: bodyWithMarker(issue) },
      description: `${source.kind} ${source.id}: open "${issue.title}" in ${issue.project}`,
    };
  },
  createdIssue: (source, issue, data) => ref(source, issue, createdSchema.parse(data)),
  async findExisting(source, issue, read) {
    repository(issue);
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const listed = listedSchema.parse((await read(repoIssuesRequest(source, issue.project, issue.notBefore, page))).data);
      const found = listed.find((candidate) => candidate.body?.includes(issue.marker));
      if (found) return ref(source, issue, found);
      if (listed.length < READ_PAGE_SIZE) return undefined;
    }
    throw new Error(`${source.kind} ${source.id}: more than ${MAX_PAGES} pages of issues in ${issue.project} since the period began; cannot tell whether "${issue.title}" is open`);
  },
};
