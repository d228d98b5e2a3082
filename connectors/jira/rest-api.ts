/**
 * Which Jira REST API a source speaks. The credentials tell: a Cloud API token goes with the
 * account's e-mail (`api.user`), a Data Center personal access token alone. Cloud retired
 * `/rest/api/3/search` in 2025 for `search/jql`; Data Center only has `/rest/api/2/search`.
 */
import type { Source } from '../../src/config/source.js';
import type { ReadRequest, TrackerRead } from '../connector.js';
import { jiraAuthorization } from './write-back.js';

export const isJiraCloud = (source: Source) => source.apiUser !== undefined;

export const apiRoot = (source: Source) => `${source.baseUrl}/rest/api/${isJiraCloud(source) ? 3 : 2}`;

/** A read with the source's credentials; the data is checked by the caller's schema. */
export async function jiraRead(source: Source, read: TrackerRead, request: Omit<ReadRequest, 'headers'>): Promise<unknown> {
  const headers = { Authorization: jiraAuthorization(source), Accept: 'application/json' };
  return (await read({ ...request, headers })).data;
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  return search.toString();
}
