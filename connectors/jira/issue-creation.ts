/**
 * Opening an obligation's issue in Jira: `POST /rest/api/2/issue` (Data Center) or `/rest/api/3/issue`
 * (Cloud, whose description is an Atlassian Document Format document) with `fields.project.key`,
 * `summary`, `issuetype.name` (default Task), `description` and `labels`; answered 201 with
 * `{ id, key, self }`. A re-run finds the issue by its marker among the project's issues created
 * since the period began (JQL, relative minutes as in reconciliation), reading the descriptions.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import { bodyWithMarker, type IssueCreation, type NewIssue } from '../issue-creation.js';
import type { IssueRef } from '../connector.js';
import { JSON_HEADERS } from '../shared/write-back-requests.js';
import { apiRoot, isJiraCloud, jiraRead, query } from './rest-api.js';
import { jiraAuthorization } from './write-back.js';

const PAGE_SIZE = 50;
const MAX_PAGES = 40;

const createdSchema = z.looseObject({ id: z.string().min(1), key: z.string().min(1) });
const searchSchema = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string(), key: z.string(), fields: z.looseObject({ summary: z.string().optional(), description: z.unknown().optional() }) })),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
  nextPageToken: z.string().nullish(),
});

/** Paragraphs of plain text, one per line, as the Atlassian Document Format has them. */
function adf(text: string): object {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n').filter((line) => line !== '').map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })),
  };
}

const jqlString = (text: string) => `"${text.replace(/["\\]/g, (char) => `\\${char}`)}"`;

const ref = (source: Source, issue: NewIssue, found: { id: string; key: string; fields?: { summary?: string | undefined } }): IssueRef => ({
  id: found.id,
  key: found.key,
  title: found.fields?.summary ?? issue.title,
  url: `${source.baseUrl}/browse/${found.key}`,
});

export const jiraIssueCreation: IssueCreation = {
  createRequest(source, issue) {
    const body = bodyWithMarker(issue);
    return {
      method: 'POST',
      url: `${apiRoot(source)}/issue`,
      headers: { Authorization: jiraAuthorization(source), ...JSON_HEADERS },
      body: {
        fields: {
          project: { key: issue.project },
          summary: issue.title,
          issuetype: { name: issue.issueType ?? 'Task' },
          description: isJiraCloud(source) ? adf(body) : body,
          ...(issue.labels.length > 0 ? { labels: [...issue.labels] } : {}),
        },
      },
      description: `jira ${source.id}: open "${issue.title}" in ${issue.project}`,
    };
  },
  createdIssue: (source, issue, data) => ref(source, issue, createdSchema.parse(data)),
  async findExisting(source, issue, read, now) {
    const cloud = isJiraCloud(source);
    const minutes = Math.max(1, Math.ceil((now - issue.notBefore) / 60_000) + 1);
    const jql = `project = ${jqlString(issue.project)} AND created >= "-${minutes}m" ORDER BY created ASC`;
    let nextPageToken: string | undefined;
    for (let page = 1, startAt = 0; page <= MAX_PAGES; page += 1) {
      const params = { jql, fields: 'summary,description', maxResults: PAGE_SIZE, ...(cloud ? { nextPageToken } : { startAt }) };
      const data = searchSchema.parse(
        await jiraRead(source, read, {
          url: `${apiRoot(source)}/${cloud ? 'search/jql' : 'search'}?${query(params)}`,
          description: `jira ${source.id}: issues of ${issue.project} created since the period began, page ${page}`,
        }),
      );
      // The marker is plain ASCII, so it reads the same in a wiki-markup string and inside an ADF document.
      const found = data.issues.find((candidate) => JSON.stringify(candidate.fields.description ?? '').includes(issue.marker));
      if (found) return ref(source, issue, found);
      startAt += data.issues.length;
      nextPageToken = data.nextPageToken ?? undefined;
      const last = cloud ? data.isLast === true || !nextPageToken : data.issues.length === 0 || (data.total !== undefined && startAt >= data.total);
      if (last || data.issues.length === 0) return undefined;
    }
    throw new Error(`jira ${source.id}: more than ${MAX_PAGES} pages of issues in ${issue.project} since the period began; cannot tell whether "${issue.title}" is open`);
  },
};
