/**
 * Gitea/Forgejo write-back requests, built and then sent with axios to a Gitea intercepted by nock,
 * which checks paths and the `token` Authorization header; bodies are compared byte for byte.
 *
 * Gitea keeps only the date of a due date and stores 23:59:59 of that day in the offset sent
 * (EditIssue), so the builder sends exactly that: the deadline's day in the contract's zone. A
 * deadline that moves within its day is no change; the breached label, not the due date, is what
 * shows a breach at the moment itself.
 */
import axios from 'axios';
import { expect } from 'chai';
import nock from 'nock';
import type { IssueRef } from '../../connectors/connector.js';
import {
  buildWriteBack,
  giteaIssueAddress,
  labelIdsFrom,
  MissingLabelIdError,
  repoLabelsRequest,
} from '../../connectors/gitea/write-back.js';
import { NOTHING_TO_SHOW, type WriteBackFields } from '../../src/domain/write-back-fields.js';
import { writeBackConfigSchema } from '../../src/config/write-back-config.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import { interceptHttp } from '../support/http-interception.js';

const GITEA = 'https://gitea.example.com';
const ZONE = 'Europe/Amsterdam';
const ISSUE: IssueRef = { id: 'open2bizz/odoo-customer#7', key: 'open2bizz/odoo-customer#7' };
const ISSUE_PATH = '/api/v1/repos/open2bizz/odoo-customer/issues/7';
const AUTH = 'token gitea-token';

const source = parseSource('gitea-demo', {
    kind: 'gitea',
    base_url: GITEA,
    webhook: { secrets: ['s'] },
    api: { token: 'gitea-token' },
    priority: { field: 'labels', map: { 'priority/1': 'P1' }, default: 'P4' },
  }, PLUGINS.trackers);

const CONFIG = writeBackConfigSchema.parse({
  enabled: true,
  due_date: true,
  labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' },
  comment_on_breach: true,
});
const LABEL_IDS = new Map([
  ['sla/at-risk', 11],
  ['sla/breached', 12],
  ['priority/1', 3],
]);

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
    await axios.request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body === '' ? undefined : request.body,
      transformRequest: [(data: unknown) => data],
    });
  }
}

function gitea(): { scope: nock.Scope; bodies: string[] } {
  const bodies: string[] = [];
  const scope = nock(GITEA, { reqheaders: { authorization: AUTH } });
  scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => bodies.push(body));
  return { scope, bodies };
}

describe('write-back: Gitea and Forgejo', () => {
  interceptHttp({ cleanAfterEach: true });

  const build = (desired: WriteBackFields, previous: WriteBackFields | undefined, labelIds: ReadonlyMap<string, number> = LABEL_IDS, config = CONFIG) =>
    buildWriteBack(source, config, ISSUE, desired, previous, labelIds);

  describe('due date (date only)', () => {
    const summer = shows(at('2026-07-01T14:39:00+02:00'));
    const rows: { name: string; desired: WriteBackFields; previous: WriteBackFields | undefined; body: string | null }[] = [
      { name: 'first write: the day of the nearest deadline, 23:59:59 summer time', desired: summer, previous: undefined, body: '{"due_date":"2026-07-01T23:59:59+02:00"}' },
      { name: 'unchanged: no request', desired: summer, previous: summer, body: null },
      { name: 'moved within the same day: no request (Gitea would store the same)', desired: shows(at('2026-07-01T09:00:00+02:00')), previous: summer, body: null },
      { name: 'moved to the next day', desired: shows(at('2026-07-02T10:00:00+02:00')), previous: summer, body: '{"due_date":"2026-07-02T23:59:59+02:00"}' },
      { name: 'cleared (met, paused): unset_due_date', desired: shows(null), previous: summer, body: '{"unset_due_date":true}' },
      { name: 'winter time: +01:00', desired: shows(at('2026-01-15T09:00:00+01:00')), previous: undefined, body: '{"due_date":"2026-01-15T23:59:59+01:00"}' },
      {
        name: "just after midnight: the zone's day (16th), not UTC's (15th)",
        desired: shows(at('2026-01-16T00:30:00+01:00')),
        previous: undefined,
        body: '{"due_date":"2026-01-16T23:59:59+01:00"}',
      },
      {
        name: 'on the night clocks go forward: the offset at the end of that day (+02:00)',
        desired: shows(at('2026-03-29T01:30:00+01:00')),
        previous: undefined,
        body: '{"due_date":"2026-03-29T23:59:59+02:00"}',
      },
      { name: 'nothing to show on a never-written issue: untouched', desired: shows(null), previous: undefined, body: null },
    ];
    for (const row of rows) {
      it(row.name, async () => {
        const requests = build(row.desired, row.previous);
        expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal(row.body === null ? [] : [`PATCH ${GITEA}${ISSUE_PATH}`]);
        const { scope, bodies } = gitea();
        if (row.body !== null) scope.patch(ISSUE_PATH).reply(201, { number: 7 });
        await sendAll(requests);
        expect(scope.isDone()).to.equal(true);
        expect(bodies).to.deep.equal(row.body === null ? [] : [row.body]);
      });
    }
  });

  describe('labels and the breach comment', () => {
    const deadline = at('2026-07-01T14:39:00+02:00');
    const calm = shows(deadline);
    const atRisk = shows(deadline, { atRisk: true });
    const breached = shows(deadline, { breached: true, breachedMetrics: ['reaction'] });

    it('puts the at-risk label on by id when the id is known, by name otherwise', () => {
      expect(build(atRisk, calm).map((request) => [request.method, request.url, request.body])).to.deep.equal([
        ['POST', `${GITEA}${ISSUE_PATH}/labels`, '{"labels":[11]}'],
      ]);
      expect(build(atRisk, calm, new Map()).map((request) => request.body)).to.deep.equal(['{"labels":["sla/at-risk"]}']);
    });

    it('on breach: adds the breached label, removes the at-risk one by id, comments once', async () => {
      const requests = build(breached, atRisk);
      expect(requests.map((request) => `${request.method} ${request.url}`)).to.deep.equal([
        `POST ${GITEA}${ISSUE_PATH}/labels`,
        `DELETE ${GITEA}${ISSUE_PATH}/labels/11`,
        `POST ${GITEA}${ISSUE_PATH}/comments`,
      ]);
      const { scope, bodies } = gitea();
      scope
        .post(`${ISSUE_PATH}/labels`)
        .reply(200, [{ id: 12, name: 'sla/breached' }])
        .delete(`${ISSUE_PATH}/labels/11`)
        .reply(204)
        .post(`${ISSUE_PATH}/comments`)
        .reply(201, { id: 99 });
      await sendAll(requests);
      expect(scope.isDone()).to.equal(true);
      expect(bodies).to.deep.equal([
        '{"labels":[12]}',
        '',
        '{"body":"SLA breached on open2bizz/odoo-customer#7: reaction was due 2026-07-01 14:39 (Europe/Amsterdam) and is still open."}',
      ]);
      expect(build(breached, breached)).to.deep.equal([]);
    });

    it('refuses to guess a label id it must remove, rather than clear every label', () => {
      expect(() => build(breached, atRisk, new Map())).to.throw(MissingLabelIdError, /"sla\/at-risk".*repoLabelsRequest/);
    });

    it('takes the labels off again when the breach is gone (e.g. priority lowered)', () => {
      expect(build(calm, breached).map((request) => `${request.method} ${request.url}`)).to.deep.equal([`DELETE ${GITEA}${ISSUE_PATH}/labels/12`]);
    });

    it('on a never-written issue: only adds, never removes, and does not comment', () => {
      expect(build(breached, undefined).map((request) => `${request.method} ${request.url} ${request.body}`)).to.deep.equal([
        `PATCH ${GITEA}${ISSUE_PATH} {"due_date":"2026-07-01T23:59:59+02:00"}`,
        `POST ${GITEA}${ISSUE_PATH}/labels {"labels":[12]}`,
      ]);
    });

    it('writes no label that is not configured', () => {
      const noLabels = writeBackConfigSchema.parse({ enabled: true, comment_on_breach: true });
      expect(build(breached, atRisk, new Map(), noLabels).map((request) => request.url)).to.deep.equal([`${GITEA}${ISSUE_PATH}/comments`]);
    });
  });

  describe('label ids', () => {
    it('asks the repository for a page of its labels and reads name → id from the answers', async () => {
      const request = repoLabelsRequest(source, ISSUE, 2);
      expect([request.method, request.url]).to.deep.equal(['GET', `${GITEA}/api/v1/repos/open2bizz/odoo-customer/labels?page=2&limit=50`]);
      const { scope } = gitea();
      scope.get('/api/v1/repos/open2bizz/odoo-customer/labels').query({ page: '2', limit: '50' }).reply(200, [
        { id: 11, name: 'sla/at-risk', color: 'ff9900' },
        { id: 12, name: 'sla/breached', color: 'ee0701' },
      ]);
      const answer = await axios.request({ method: request.method, url: request.url, headers: request.headers });
      expect(scope.isDone()).to.equal(true);
      expect([...labelIdsFrom([{ id: 3, name: 'priority/1' }], answer.data)]).to.deep.equal([
        ['priority/1', 3],
        ['sla/at-risk', 11],
        ['sla/breached', 12],
      ]);
    });
  });

  it('reads the issue address from the connector id, and refuses anything else', () => {
    expect(giteaIssueAddress(ISSUE)).to.deep.equal({ owner: 'open2bizz', repo: 'odoo-customer', index: 7 });
    expect(() => giteaIssueAddress({ id: '7', key: '7' })).to.throw(/not a Gitea issue id/);
  });

  it('echo: what the tracker holds after our write (previous = desired) asks for nothing', () => {
    for (const desired of [shows(at('2026-07-01T14:39:00+02:00'), { atRisk: true }), shows(null, { breached: true, breachedMetrics: ['resolution'] })]) {
      const written = JSON.parse(JSON.stringify(desired)) as WriteBackFields;
      expect(build(desired, written, new Map())).to.deep.equal([]);
    }
  });
});
