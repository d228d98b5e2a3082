/**
 * The GitLab reader for reconciliation, against a GitLab intercepted by nock and read through the
 * bridge's own OutboundHttp. Fixtures in test/fixtures/gitlab/rest: issue #42 as the issue list
 * shows it at the end of its story (test/connectors/gitlab.test.ts tells it in webhooks), its
 * notes, label events and state events.
 */
import { expect } from 'chai';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ChangedIssuesPage, IssueRef, Normalized, TrackerRead } from '../../connectors/connector.js';
import { gitlabConnector } from '../../connectors/gitlab/index.js';
import { gitlabReader } from '../../connectors/gitlab/reader.js';
import { DEFAULT_GITLAB_SETTINGS } from '../../connectors/gitlab/source-settings.js';
import { assigneeChange } from '../../connectors/gitlab/system-notes.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { GITLAB_ISSUE_42_WEBHOOKS } from '../support/gitlab-story.js';
import { interceptHttp } from '../support/http-interception.js';
import { shippedConfig } from '../support/shipped-config.js';

const FIXTURES = path.join(projectRoot(), 'test/fixtures/gitlab');
const json = <T>(name: string): T => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;

type Json = Record<string, any>;
const GITLAB = 'https://gitlab.example.com';
const REPO = 'open2bizz/odoo-customer';
const ENCODED = 'open2bizz%2Fodoo-customer';
const TOKEN = 'glpat-reader';
const TITLE_42 = "Sales orders cannot be confirmed: 'Missing required account on accountable line'";
const WAITING = 'status::waiting-for-customer';

const source = (overrides: Partial<Source> = {}): Source => ({ ...shippedConfig().sources.get('gitlab-demo')!, apiToken: TOKEN, apiUser: 'sla-bridge', ...overrides });
const withListings = (projects: string[], groups: string[] = []): Source => source({ settings: { ...DEFAULT_GITLAB_SETTINGS, projects, groups } });

const issue42 = (): Json => json<Json>('rest/issue-42');
const notes42 = (): Json[] => json<Json[]>('rest/notes-42');
const labels42 = (): Json[] => json<Json[]>('rest/label-events-42');
const states42 = (): Json[] => json<Json[]>('rest/state-events-42');

const listedIssue = (iid: number, project = REPO): Json => ({
  ...issue42(),
  id: 1800 + iid,
  iid,
  title: `Issue ${iid}`,
  web_url: `${GITLAB}/${project}/-/issues/${iid}`,
  references: { short: `#${iid}`, relative: `#${iid}`, full: `${project}#${iid}` },
});

const at = (time: string, date = '2026-11-26') => Date.parse(`${date}T${time}+01:00`);
const SINCE = Date.parse('2026-11-22T10:00:00.250Z');
const listQuery = (page: number) => ({ scope: 'all', updated_after: '2026-11-22T10:00:00Z', order_by: 'updated_at', sort: 'asc', per_page: '100', page: String(page) });

const gitlab = () => nock(GITLAB).matchHeader('private-token', TOKEN);
const next = (page: number | '') => ({ 'X-Next-Page': String(page) });

/** Serves one of an issue's records, `perPage` a page, naming the next page as GitLab does. */
function serveRecords(scope: nock.Scope, iid: number, record: string, items: readonly Json[], perPage = 100): void {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  for (let page = 1; page <= pages; page += 1) {
    const query = { ...(record === 'notes' ? { sort: 'asc', order_by: 'created_at' } : {}), per_page: '100', page: String(page) };
    scope.get(`/api/v4/projects/${ENCODED}/issues/${iid}/${record}`).query(query).reply(200, items.slice((page - 1) * perPage, page * perPage) as nock.Body, next(page < pages ? page + 1 : ''));
  }
}
function serveHistory(iid: number, notes: readonly Json[], labels: readonly Json[], states: readonly Json[], perPage = 100): nock.Scope {
  const scope = gitlab();
  serveRecords(scope, iid, 'notes', notes, perPage);
  serveRecords(scope, iid, 'resource_label_events', labels, perPage);
  serveRecords(scope, iid, 'resource_state_events', states, perPage);
  return scope;
}

async function allPages(iterable: AsyncIterable<ChangedIssuesPage>): Promise<ChangedIssuesPage[]> {
  const pages: ChangedIssuesPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}
const iids = (page: ChangedIssuesPage) => page.issues.map((issue) => (issue as { iid: number }).iid);

type Created = Extract<IssueEvent, { type: 'created' }>;
const created = (fields: Partial<Created> = {}): Created => ({
  type: 'created',
  at: at('09:12:44'),
  project: REPO,
  labels: ['priority::2'],
  environment: null,
  priority: 'P2',
  status: 'opened',
  paused: false,
  title: TITLE_42,
  assignee: null,
  synthetic: false,
  ...fields,
});
const labelEvents = (time: number, labels: string[], priority: Created['priority'], status = 'opened', paused = false): IssueEvent[] => [
  { type: 'labels_changed', at: time, labels },
  { type: 'priority_changed', at: time, priority },
  { type: 'environment_changed', at: time, environment: null },
  { type: 'status_changed', at: time, status, paused },
];
const ISSUE_42: IssueRef = { id: `${REPO}#42`, key: `${REPO}#42`, title: TITLE_42, url: `${GITLAB}/${REPO}/-/issues/42` };

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}

describe('GitLab reader (reconciliation)', () => {
  interceptHttp({ cleanAfterEach: true });
  const http = new OutboundHttp({ retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  const read: TrackerRead = (request) => http.send({ ...request, method: request.method ?? 'GET' }).then((response) => ({ data: response.data, headers: response.headers }));

  it('is the gitlab connector’s reader', () => {
    expect(gitlabConnector.createReader?.()).to.equal(gitlabReader);
  });

  describe('changedIssues', () => {
    it('lists every issue the token sees when no project or group is named, page by page while X-Next-Page says', async () => {
      const scope = gitlab()
        .get('/api/v4/issues')
        .query(listQuery(1))
        .reply(200, [listedIssue(100), listedIssue(99)], next(2))
        .get('/api/v4/issues')
        .query(listQuery(2))
        .reply(200, [listedIssue(98)], next(''));
      const pages = await allPages(gitlabReader.changedIssues(source(), SINCE, read));
      expect(pages.map(iids)).to.deep.equal([[100, 99], [98]]);
      expect(pages[0]!.issues[0]).to.deep.equal(listedIssue(100));
      expect(scope.isDone()).to.equal(true);
    });

    it('lists each named project and group, URL-encoded, each issue once, and leaves work items it does not cover out', async () => {
      const task = { ...listedIssue(7, 'open2bizz/support/hosting'), issue_type: 'task', type: 'TASK' };
      const incident = { ...listedIssue(8, 'open2bizz/support/hosting'), id: 5008, issue_type: 'incident', type: 'INCIDENT' };
      const scope = gitlab()
        .get(`/api/v4/projects/${ENCODED}/issues`)
        .query(listQuery(1))
        .reply(200, [listedIssue(42)], next(''))
        .get('/api/v4/groups/open2bizz%2Fsupport/issues')
        .query(listQuery(1))
        .reply(200, [task, incident, listedIssue(42)], next(''));
      const pages = await allPages(gitlabReader.changedIssues(withListings([REPO], ['open2bizz/support']), SINCE, read));
      expect(pages.map(iids)).to.deep.equal([[42], [8]]);
      expect(scope.isDone()).to.equal(true);
    });

    it('ends at a short page when a proxy drops X-Next-Page', async () => {
      const scope = gitlab().get('/api/v4/issues').query(listQuery(1)).reply(200, [listedIssue(1)]);
      expect((await allPages(gitlabReader.changedIssues(source(), SINCE, read))).map(iids)).to.deep.equal([[1]]);
      expect(scope.isDone()).to.equal(true);
    });

    it('refuses an answer that is not a list, saying which read it was', async () => {
      gitlab().get('/api/v4/issues').query(listQuery(1)).reply(200, { message: 'odd' });
      const error = await allPages(gitlabReader.changedIssues(source(), SINCE, read)).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.equal('gitlab gitlab-demo: issues updated since 2026-11-22T10:00:00Z, page 1: expected a list, got object');
    });

    it('needs api.token, and says so naming the source, before any request', async () => {
      const error = await allPages(gitlabReader.changedIssues(source({ apiToken: undefined }), SINCE, read)).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.equal('gitlab gitlab-demo: reconciliation reads issues through the GitLab API, which needs api.token; none is set');
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  });

  describe('issueHistory', () => {
    const STORY: IssueEvent[] = [
      created(),
      ...labelEvents(at('09:31:05'), ['priority::1'], 'P1'),
      { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' },
      { type: 'commented', at: at('09:47:30'), by: 'agent', public: true },
      { type: 'commented', at: at('09:50:02'), by: 'customer', public: false },
      ...labelEvents(at('10:05:18'), ['priority::1', WAITING], 'P1', WAITING, true),
      { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
      ...labelEvents(at('13:30:41'), ['priority::1'], 'P1'),
      { type: 'resolved', at: at('16:02:57'), status: 'closed' },
      { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'opened' },
    ];

    it('replays #42’s notes and resource events, read over several pages, as the events of its story', async () => {
      const scope = serveHistory(42, notes42(), labels42(), states42(), 2);
      expect(await gitlabReader.issueHistory(source(), issue42(), read)).to.deep.equal({ outcome: 'events', issue: ISSUE_42, events: STORY } satisfies Normalized);
      expect(scope.isDone()).to.equal(true);
    });

    it('gives the same facts as the webhooks of the story (same type and content, within 60 s)', async () => {
      serveHistory(42, notes42(), labels42(), states42());
      const reconciled = eventsOf(await gitlabReader.issueHistory(source(), issue42(), read));
      const delivered = GITLAB_ISSUE_42_WEBHOOKS.flatMap((name) => {
        const { headers, body } = json<{ headers: Record<string, string>; body: unknown }>(name);
        const normalized = gitlabConnector.normalize(source(), gitlabConnector.payloadSchema.parse(body), { headers, rawBody: Buffer.from(JSON.stringify(body)) });
        return normalized.outcome === 'events' ? normalized.events : [];
      });
      // Synthetic created and observed events restate the issue as each delivery saw it: not facts of their own.
      const facts = delivered.filter((event) => event.type !== 'observed' && (event.type !== 'created' || !event.synthetic));
      const sameFact = (a: IssueEvent, b: IssueEvent) => Math.abs(a.at - b.at) <= 60_000 && isDeepStrictEqual({ ...a, at: 0 }, { ...b, at: 0 });
      for (const event of reconciled) expect(facts.some((fact) => sameFact(event, fact)), `reconciled ${JSON.stringify(event)}`).to.equal(true);
      for (const fact of facts) expect(reconciled.some((event) => sameFact(event, fact)), `delivered ${JSON.stringify(fact)}`).to.equal(true);
      expect(reconciled).to.have.length(facts.length);
    });

    it('leaves a work item it does not cover out without reading anything', async () => {
      expect(await gitlabReader.issueHistory(source(), { ...issue42(), issue_type: 'test_case' }, read)).to.deep.equal({ outcome: 'ignored', reason: 'test_case work items are not covered' });
    });

    it('finds the project in web_url when the issue has no references (before 12.6), and refuses an issue naming it nowhere', async () => {
      const { references: _references, ...old } = issue42();
      serveHistory(42, [], [], []);
      expect((await gitlabReader.issueHistory(source(), { ...old, labels: [], assignees: [], assignee: null }, read)) as { issue: IssueRef }).to.deep.include({ issue: ISSUE_42 });
      const error = await gitlabReader.issueHistory(source(), { ...old, web_url: null }, read).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.equal('gitlab gitlab-demo: a listed issue names its project neither in references.full nor in web_url');
    });

    it('refuses a listed issue it does not understand, naming the field', async () => {
      const { iid: _iid, ...issue } = issue42();
      const error = await gitlabReader.issueHistory(source(), issue, read).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.match(/^gitlab gitlab-demo: a listed issue is not one the reader understands: iid: /);
    });

    describe('each kind of record gives exactly the events its webhook gives', () => {
      const note = (id: number, changes: Json = {}): Json => ({ ...notes42().find((candidate) => candidate.id === id)!, ...changes });
      const label = (id: number, changes: Json = {}): Json => ({ ...labels42().find((candidate) => candidate.id === id)!, ...changes });
      const state = (id: number): Json => states42().find((candidate) => candidate.id === id)!;
      const RBAKKER = note(9390).author as Json;
      const SUPPORT = note(9401).author as Json;

      interface Case {
        readonly name: string;
        readonly notes?: readonly Json[];
        readonly labels?: readonly Json[];
        readonly states?: readonly Json[];
        readonly issue?: Json;
        readonly events: readonly IssueEvent[];
      }
      const unassigned = { assignees: [], assignee: null };

      const CASES: readonly Case[] = [
        {
          name: 'comments by an agent and a customer, an internal note; system notes and the bridge user’s own comment are no comments',
          notes: [note(9401), note(9402), note(9412), note(9431), note(9401, { id: 9440, author: { ...SUPPORT, username: 'sla-bridge' } })],
          labels: [label(1001)],
          issue: { labels: ['priority::2'], ...unassigned },
          events: [
            created(),
            { type: 'commented', at: at('09:47:30'), by: 'agent', public: true },
            { type: 'commented', at: at('09:50:02'), by: 'customer', public: false },
            { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
          ],
        },
        {
          name: 'raising the priority: the scoped label’s removal and the addition are one change',
          labels: [label(1001), label(1002), label(1003)],
          issue: { labels: ['priority::1'], ...unassigned },
          events: [created(), ...labelEvents(at('09:31:05'), ['priority::1'], 'P1')],
        },
        {
          name: 'closed and reopened, and a label removed while closed restates the status as closed',
          labels: [label(1001), label(1004), label(1005, { created_at: '2026-11-26T16:10:00.000Z' })],
          states: [state(501), state(502)],
          issue: { labels: ['priority::2'], ...unassigned },
          events: [
            created(),
            ...labelEvents(at('10:05:18'), ['priority::2', WAITING], 'P2', WAITING, true),
            { type: 'resolved', at: at('16:02:57'), status: 'closed' },
            ...labelEvents(at('17:10:00'), ['priority::2'], 'P2', 'closed'),
            { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'opened' },
          ],
        },
        {
          name: 'closed before state events existed (13.2): resolved at closed_at',
          labels: [label(1001)],
          issue: { labels: ['priority::2'], ...unassigned, state: 'closed', closed_at: '2026-11-26T15:02:57.000Z' },
          events: [created(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }],
        },
        {
          name: 'assignees added and removed: each change reports the first assignee after it',
          notes: [
            note(9390),
            note(9390, { id: 9391, created_at: '2026-11-26T08:41:30.000Z', body: 'assigned to @open2bizz-support' }),
            note(9390, { id: 9392, created_at: '2026-11-26T08:50:00.000Z', body: 'unassigned @rbakker' }),
          ],
          labels: [label(1001)],
          issue: { labels: ['priority::2'], assignees: [SUPPORT], assignee: SUPPORT },
          events: [
            created(),
            { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' },
            { type: 'assigned', at: at('09:41:30'), assignee: 'rbakker' },
            { type: 'assigned', at: at('09:50:00'), assignee: 'open2bizz-support' },
          ],
        },
        {
          name: 'opened with labels and an assignee: the creating transaction’s records are the creation, not changes',
          notes: [note(9390, { created_at: '2026-11-26T08:12:45.000Z', author: note(9412).author })],
          labels: [label(1001, { created_at: '2026-11-26T08:12:45.000Z' })],
          issue: { labels: ['priority::2'], assignees: [RBAKKER], assignee: RBAKKER },
          events: [created({ assignee: 'rbakker' })],
        },
        {
          name: 'a label deleted since: the creation is only a guess (synthetic)',
          labels: [label(1001, { label: null })],
          issue: { labels: [], ...unassigned },
          events: [created({ labels: [], priority: 'P4', synthetic: true })],
        },
        {
          name: 'labels no record explains (added before 11.2, or by an import): the creation is only a guess (synthetic)',
          issue: { labels: ['priority::1'], ...unassigned },
          events: [created({ labels: ['priority::1'], priority: 'P1', synthetic: true })],
        },
        {
          name: 'everyone unassigned at once: who was assigned before is a guess',
          notes: [note(9390), note(9390, { id: 9393, created_at: '2026-11-26T09:00:00.000Z', body: 'removed all assignees' })],
          labels: [label(1001)],
          issue: { labels: ['priority::2'], ...unassigned },
          events: [created({ synthetic: true }), { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' }, { type: 'assigned', at: at('10:00:00'), assignee: null }],
        },
      ];

      for (const { name, notes = [], labels = [], states = [], issue: changes, events } of CASES) {
        it(name, async () => {
          const issue = { ...issue42(), state: 'opened', closed_at: null, ...changes };
          const scope = serveHistory(42, notes, labels, states);
          expect(eventsOf(await gitlabReader.issueHistory(source(), issue, read))).to.deep.equal(events);
          expect(scope.isDone()).to.equal(true);
        });
      }
    });
  });

  describe('assignee system notes', () => {
    const rows: [body: string, change: ReturnType<typeof assigneeChange>][] = [
      ['assigned to @rbakker', { added: ['rbakker'], removed: [] }],
      ['assigned to @a.b, @c-d and @e_f', { added: ['a.b', 'c-d', 'e_f'], removed: [] }],
      ['assigned to @a and @b and unassigned @c and @d', { added: ['a', 'b'], removed: ['c', 'd'] }],
      ['unassigned @rbakker', { added: [], removed: ['rbakker'] }],
      ['removed assignee', { removedAll: true }],
      ['removed all assignees', { removedAll: true }],
      ['Assignee removed', { removedAll: true }],
      ['Reassigned to @rbakker', { replacedBy: 'rbakker' }],
      ['changed due date to December 31, 2026', null],
      ['assigned to nobody in particular', null],
      ['mentioned in issue #7', null],
    ];
    for (const [body, change] of rows) {
      it(`reads "${body}"`, () => {
        expect(assigneeChange(body)).to.deep.equal(change);
      });
    }
  });
});
