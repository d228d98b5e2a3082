/**
 * Opening an obligation's issue in MantisBT: `POST /api/rest/issues` with `summary`, `description`,
 * `category.name` (default General) and `project` (`id` when the obligation names a number, else
 * `name`), answered 201 with `{ issue: { id, ... } }`. A re-run finds it by its marker: the issue
 * list has no filter by time, but comes newest change first, so it is read until a page holds
 * only issues last changed before the period began (a project is filtered by `project_id`, a
 * numeric project only).
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';
import { bodyWithMarker, type IssueCreation, type NewIssue } from '../issue-creation.js';
import { JSON_HEADERS } from '../shared/write-back-requests.js';
import { mantisAuthorization } from './write-back.js';

const PAGE_SIZE = 50;
const MAX_PAGES = 40;

const issueSchema = z.looseObject({ id: z.number().int().positive(), summary: z.string(), description: z.string().nullish(), updated_at: z.string().optional() });

const projectOf = (issue: NewIssue) => (/^\d+$/.test(issue.project) ? { id: Number(issue.project) } : { name: issue.project });

const ref = (source: Source, found: { id: number; summary: string }): IssueRef => ({ id: String(found.id), key: String(found.id), title: found.summary, url: `${source.baseUrl}/view.php?id=${found.id}` });

export const mantisIssueCreation: IssueCreation = {
  createRequest(source, issue) {
    return {
      method: 'POST',
      url: `${source.baseUrl}/api/rest/issues`,
      headers: { Authorization: mantisAuthorization(source), ...JSON_HEADERS },
      body: { summary: issue.title, description: bodyWithMarker(issue), category: { name: issue.issueType ?? 'General' }, project: projectOf(issue) },
      description: `mantis ${source.id}: open "${issue.title}" in ${issue.project}`,
    };
  },
  createdIssue: (source, _issue, data) => ref(source, z.looseObject({ issue: issueSchema }).parse(data).issue),
  async findExisting(source, issue, read) {
    const project = projectOf(issue);
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ page_size: String(PAGE_SIZE), page: String(page), ...('id' in project ? { project_id: String(project.id) } : {}) });
      const listed = z.looseObject({ issues: z.array(issueSchema) }).parse(
        (await read({ url: `${source.baseUrl}/api/rest/issues?${query}`, headers: { Authorization: mantisAuthorization(source), Accept: 'application/json' }, description: `mantis ${source.id}: issues, page ${page}` })).data,
      ).issues;
      const found = listed.find((candidate) => candidate.description?.includes(issue.marker));
      if (found) return ref(source, found);
      const allOlder = listed.every((candidate) => candidate.updated_at !== undefined && Date.parse(candidate.updated_at) < issue.notBefore);
      if (listed.length < PAGE_SIZE || allOlder) return undefined;
    }
    throw new Error(`mantis ${source.id}: more than ${MAX_PAGES} pages of issues changed since the period began; cannot tell whether "${issue.title}" is open`);
  },
};
