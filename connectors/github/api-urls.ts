/**
 * Where a GitHub source's APIs are, from its `base_url`: the web address people use (github.com,
 * a GitHub Enterprise Server host, a GHE.com subdomain) or the REST base itself.
 *
 * - GitHub.com: REST `https://api.github.com`, GraphQL `https://api.github.com/graphql`.
 * - GitHub Enterprise Server: REST `https://HOST/api/v3`, GraphQL `https://HOST/api/graphql`.
 * - GitHub Enterprise Cloud with data residency: `https://api.SUBDOMAIN.ghe.com`, and `/graphql` there.
 */
import type { Source } from '../../src/config/source.js';

interface ApiUrls {
  readonly rest: string;
  readonly graphql: string;
  /** Where people see issues: the base of `https://github.com/owner/repo/issues/7`. */
  readonly web: string;
}

const GITHUB_COM = new Set(['github.com', 'www.github.com', 'api.github.com']);

export function githubApiUrls(source: Pick<Source, 'baseUrl'>): ApiUrls {
  const url = new URL(source.baseUrl);
  const host = url.host.toLowerCase();
  if (GITHUB_COM.has(host)) return { rest: 'https://api.github.com', graphql: 'https://api.github.com/graphql', web: 'https://github.com' };
  if (host.endsWith('.ghe.com')) {
    const web = host.replace(/^api\./, '');
    return { rest: `https://api.${web}`, graphql: `https://api.${web}/graphql`, web: `https://${web}` };
  }
  // An Enterprise Server: its web address, or its REST base given whole.
  const root = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/i, '')}`;
  return { rest: `${root}/api/v3`, graphql: `${root}/api/graphql`, web: root };
}

/** The headers of every REST and GraphQL call: a token (classic, fine-grained or an app's), and the API version the requests are written for. */
export function githubApiHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };
}

/** `owner/repo` as the parts of an API path. */
export const repoPath = (fullName: string): string => fullName.split('/').map(encodeURIComponent).join('/');
