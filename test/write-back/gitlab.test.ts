/**
 * GitLab write-back requests, built and sent with axios to a GitLab intercepted by nock, which
 * checks the path (the project's path URL-encoded) and the PRIVATE-TOKEN header; bodies are
 * compared byte for byte. GitLab keeps only a due date's day, so the builder sends the deadline's
 * day in the contract's zone, and everything goes in one PUT: the due date, `add_labels` and
 * `remove_labels`, which leave the issue's other labels alone.
 */
import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import type { IssueRef } from '../../connectors/connector.js';
import { gitlabConnector } from '../../connectors/gitlab/index.js';
import { gitlabIssueAddress } from '../../connectors/gitlab/issue-ref.js';
import { buildWriteBack, gitlabShownFields } from '../../connectors/gitlab/write-back.js';
import { NOTHING_TO_SHOW, type WriteBackFields } from '../../src/domain/write-back-fields.js';
import { writeBackConfigSchema } from '../../src/config/write-back-config.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import { interceptHttp } from '../support/http-interception.js';

const GITLAB = 'https://gitlab.example.com';
const ZONE = 'Europe/Amsterdam';
const ISSUE: IssueRef = { id: 'open2bizz/support/odoo-customer#7', key: 'open2bizz/support/odoo-customer#7' };
const ISSUE_PATH = '/api/v4/projects/open2bizz%2Fsupport%2Fodoo-customer/issues/7';

const source = parseSource('gitlab-demo', {
    kind: 'gitlab',
    base_url: `${GITLAB}/`,
    webhook: { secrets: ['s'] },
    api: { token: 'glpat-token' },
    priority: { field: 'labels', map: { 'priority::1': 'P1' }, default: 'P4' },
  }, PLUGINS.trackers);

const CONFIG = writeBackConfigSchema.parse({ enabled: true, due_date: true, labels: { at_risk: 'sla::at-risk', breached: 'sla::breached' }, comment_on_breach: true });

const shows = (nearest: number | null, overrides: Partial<WriteBackFields> = {}): WriteBackFields => ({
  ...NOTHING_TO_SHOW,
  zone: ZONE,
  deadlines: { reaction: nearest, response: null, resolution: null },
  nearest,
  ...overrides,
});
const at = (iso: string) => Date.parse(iso);

async function sendAll(requests: readonly OutboundRequest[]): Promise<void> {
  for (const request of requests) {
    await axios.request({ method: request.method, url: request.url, headers: request.headers, data: request.body === '' ? undefined : request.body, transformRequest: [(data: unknown) => data] });
  }
}

function gitlab(): { scope: nock.Scope; bodies: string[] } {
  const bodies: string[] = [];
  const scope = nock(GITLAB, { reqheaders: { 'private-token': 'glpat-token', 'content-type': 'application/json' } });
  scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => bodies.push(body));
  return { scope, bodies };
}

describe('write-back: GitLab', () => {
  interceptHttp({ cleanAfterEach: true });

  const build = (desired: WriteBackFields, previous: WriteBackFields | undefined, config = CONFIG, shown?: Record<string, string | null>) => buildWriteBack(source, config, ISSUE, desired, previous, shown);

  describe('due date (the day only)', () => {
    const summer = shows(at('2026-07-01T14:39:00+02:00'));
    const rows: { name: string; desired: WriteBackFields; previous: WriteBackFields | undefined; body: string | null }[] = [
      { name: 'first write: the day of the nearest deadline', desired: summer, previous: undefined, body: '{"due_date":"2026-07-01"}' },
      { name: 'unchanged: no request', desired: summer, previous: summer, body: null },
      { name: 'moved within the same day: no request (GitLab would store the same)', desired: shows(at('2026-07-01T09:00:00+02:00')), previous: summer, body: null },
      { name: 'moved to the next day', desired: shows(at('2026-07-02T10:00:00+02:00')), previous: summer, body: '{"due_date":"2026-07-02"}' },
      { name: 'cleared (met, paused): null', desired: shows(null), previous: summer, body: '{"due_date":null}' },
      { name: "just after midnight: the zone's day (16th), not UTC's (15th)", desired: shows(at('2026-01-16T00:30:00+01:00')), previous: undefined, body: '{"due_date":"2026-01-16"}' },
      { name: 'nothing to show on a never-written issue: untouched', desired: shows(null), previous: undefined, body: null },
    ];
    for (const row of rows) {
      it(row.name, async () => {
        const requests = build(row.desired, row.previous);
        expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal(row.body === null ? [] : [`PUT ${GITLAB}${ISSUE_PATH}`]);
        const { scope, bodies } = gitlab();
        if (row.body !== null) scope.put(ISSUE_PATH).reply(200, { iid: 7 });
        await sendAll(requests);
        expect(scope.isDone()).to.equal(true);
        expect(bodies).to.deep.equal(row.body === null ? [] : [row.body]);
      });
    }
  });

  describe('labels and the breach note', () => {
    const deadline = at('2026-07-01T14:39:00+02:00');
    const calm = shows(deadline);
    const atRisk = shows(deadline, { atRisk: true });
    const breached = shows(deadline, { breached: true, breachedMetrics: ['reaction'] });

    it('puts the at-risk label on by name, with add_labels', () => {
      expect(build(atRisk, calm).map((request) => [request.method, request.url, request.body])).to.deep.equal([['PUT', `${GITLAB}${ISSUE_PATH}`, '{"add_labels":"sla::at-risk"}']]);
    });

    it('on breach: one PUT swaps the labels, then one note', async () => {
      const requests = build(breached, atRisk);
      expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal([`PUT ${GITLAB}${ISSUE_PATH}`, `POST ${GITLAB}${ISSUE_PATH}/notes`]);
      const { scope, bodies } = gitlab();
      scope.put(ISSUE_PATH).reply(200, { iid: 7 }).post(`${ISSUE_PATH}/notes`).reply(201, { id: 99 });
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies).to.deep.equal([
        '{"add_labels":"sla::breached","remove_labels":"sla::at-risk"}',
        '{"body":"SLA breached on open2bizz/support/odoo-customer#7: reaction was due 2026-07-01 14:39 (Europe/Amsterdam) and is still open."}',
      ]);
      expect(build(breached, breached)).to.deep.equal([]);
    });

    it('takes the labels off when the breach is gone, and changes the due date in the same request', () => {
      expect(build(shows(at('2026-07-03T10:00:00+02:00')), breached).map((request) => request.body)).to.deep.equal(['{"due_date":"2026-07-03","remove_labels":"sla::breached"}']);
    });

    it('on a never-written issue: only adds, never removes, and writes no note', () => {
      expect(build(breached, undefined).map((request) => `${request.method} ${request.body}`)).to.deep.equal(['PUT {"due_date":"2026-07-01","add_labels":"sla::breached"}']);
    });

    it('writes no label that is not configured, and nothing while disabled', () => {
      const noLabels = writeBackConfigSchema.parse({ enabled: true, comment_on_breach: true });
      expect(build(breached, atRisk, noLabels).map((request) => request.url)).to.deep.equal([`${GITLAB}${ISSUE_PATH}/notes`]);
      expect(build(breached, atRisk, { ...CONFIG, enabled: false })).to.deep.equal([]);
    });
  });

  describe('what GitLab shows: the echo of our write, and someone else’s edit', () => {
    const desired = shows(at('2026-07-01T14:39:00+02:00'), { atRisk: true });

    it('asks for nothing when the delivery shows what the bridge wrote', () => {
      const shown = gitlabShownFields(CONFIG, { due_date: '2026-07-01' }, ['priority::1', 'sla::at-risk']);
      expect(build(desired, desired, CONFIG, shown)).to.deep.equal([]);
      expect(build(desired, undefined, CONFIG, shown)).to.deep.equal([]);
    });

    it('restores what someone changed, and only that', () => {
      const moved = gitlabShownFields(CONFIG, { due_date: '2026-12-31' }, ['priority::1', 'sla::at-risk']);
      expect(build(desired, desired, CONFIG, moved).map((request) => request.body)).to.deep.equal(['{"due_date":"2026-07-01"}']);
      const stripped = gitlabShownFields(CONFIG, { due_date: '2026-07-01' }, ['priority::1', 'sla::breached']);
      expect(build(desired, desired, CONFIG, stripped).map((request) => request.body)).to.deep.equal(['{"add_labels":"sla::at-risk","remove_labels":"sla::breached"}']);
    });

    it('leaves out of what is shown a field the payload does not carry', () => {
      expect(gitlabShownFields(CONFIG, {}, undefined)).to.deep.equal({});
      expect(gitlabShownFields(CONFIG, { due_date: 'not a day' }, undefined)).to.deep.equal({});
    });
  });

  it('tells a GitLab "no such issue" from any other 404', () => {
    expect(gitlabConnector.issueGone({ status: 404, data: { message: '404 Issue Not Found' } })).to.equal(true);
    expect(gitlabConnector.issueGone({ status: 404, data: { message: '404 Project Not Found' } })).to.equal(false);
    expect(gitlabConnector.issueGone({ status: 404, data: { error: '404 Not Found' } })).to.equal(false);
    expect(gitlabConnector.issueGone({ status: 404, data: '<html>Not Found</html>' })).to.equal(false);
    expect(gitlabConnector.issueGone({ status: 403, data: { message: '404 Issue Not Found' } })).to.equal(false);
  });

  it('reads the issue address from the connector id, nested groups included, and refuses anything else', () => {
    expect(gitlabIssueAddress(ISSUE)).to.deep.equal({ project: 'open2bizz/support/odoo-customer', iid: 7 });
    expect(() => gitlabIssueAddress({ id: '7', key: '7' })).to.throw(/not a GitLab issue id/);
    expect(() => gitlabIssueAddress({ id: 'project#7', key: '7' })).to.throw(/not a GitLab issue id/);
  });
});
