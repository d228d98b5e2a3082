/**
 * GitHub write-back requests, built and then sent through the bridge's OutboundHttp to a GitHub
 * intercepted by nock, which checks paths and the API headers; bodies are compared byte for byte.
 * Labels go through REST by name; the due date goes into a Project's Date field through GraphQL,
 * read first (the project, its field, the issue's item and the date it holds), so that someone's
 * edit of it is seen and the echo of the bridge's own write asks for nothing.
 */
import { expect } from 'chai';
import nock from 'nock';
import type { IssueRef, TrackerLookup } from '../../connectors/connector.js';
import { githubConnector } from '../../connectors/github/index.js';
import { githubIssueAddress } from '../../connectors/github/issue-ref.js';
import { NOTHING_TO_SHOW, type WriteBackFields } from '../../src/domain/write-back-fields.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import type { Source } from '../../src/config/source.js';
import { interceptHttp } from '../support/http-interception.js';

const API = 'https://api.github.com';
const ZONE = 'Europe/Amsterdam';
const ISSUE: IssueRef = { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7' };
const ISSUE_PATH = '/repos/open2bizz/odoo-customer/issues/7';
const HEADERS = { authorization: 'Bearer github-token', accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

function source(writeBack: Record<string, unknown>, more: Record<string, unknown> = {}): Source {
  return parseSource('github-demo', {
      kind: 'github',
      base_url: 'https://github.com',
      webhook: { secrets: ['s'] },
      api: { token: 'github-token' },
      priority: { field: 'labels', map: { 'priority/1': 'P1' }, default: 'P4' },
      write_back: { enabled: true, ...writeBack },
      ...more,
    }, PLUGINS.trackers);
}

const LABELS = { at_risk: 'sla/at-risk', breached: 'sla/breached' };
const PROJECT = { owner: 'open2bizz', number: 3, field: 'SLA due' };
const labelsOnly = source({ labels: LABELS, comment_on_breach: true });
const withProject = source({ labels: LABELS, due_date: true, project: PROJECT });

const shows = (nearest: number | null, overrides: Partial<WriteBackFields> = {}): WriteBackFields => ({
  ...NOTHING_TO_SHOW,
  zone: ZONE,
  deadlines: { reaction: nearest, response: null, resolution: null },
  nearest,
  ...overrides,
});
const at = (iso: string) => Date.parse(iso);

const http = new OutboundHttp({ retry: { maxAttempts: 1 } });
const lookup: TrackerLookup = async (request) => (await http.send(request)).data;
const sendAll = async (requests: readonly OutboundRequest[]) => {
  for (const request of requests) await http.send(request);
};
const build = (src: Source, desired: WriteBackFields, previous: WriteBackFields | undefined, shown?: Record<string, string | null>) =>
  githubConnector.writeBack(src, ISSUE, desired, previous, lookup, shown);

/** A GitHub that records the bodies it gets, in order. */
function github(): { scope: nock.Scope; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const scope = nock(API, { reqheaders: HEADERS });
  scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => bodies.push(body === '' ? '' : JSON.parse(body)));
  return { scope, bodies };
}

const ITEM = { id: 'PVTI_lADOB6677c4A1b2czgXyZ01', project: { id: 'PVT_kwDOB6677c4A1b2c' } };
/** The answer to the project-item query: the project, its Date field, and the issue's items in projects. */
function projectAnswer(items: readonly Record<string, unknown>[], field: Record<string, unknown> | null = { id: 'PVTF_lADOB6677c4A1b2czgP0Q7s', name: 'SLA due', dataType: 'DATE' }) {
  return {
    data: {
      repository: { issue: { id: 'I_kwDOM2ucVc7Wq007', projectItems: { nodes: items } } },
      repositoryOwner: { projectV2: { id: 'PVT_kwDOB6677c4A1b2c', field } },
    },
  };
}
const itemWith = (date: string | null) => ({ ...ITEM, fieldValueByName: date === null ? null : { date } });
const OTHER_PROJECT_ITEM = { id: 'PVTI_other', project: { id: 'PVT_other' }, fieldValueByName: { date: '2030-01-01' } };

const isQuery = (body: { query: string }) => body.query.startsWith('query(');
const mutationName = (body: { query: string }) => /\{ (\w+)\(input/.exec(body.query)?.[1];

describe('write-back: GitHub', () => {
  interceptHttp({ cleanAfterEach: true });

  describe('SLA labels and the breach comment (REST, by name)', () => {
    const deadline = at('2026-07-01T14:39:00+02:00');
    const calm = shows(deadline);
    const atRisk = shows(deadline, { atRisk: true });
    const breached = shows(deadline, { breached: true, breachedMetrics: ['reaction'] });

    it('puts the at-risk label on', async () => {
      const { scope, bodies } = github();
      scope.post(`${ISSUE_PATH}/labels`).reply(200, [{ id: 1, name: 'sla/at-risk' }]);
      const requests = await build(labelsOnly, atRisk, calm);
      expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal([`POST ${API}${ISSUE_PATH}/labels`]);
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies).to.deep.equal([{ labels: ['sla/at-risk'] }]);
    });

    it('on breach: adds the breached label, takes the at-risk one off by its escaped name, comments once', async () => {
      const { scope, bodies } = github();
      scope
        .post(`${ISSUE_PATH}/labels`)
        .reply(200, [])
        .delete(`${ISSUE_PATH}/labels/sla%2Fat-risk`)
        .reply(200, [])
        .post(`${ISSUE_PATH}/comments`)
        .reply(201, { id: 99 });
      const requests = await build(labelsOnly, breached, atRisk);
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies).to.deep.equal([
        { labels: ['sla/breached'] },
        '',
        { body: 'SLA breached on open2bizz/odoo-customer#7: reaction was due 2026-07-01 14:39 (Europe/Amsterdam) and is still open.' },
      ]);
      expect(await build(labelsOnly, breached, breached)).to.deep.equal([]);
    });

    it('takes the labels off again when the breach is gone, and writes only what changed', async () => {
      expect((await build(labelsOnly, calm, breached)).map((request) => `${request.method} ${request.url}`)).to.deep.equal([`DELETE ${API}${ISSUE_PATH}/labels/sla%2Fbreached`]);
      expect(await build(labelsOnly, calm, calm)).to.deep.equal([]);
    });

    it('on a never-written issue: only adds, never removes, and does not comment', async () => {
      expect((await build(labelsOnly, breached, undefined)).map((request) => `${request.method} ${request.url} ${request.body}`)).to.deep.equal([
        `POST ${API}${ISSUE_PATH}/labels {"labels":["sla/breached"]}`,
      ]);
    });

    it('puts a label back that someone took off, and asks nothing when the issue shows it', async () => {
      const shownOff = { 'label:sla/at-risk': null, 'label:sla/breached': null };
      expect((await build(labelsOnly, atRisk, atRisk, shownOff)).map((request) => request.body)).to.deep.equal(['{"labels":["sla/at-risk"]}']);
      expect(await build(labelsOnly, atRisk, atRisk, { 'label:sla/at-risk': 'on', 'label:sla/breached': null })).to.deep.equal([]);
    });

    it('writes nothing while disabled', async () => {
      expect(await build(source({ enabled: false, labels: LABELS }), breached, undefined)).to.deep.equal([]);
    });
  });

  describe('the due date in a Project’s Date field (GraphQL)', () => {
    const summer = shows(at('2026-07-01T14:39:00+02:00'));

    /** A GitHub answering the project-item query with `answer`, and taking these mutations. */
    function graphql(answer: nock.Body, mutations: number, addAnswer?: nock.Body) {
      const { scope, bodies } = github();
      scope.post('/graphql', (body: { query: string }) => isQuery(body)).reply(200, answer);
      if (addAnswer) scope.post('/graphql', (body: { query: string }) => mutationName(body) === 'addProjectV2ItemById').reply(200, addAnswer);
      for (let count = 0; count < mutations; count += 1) scope.post('/graphql', (body: { query: string }) => !isQuery(body) && mutationName(body) !== 'addProjectV2ItemById').reply(200, { data: {} });
      return { scope, bodies };
    }

    it('reads the item, then sets the deadline’s day in the contract’s zone', async () => {
      const { scope, bodies } = graphql(projectAnswer([OTHER_PROJECT_ITEM, itemWith(null)]), 1);
      const requests = await build(withProject, summer, undefined);
      expect(requests.map((request) => `${request.method} ${request.url} ${request.description}`)).to.deep.equal([
        `POST ${API}/graphql github github-demo: SLA due date of open2bizz/odoo-customer#7 in project open2bizz#3`,
      ]);
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies[0]).to.have.deep.property('variables', { owner: 'open2bizz', repo: 'odoo-customer', number: 7, field: 'SLA due', projectOwner: 'open2bizz', projectNumber: 3 });
      expect(bodies[1]).to.deep.equal({
        query:
          'mutation($project: ID!, $item: ID!, $field: ID!, $date: Date!) { updateProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, fieldId: $field, value: {date: $date}}) { projectV2Item { id } } }',
        variables: { project: 'PVT_kwDOB6677c4A1b2c', item: ITEM.id, field: 'PVTF_lADOB6677c4A1b2czgP0Q7s', date: '2026-07-01' },
      });
    });

    it('adds an issue that is not in the project yet, then sets the date on its new item', async () => {
      const { scope, bodies } = graphql(projectAnswer([OTHER_PROJECT_ITEM]), 1, { data: { addProjectV2ItemById: { item: { id: 'PVTI_new' } } } });
      await sendAll(await build(withProject, summer, undefined));
      expect(scope.isDone()).to.equal(true);
      expect(bodies.map((body) => mutationName(body as { query: string }) ?? 'query')).to.deep.equal(['query', 'addProjectV2ItemById', 'updateProjectV2ItemFieldValue']);
      expect(bodies[1]).to.have.deep.property('variables', { project: 'PVT_kwDOB6677c4A1b2c', issue: 'I_kwDOM2ucVc7Wq007' });
      expect(bodies[2]).to.have.nested.property('variables.item', 'PVTI_new');
    });

    const rows: { name: string; desired: WriteBackFields; previous: WriteBackFields | undefined; held: string | null; mutation?: string; date?: string }[] = [
      { name: 'the echo: the field holds the day written, nothing to do', desired: summer, previous: summer, held: '2026-07-01' },
      { name: 'moved within the same day: nothing to do', desired: shows(at('2026-07-01T09:00:00+02:00')), previous: summer, held: '2026-07-01' },
      { name: 'moved to the next day', desired: shows(at('2026-07-02T10:00:00+02:00')), previous: summer, held: '2026-07-01', mutation: 'updateProjectV2ItemFieldValue', date: '2026-07-02' },
      { name: 'just after midnight: the zone’s day, not UTC’s', desired: shows(at('2026-01-16T00:30:00+01:00')), previous: undefined, held: null, mutation: 'updateProjectV2ItemFieldValue', date: '2026-01-16' },
      { name: 'someone changed the date: written back', desired: summer, previous: summer, held: '2026-07-09', mutation: 'updateProjectV2ItemFieldValue', date: '2026-07-01' },
      { name: 'someone emptied it: written back', desired: summer, previous: summer, held: null, mutation: 'updateProjectV2ItemFieldValue', date: '2026-07-01' },
      { name: 'met or paused: cleared', desired: shows(null), previous: summer, held: '2026-07-01', mutation: 'clearProjectV2ItemFieldValue' },
      { name: 'someone set a date the bridge had cleared: cleared again', desired: shows(null), previous: shows(null), held: '2026-08-01', mutation: 'clearProjectV2ItemFieldValue' },
    ];
    for (const row of rows) {
      it(row.name, async () => {
        const { scope, bodies } = graphql(projectAnswer([itemWith(row.held)]), row.mutation ? 1 : 0);
        await sendAll(await build(withProject, row.desired, row.previous));
        expect(scope.isDone()).to.equal(true);
        expect(bodies.slice(1).map((body) => mutationName(body as { query: string }))).to.deep.equal(row.mutation ? [row.mutation] : []);
        if (row.date) expect(bodies[1]).to.have.nested.property('variables.date', row.date);
      });
    }

    it('does not call GitHub for an issue with nothing to show that it never wrote to (no contract covers it)', async () => {
      expect(await build(withProject, NOTHING_TO_SHOW, undefined)).to.deep.equal([]);
      expect(nock.pendingMocks()).to.deep.equal([]);
    });

    it('finds a project by its node id, and a GitHub Enterprise Server’s GraphQL at /api/graphql', async () => {
      const server = source({ due_date: true, project: { id: 'PVT_kwDOB6677c4A1b2c', field: 'SLA due' } }, { base_url: 'https://github.example.com' });
      const bodies: { variables: Record<string, unknown>; query: string }[] = [];
      const answer = projectAnswer([itemWith('2026-07-01')]);
      const byId = { data: { repository: answer.data.repository, node: answer.data.repositoryOwner.projectV2 } };
      const scope = nock('https://github.example.com', { reqheaders: HEADERS })
        .post('/api/graphql', (body: { variables: Record<string, unknown>; query: string }) => bodies.push(body) > 0)
        .reply(200, byId);
      expect(await githubConnector.writeBack(server, ISSUE, summer, summer, lookup)).to.deep.equal([]);
      expect(scope.isDone()).to.equal(true);
      expect(bodies[0]!.variables).to.deep.equal({ owner: 'open2bizz', repo: 'odoo-customer', number: 7, field: 'SLA due', project: 'PVT_kwDOB6677c4A1b2c' });
      expect(bodies[0]!.query).to.include('node(id: $project)');
    });

    const failures: { name: string; answer: nock.Body; message: RegExp }[] = [
      {
        name: 'a project the token cannot see',
        answer: { data: { repository: projectAnswer([]).data.repository, repositoryOwner: { projectV2: null } }, errors: [{ type: 'NOT_FOUND', message: "Could not resolve to a ProjectV2 with the number 3." }] },
        message: /project open2bizz#3 not found, or the token may not read it \(it needs the project scope\): Could not resolve to a ProjectV2 with the number 3\.$/,
      },
      { name: 'a field that is not there', answer: projectAnswer([], null), message: /project open2bizz#3 has no field "SLA due"$/ },
      { name: 'a field that is no Date field', answer: projectAnswer([], { id: 'F', name: 'SLA due', dataType: 'TEXT' }), message: /field "SLA due" of project open2bizz#3 is TEXT, not a Date field$/ },
      {
        name: 'an issue GitHub does not have',
        answer: { data: { repository: { issue: null }, repositoryOwner: projectAnswer([]).data.repositoryOwner }, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to an Issue with the number of 7.' }] },
        message: /GitHub has no issue open2bizz\/odoo-customer#7: Could not resolve to an Issue with the number of 7\.$/,
      },
    ];
    for (const { name, answer, message } of failures) {
      it(`fails with GitHub’s words on ${name}`, async () => {
        github().scope.post('/graphql').reply(200, answer);
        const error = await build(withProject, summer, undefined).then(() => expect.fail('expected an error'), (failure: unknown) => failure as Error);
        expect(error.message).to.match(/^github github-demo: project open2bizz#3 item of open2bizz\/odoo-customer#7: /).and.match(message);
      });
    }
  });

  describe('issueGone: GitHub’s own "no such issue"', () => {
    const rows: [string, number, unknown, boolean][] = [
      ['404 Not Found (a deleted repository, or one the token may not see)', 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue', status: '404' }, true],
      ['410 This issue was deleted', 410, { message: 'This issue was deleted', documentation_url: 'https://docs.github.com/rest/issues/issues#get-an-issue' }, true],
      ['301 Moved Permanently (transferred)', 301, { message: 'Moved Permanently', url: 'https://api.github.com/repositories/862411870/issues/12', documentation_url: 'https://docs.github.com/rest' }, true],
      ['404 Label does not exist', 404, { message: 'Label does not exist', documentation_url: 'https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue' }, false],
      ['404 page from a wrong base URL', 404, '<!DOCTYPE html><html>Page not found</html>', false],
      ['404 JSON without GitHub’s documentation link', 404, { message: 'Not Found' }, false],
      ['403 Resource not accessible by integration', 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' }, false],
      ['422 Validation Failed', 422, { message: 'Validation Failed', errors: [], documentation_url: 'https://docs.github.com/rest' }, false],
    ];
    for (const [name, status, data, gone] of rows) {
      it(`${name}: ${gone ? 'gone' : 'not gone'}`, () => {
        expect(githubConnector.issueGone({ status, data })).to.equal(gone);
      });
    }
  });

  it('reads the issue address from the connector id, and refuses anything else', () => {
    expect(githubIssueAddress(ISSUE)).to.deep.equal({ owner: 'open2bizz', repo: 'odoo-customer', number: 7 });
    expect(() => githubIssueAddress({ id: '7' })).to.throw(/not a GitHub issue id/);
  });
});
