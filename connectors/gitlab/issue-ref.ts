import type { Source } from '../../src/config/source.js';
import type { IssueRef } from '../connector.js';

/**
 * `group/project#iid` is the id: it is how GitLab's REST API (`/projects/group%2Fproject/issues/iid`),
 * its references (`group/project#7`) and people name an issue. The numeric project id would
 * survive a rename, but payloads before GitLab 8.5 do not carry it; a moved project's issues start
 * anew under their new path, as with Gitea.
 */
export function gitlabIssueRef(source: Source, project: string, issue: { readonly iid: number; readonly title: string; readonly url?: string | null | undefined }, projectUrl?: string | null): IssueRef {
  const key = `${project}#${issue.iid}`;
  // Gitlab::UrlBuilder writes `<project web_url>/-/issues/<iid>`; older servers `/issues/<iid>`, which still redirects.
  const base = (projectUrl || `${source.baseUrl}/${project}`).replace(/\/+$/, '');
  return { id: key, key, title: issue.title, url: issue.url || `${base}/-/issues/${issue.iid}` };
}

export interface GitlabIssueAddress {
  readonly project: string;
  readonly iid: number;
}

/** The connector's issue id as the parts of an API path. */
export function gitlabIssueAddress(issue: IssueRef): GitlabIssueAddress {
  const match = /^(.+\/[^/#]+)#(\d+)$/.exec(issue.id);
  if (!match) throw new Error(`"${issue.id}" is not a GitLab issue id (group/project#iid)`);
  return { project: match[1]!, iid: Number(match[2]) };
}

/** A namespaced path as one URL segment, `acme%2Fsupport%2Fapp`, as the API takes it. */
export const encodedPath = (path: string): string => encodeURIComponent(path);
