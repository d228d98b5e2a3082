/**
 * Each tracker's create call and its search for an issue opened before, sent through the bridge's
 * outbound HTTP client to nock at the tracker's host. The answers are the trackers' own REST
 * fixtures (test/fixtures/<kind>/rest/, with their provenance in each folder's README), with the
 * number and text of the new issue; Jira's create answer is `{ id, key, self }` (Atlassian's
 * "JIRA REST API Example - Create Issue"), MantisBT's `{ issue }` (api/rest/restcore/issues_rest.php,
 * rest_issue_add, MantisBT 2.28.4).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { trackerConnectors } from '../../connectors/registry.js';
import type { IssueRef } from '../../connectors/connector.js';
import type { NewIssue } from '../../connectors/issue-creation.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { trackerRead } from '../../src/app/jobs/reconcile.js';
import type { Source } from '../../src/config/source.js';
import { interceptHttp } from '../support/http-interception.js';
import { writeConfig } from '../support/temp-config.js';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const MARKER = 'sla-bridge-obligation:ops/maintenance/2027-Q1';
const NOW = Date.parse('2027-02-01T10:00:00Z');
const PERIOD_START = Date.parse('2026-12-31T23:00:00Z');

function sourceOf(kind: string, base: string, extra = ''): Source {
  const dir = writeConfig({
    'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    [`sources/${kind}-ops.yaml`]: `kind: ${kind}\nbase_url: ${base}\nwebhook: { secrets: [s] }\napi: { token: ops-token${extra} }\npriority: { field: labels, map: {}, default: P4 }\nstatuses: { resolved: [closed] }\n`,
    'contracts/ops.yaml': `customer: Ops\ncalendar: round\ncovers: [{ source: ${kind}-ops, project: x }]\npolicies: { reaction: 4h }\n`,
  });
  return loadBridgeConfig(dir, {}).sources.get(`${kind}-ops`)!;
}

const newIssue = (project: string, extra: Partial<NewIssue> = {}): NewIssue => ({
  project,
  title: 'Preventive maintenance 2027-Q1',
  body: 'Check the network.',
  marker: MARKER,
  labels: ['maintenance'],
  notBefore: PERIOD_START,
  ...extra,
});

interface TrackerCase {
  readonly name: string;
  readonly kind: string;
  readonly base: string;
  readonly api?: string;
  readonly extra?: string;
  readonly project: string;
  readonly create: { readonly path: string; readonly reply: (body: Record<string, unknown>) => unknown; readonly sent: (body: Record<string, unknown>) => unknown; readonly expected: unknown };
  readonly created: IssueRef;
  readonly search: { readonly path: string; readonly query: (query: Record<string, unknown>) => boolean; readonly reply: (marker: string) => unknown };
  readonly found: IssueRef;
}

const CASES: TrackerCase[] = [
  {
    name: 'Gitea',
    kind: 'gitea',
    base: 'https://gitea.ops.test',
    project: 'ops/servers',
    create: {
      path: '/api/v1/repos/ops/servers/issues',
      reply: (body) => ({ ...fixture('gitea/rest/issue-42.json'), number: 57, title: body.title, body: body.body, html_url: 'https://gitea.ops.test/ops/servers/issues/57' }),
      sent: (body) => body,
      expected: { title: 'Preventive maintenance 2027-Q1', body: `Check the network.\n\n${MARKER}` },
    },
    created: { id: 'ops/servers#57', key: 'ops/servers#57', title: 'Preventive maintenance 2027-Q1', url: 'https://gitea.ops.test/ops/servers/issues/57' },
    search: {
      path: '/api/v1/repos/ops/servers/issues',
      query: (query) => query.since === '2026-12-31T23:00:00Z' && query.state === 'all' && query.type === 'issues',
      reply: (marker) => [fixture('gitea/rest/issue-42.json'), { ...fixture('gitea/rest/issue-42.json'), number: 57, body: `x\n\n${marker}`, html_url: 'https://gitea.ops.test/ops/servers/issues/57' }],
    },
    found: { id: 'ops/servers#57', key: 'ops/servers#57', title: String(fixture('gitea/rest/issue-42.json').title), url: 'https://gitea.ops.test/ops/servers/issues/57' },
  },
  {
    name: 'Jira Data Center',
    kind: 'jira',
    base: 'https://jira.ops.test',
    project: 'OPS',
    create: {
      path: '/rest/api/2/issue',
      reply: () => ({ id: '10057', key: 'OPS-57', self: 'https://jira.ops.test/rest/api/2/issue/10057' }),
      sent: (body) => body,
      expected: { fields: { project: { key: 'OPS' }, summary: 'Preventive maintenance 2027-Q1', issuetype: { name: 'Task' }, description: `Check the network.\n\n${MARKER}`, labels: ['maintenance'] } },
    },
    created: { id: '10057', key: 'OPS-57', title: 'Preventive maintenance 2027-Q1', url: 'https://jira.ops.test/browse/OPS-57' },
    search: {
      path: '/rest/api/2/search',
      query: (query) => String(query.jql).startsWith('project = "OPS" AND created >= "-') && query.startAt === '0',
      reply: (marker) => ({ startAt: 0, maxResults: 50, total: 2, issues: [{ id: '10056', key: 'OPS-56', fields: { summary: 'other', description: null } }, { id: '10057', key: 'OPS-57', fields: { summary: 'Preventive maintenance 2027-Q1', description: `x\n\n${marker}` } }] }),
    },
    found: { id: '10057', key: 'OPS-57', title: 'Preventive maintenance 2027-Q1', url: 'https://jira.ops.test/browse/OPS-57' },
  },
  {
    name: 'Jira Cloud',
    kind: 'jira',
    base: 'https://ops.atlassian.test',
    extra: ', user: ops@example.com',
    project: 'OPS',
    create: {
      path: '/rest/api/3/issue',
      reply: () => ({ id: '10057', key: 'OPS-57', self: 'https://ops.atlassian.test/rest/api/3/issue/10057' }),
      sent: (body) => (body.fields as Record<string, unknown>).description,
      expected: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Check the network.' }] }, { type: 'paragraph', content: [{ type: 'text', text: MARKER }] }] },
    },
    created: { id: '10057', key: 'OPS-57', title: 'Preventive maintenance 2027-Q1', url: 'https://ops.atlassian.test/browse/OPS-57' },
    search: {
      path: '/rest/api/3/search/jql',
      query: (query) => String(query.jql).startsWith('project = "OPS"') && query.fields === 'summary,description',
      reply: (marker) => ({ isLast: true, issues: [{ id: '10057', key: 'OPS-57', fields: { summary: 'Preventive maintenance 2027-Q1', description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: marker }] }] } } }] }),
    },
    found: { id: '10057', key: 'OPS-57', title: 'Preventive maintenance 2027-Q1', url: 'https://ops.atlassian.test/browse/OPS-57' },
  },
  {
    name: 'GitLab',
    kind: 'gitlab',
    base: 'https://gitlab.ops.test',
    project: 'ops/servers',
    create: {
      path: '/api/v4/projects/ops%2Fservers/issues',
      reply: (body) => ({ ...fixture('gitlab/rest/issue-42.json'), iid: 57, title: body.title, description: body.description, web_url: 'https://gitlab.ops.test/ops/servers/-/issues/57' }),
      sent: (body) => body,
      expected: { title: 'Preventive maintenance 2027-Q1', description: `Check the network.\n\n${MARKER}`, labels: 'maintenance' },
    },
    created: { id: 'ops/servers#57', key: 'ops/servers#57', title: 'Preventive maintenance 2027-Q1', url: 'https://gitlab.ops.test/ops/servers/-/issues/57' },
    search: {
      path: '/api/v4/projects/ops%2Fservers/issues',
      query: (query) => query.created_after === '2026-12-31T23:00:00Z',
      reply: (marker) => [{ ...fixture('gitlab/rest/issue-42.json'), iid: 57, title: 'Preventive maintenance 2027-Q1', description: `x\n\n${marker}`, web_url: 'https://gitlab.ops.test/ops/servers/-/issues/57' }],
    },
    found: { id: 'ops/servers#57', key: 'ops/servers#57', title: 'Preventive maintenance 2027-Q1', url: 'https://gitlab.ops.test/ops/servers/-/issues/57' },
  },
  {
    name: 'GitHub',
    kind: 'github',
    base: 'https://github.com',
    api: 'https://api.github.com',
    project: 'ops/servers',
    create: {
      path: '/repos/ops/servers/issues',
      reply: (body) => ({ ...fixture('github/rest/issue-42.json'), number: 57, title: body.title, body: body.body, html_url: 'https://github.com/ops/servers/issues/57' }),
      sent: (body) => body,
      expected: { title: 'Preventive maintenance 2027-Q1', body: `Check the network.\n\n${MARKER}`, labels: ['maintenance'] },
    },
    created: { id: 'ops/servers#57', key: 'ops/servers#57', title: 'Preventive maintenance 2027-Q1', url: 'https://github.com/ops/servers/issues/57' },
    search: {
      path: '/repos/ops/servers/issues',
      query: (query) => query.since === '2026-12-31T23:00:00Z' && query.state === 'all',
      reply: (marker) => [
        { ...fixture('github/rest/pull-44.json'), body: marker },
        { ...fixture('github/rest/issue-42.json'), number: 57, title: 'Preventive maintenance 2027-Q1', body: `x\n\n${marker}`, html_url: 'https://github.com/ops/servers/issues/57' },
      ],
    },
    found: { id: 'ops/servers#57', key: 'ops/servers#57', title: 'Preventive maintenance 2027-Q1', url: 'https://github.com/ops/servers/issues/57' },
  },
  {
    name: 'MantisBT',
    kind: 'mantis',
    base: 'https://mantis.ops.test',
    project: '9',
    create: {
      path: '/api/rest/issues',
      reply: (body) => ({ issue: { ...(fixture('mantis/rest/issue-1042.json').issues as Record<string, unknown>[])[0], id: 1057, summary: body.summary, description: body.description } }),
      sent: (body) => body,
      expected: { summary: 'Preventive maintenance 2027-Q1', description: `Check the network.\n\n${MARKER}`, category: { name: 'General' }, project: { id: 9 } },
    },
    created: { id: '1057', key: '1057', title: 'Preventive maintenance 2027-Q1', url: 'https://mantis.ops.test/view.php?id=1057' },
    search: {
      path: '/api/rest/issues',
      query: (query) => query.project_id === '9' && query.page === '1',
      reply: (marker) => ({ issues: [{ ...(fixture('mantis/rest/issue-1042.json').issues as Record<string, unknown>[])[0], id: 1057, summary: 'Preventive maintenance 2027-Q1', description: `x\n\n${marker}` }] }),
    },
    found: { id: '1057', key: '1057', title: 'Preventive maintenance 2027-Q1', url: 'https://mantis.ops.test/view.php?id=1057' },
  },
];

describe('opening issues in each tracker', () => {
  interceptHttp({ cleanAfterEach: true });
  const http = new OutboundHttp({ retry: { maxAttempts: 1 } });

  for (const row of CASES) {
    describe(row.name, () => {
      const source = () => sourceOf(row.kind, row.base, row.extra);
      const creation = () => trackerConnectors[row.kind as keyof typeof trackerConnectors].issueCreation!;

      it(`POSTs ${row.create.path} with the title, the body and its marker, and names the issue it answers`, async () => {
        let sent: Record<string, unknown> | undefined;
        const scope = nock(row.api ?? row.base)
          .post(row.create.path)
          .reply(201, (_uri, body) => {
            sent = body as Record<string, unknown>;
            return row.create.reply(sent) as nock.Body;
          });
        const issue = newIssue(row.project);
        const response = await http.send(creation().createRequest(source(), issue), { maxAttempts: 1 });
        scope.done();
        expect(row.create.sent(sent!)).to.deep.equal(row.create.expected);
        expect(creation().createdIssue(source(), issue, response.data)).to.deep.equal(row.created);
      });

      it('finds an issue opened before by the marker in its body', async () => {
        const scope = nock(row.api ?? row.base).get(row.search.path).query(row.search.query).reply(200, row.search.reply(MARKER) as nock.Body);
        const found = await creation().findExisting(source(), newIssue(row.project), trackerRead(http), NOW);
        scope.done();
        expect(found).to.deep.equal(row.found);
      });

      it('finds none when no listed issue carries the marker', async () => {
        const scope = nock(row.api ?? row.base).get(row.search.path).query(row.search.query).reply(200, row.search.reply('sla-bridge-obligation:ops/maintenance/2026-Q4') as nock.Body);
        const found = await creation().findExisting(source(), newIssue(row.project), trackerRead(http), NOW);
        scope.done();
        expect(found).to.equal(undefined);
      });
    });
  }
});
