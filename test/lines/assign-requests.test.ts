/**
 * What each tracker is sent to hand an issue to the next support line: method, path and body per
 * tracker API (MantisBT issues_rest.php PATCH with `handler`, Gitea and GitHub PATCH with
 * `assignees`, Jira PUT .../assignee with `name` on Server, `accountId` on Cloud, GitLab PUT of the
 * issue with `assignee_ids`, given the user id it was resolved to: test/lines/gitlab-assign-flow.test.ts).
 */
import { expect } from 'chai';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { Source } from '../../src/config/source.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../support/shipped-config.js';

const config = loadBridgeConfig(SHIPPED_CONFIG_DIR, { ...DEMO_SECRETS, MANTIS_API_TOKEN: 'm-token', GITEA_API_TOKEN: 'g-token', GITHUB_API_TOKEN: 'gh-token', JIRA_API_TOKEN: 'j-token', GITLAB_API_TOKEN: 'gl-token' });

describe('assigning an issue to the next support line, per tracker', () => {
  const cases: [kind: keyof typeof trackerConnectors, source: string, issue: { id: string; key: string }, expected: { method: string; path: string; body: unknown } | undefined, assignee?: string][] = [
    ['mantis', 'mantis-demo', { id: '42', key: '42' }, { method: 'PATCH', path: '/api/rest/issues/42', body: { handler: { name: 'ronald' } } }],
    ['gitea', 'gitea-demo', { id: 'open2bizz/odoo#7', key: 'open2bizz/odoo#7' }, { method: 'PATCH', path: '/api/v1/repos/open2bizz/odoo/issues/7', body: { assignees: ['ronald'] } }],
    ['github', 'github-demo', { id: 'acme/app#3', key: 'acme/app#3' }, { method: 'PATCH', path: '/repos/acme/app/issues/3', body: { assignees: ['ronald'] } }],
    ['gitlab', 'gitlab-demo', { id: 'acme/app#3', key: 'acme/app#3' }, { method: 'PUT', path: '/api/v4/projects/acme%2Fapp/issues/3', body: { assignee_ids: [21] } }, '21'],
  ];
  for (const [kind, sourceId, issue, expected, assignee = 'ronald'] of cases) {
    it(`${kind}: ${expected ? `${expected.method} ${expected.path}` : 'not supported'}`, () => {
      const source = config.sources.get(sourceId)!;
      expect(source, sourceId).to.not.equal(undefined);
      const assign = trackerConnectors[kind].assign;
      if (!expected) return expect(assign).to.equal(undefined);
      const [request, ...more] = assign!(source, issue, assignee);
      expect(more).to.have.length(0);
      const url = new URL(request!.url);
      expect({ method: request!.method, path: url.pathname, body: JSON.parse(String(request!.body)) }).to.deep.equal(expected);
      expect(request!.headers?.['Content-Type'] ?? request!.headers?.['content-type']).to.equal('application/json');
    });
  }

  it('jira: the user name on Server, the account id on Cloud (api.user set)', () => {
    const server: Source = { ...config.sources.get('jira-demo')!, apiUser: undefined, apiToken: 'pat' };
    const cloud: Source = { ...server, apiUser: 'bot@example.com' };
    const body = (source: Source) => JSON.parse(String(trackerConnectors.jira.assign!(source, { id: '10001', key: 'MB-1' }, 'ronald')[0]!.body));
    expect(body(server)).to.deep.equal({ name: 'ronald' });
    expect(body(cloud)).to.deep.equal({ accountId: 'ronald' });
    expect(new URL(trackerConnectors.jira.assign!(cloud, { id: '10001', key: 'MB-1' }, 'ronald')[0]!.url).pathname).to.equal('/rest/api/2/issue/10001/assignee');
  });
});
