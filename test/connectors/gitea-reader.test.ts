/**
 * The Gitea/Forgejo reader for reconciliation, against a Gitea intercepted by nock and read through
 * the bridge's own OutboundHttp. Fixtures in test/fixtures/gitea/rest: issue #42 as the issue list
 * shows it at the end of its story (test/connectors/gitea.test.ts tells the same story in
 * webhooks), its timeline, and pull request #44 as the cross-repository search lists it.
 */
import { expect } from 'chai';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ChangedIssuesPage, IssueRef, Normalized, TrackerRead } from '../../connectors/connector.js';
import { giteaConnector } from '../../connectors/gitea/index.js';
import { giteaReader } from '../../connectors/gitea/reader.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { interceptHttp } from '../support/http-interception.js';
import { shippedConfig } from '../support/shipped-config.js';
import { GITEA_ISSUE_42_WEBHOOKS } from '../support/gitea-story.js';

const FIXTURES = path.join(projectRoot(), 'test/fixtures/gitea');
const json = <T>(name: string): T => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;

type Json = Record<string, unknown>;
interface Entry extends Json {
  readonly id: number;
}

const GITEA = 'https://gitea.example.com';
const REPO = 'open2bizz/odoo-customer';
const TOKEN = 'gitea-token';
const TITLE_42 = "Sales orders cannot be confirmed: 'Missing required account on accountable line'";
const ORIGINAL_TITLE_42 = 'Sales orders cannot be confirmed';
const WAITING = 'status/waiting-for-customer';

const source = (overrides: Partial<Source> = {}): Source => ({
  ...shippedConfig().sources.get('gitea-demo')!,
  apiToken: TOKEN,
  apiUser: 'sla-bridge',
  ...overrides,
});
const withRepositories = (...repositories: string[]): Source => source({ settings: { repositories } });

const issue42 = (): Json => json<Json>('rest/issue-42');
const timeline42 = (): Entry[] => json<Entry[]>('rest/timeline-42');
const pull44 = (): Json => json<Json>('rest/pull-44');

/** Issue #n of a repository, built from #42's fixture. */
function listedIssue(number: number, repository = REPO): Json {
  const issue = issue42();
  const [owner, name] = repository.split('/');
  return {
    ...issue,
    id: 1800 + number,
    number,
    title: `Issue ${number}`,
    url: `${GITEA}/api/v1/repos/${repository}/issues/${number}`,
    html_url: `${GITEA}/${repository}/issues/${number}`,
    repository: { ...(issue.repository as Json), name, owner, full_name: repository },
  };
}
const issues = (from: number, count: number, repository = REPO) => Array.from({ length: count }, (_, i) => listedIssue(from - i, repository));

const at = (time: string, date = '2026-11-26') => Date.parse(`${date}T${time}+01:00`);
const SINCE = Date.parse('2026-11-22T10:00:00.250Z');
const listQuery = (page: number, limit = 50) => ({ state: 'all', type: 'issues', since: '2026-11-22T10:00:00Z', page: String(page), limit: String(limit) });

const gitea = () => nock(GITEA).matchHeader('authorization', `token ${TOKEN}`);

async function allPages(iterable: AsyncIterable<ChangedIssuesPage>): Promise<ChangedIssuesPage[]> {
  const pages: ChangedIssuesPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}
const numbers = (page: ChangedIssuesPage) => page.issues.map((issue) => (issue as { number: number }).number);

/** Serves `entries` as the timeline of `issue`, `perPage` a page, then the empty page (`null`, as Gitea sends it). */
function serveTimeline(issue: Json, entries: readonly Entry[], perPage = 50): nock.Scope {
  const { full_name } = issue.repository as { full_name: string };
  const scope = gitea();
  const pages = Math.ceil(entries.length / perPage);
  for (let page = 1; page <= pages + 1; page += 1) {
    const body = page <= pages ? entries.slice((page - 1) * perPage, page * perPage) : null;
    scope.get(`/api/v1/repos/${full_name}/issues/${String(issue.number)}/timeline`).query({ page: String(page), limit: '50' }).reply(200, body as nock.Body);
  }
  return scope;
}

type Created = Extract<IssueEvent, { type: 'created' }>;
const created = (fields: Partial<Created> = {}): Created => ({
  type: 'created',
  at: at('09:12:44'),
  project: REPO,
  labels: ['priority/2'],
  environment: null,
  priority: 'P2',
  status: 'open',
  paused: false,
  title: TITLE_42,
  assignee: null,
  synthetic: false,
  ...fields,
});
const labelEvents = (time: number, labels: string[], priority: Created['priority'], environment: string | null = null, status = 'open', paused = false): IssueEvent[] => [
  { type: 'labels_changed', at: time, labels },
  { type: 'priority_changed', at: time, priority },
  { type: 'environment_changed', at: time, environment },
  { type: 'status_changed', at: time, status, paused },
];

const ISSUE_42: IssueRef = { id: `${REPO}#42`, key: `${REPO}#42`, title: TITLE_42, url: `${GITEA}/${REPO}/issues/42` };

describe('Gitea/Forgejo reader (reconciliation)', () => {
  interceptHttp({ cleanAfterEach: true });

  const http = new OutboundHttp({ retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  const read: TrackerRead = (request) => http.send({ ...request, method: request.method ?? 'GET' }).then((response) => ({ data: response.data, headers: response.headers }));

  it('is the gitea connector’s reader', () => {
    expect(giteaConnector.createReader?.()).to.equal(giteaReader);
  });

  describe('changedIssues', () => {
    it('lists each configured repository page by page, with the total over all of them, leaving pull requests out', async () => {
      const scope = gitea()
        .get(`/api/v1/repos/${REPO}/issues`)
        .query(listQuery(1))
        .reply(200, issues(100, 50), { 'X-Total-Count': '53' })
        .get('/api/v1/repos/open2bizz/odoo-hosting/issues')
        .query(listQuery(1))
        .reply(200, [listedIssue(8, 'open2bizz/odoo-hosting'), pull44()], { 'X-Total-Count': '2' })
        .get(`/api/v1/repos/${REPO}/issues`)
        .query(listQuery(2))
        .reply(200, issues(50, 3), { 'X-Total-Count': '53' });

      const pages = await allPages(giteaReader.changedIssues(withRepositories(REPO, 'open2bizz/odoo-hosting'), SINCE, read));

      expect(pages.map(numbers)).to.deep.equal([
        Array.from({ length: 50 }, (_, i) => 100 - i),
        [50, 49, 48],
        [8],
      ]);
      expect(pages.map((page) => page.total)).to.deep.equal([55, 55, 55]);
      expect(pages[0]!.issues[0]).to.deep.equal(listedIssue(100));
      expect(scope.isDone()).to.equal(true);
    });

    it('searches every repository the token can see when none are configured', async () => {
      const first = [...issues(60, 30), pull44(), ...issues(70, 19, 'open2bizz/odoo-hosting')];
      const scope = gitea()
        .get('/api/v1/repos/issues/search')
        .query(listQuery(1))
        .reply(200, first, { 'X-Total-Count': '52' })
        .get('/api/v1/repos/issues/search')
        .query(listQuery(2))
        .reply(200, issues(30, 2), { 'X-Total-Count': '52' });

      const pages = await allPages(giteaReader.changedIssues(source(), SINCE, read));

      expect(pages.map((page) => page.issues.length)).to.deep.equal([49, 2]);
      expect(pages.map((page) => page.total)).to.deep.equal([52, 52]);
      const repositories = pages.flatMap((page) => page.issues.map((issue) => (issue as { repository: { full_name: string } }).repository.full_name));
      expect(new Set(repositories)).to.deep.equal(new Set([REPO, 'open2bizz/odoo-hosting']));
      expect(scope.isDone()).to.equal(true);
    });

    it('ends at a short page when the server sends no X-Total-Count', async () => {
      const scope = gitea()
        .get(`/api/v1/repos/${REPO}/issues`)
        .query(listQuery(1))
        .reply(200, issues(99, 50))
        .get(`/api/v1/repos/${REPO}/issues`)
        .query(listQuery(2))
        .reply(200, issues(49, 7));

      const pages = await allPages(giteaReader.changedIssues(withRepositories(REPO), SINCE, read));

      expect(pages.map((page) => [page.issues.length, page.total])).to.deep.equal([
        [50, undefined],
        [7, undefined],
      ]);
      expect(scope.isDone()).to.equal(true);
    });

    it('reads on past "short" pages from a server whose MAX_RESPONSE_ITEMS is below the limit asked, up to the total', async () => {
      const scope = gitea();
      for (const [page, count] of [
        [1, 20],
        [2, 20],
        [3, 5],
      ] as const) {
        scope.get(`/api/v1/repos/${REPO}/issues`).query(listQuery(page)).reply(200, issues(100 - (page - 1) * 20, count), { 'X-Total-Count': '45' });
      }

      const pages = await allPages(giteaReader.changedIssues(withRepositories(REPO), SINCE, read));

      expect(pages.map((page) => page.issues.length)).to.deep.equal([20, 20, 5]);
      expect(scope.isDone()).to.equal(true);
    });

    it('gives no page when nothing changed', async () => {
      const scope = gitea().get('/api/v1/repos/issues/search').query(listQuery(1)).reply(200, [], { 'X-Total-Count': '0' });
      expect(await allPages(giteaReader.changedIssues(source(), SINCE, read))).to.deep.equal([]);
      expect(scope.isDone()).to.equal(true);
    });

    it('refuses an answer that is not a list, saying which read it was', async () => {
      gitea().get(`/api/v1/repos/${REPO}/issues`).query(listQuery(1)).reply(200, { message: 'not found' });
      const error = await allPages(giteaReader.changedIssues(withRepositories(REPO), SINCE, read)).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.equal(`gitea gitea-demo: issues of ${REPO} updated since 2026-11-22T10:00:00Z, page 1: expected a list of issues, got object`);
    });

    it('needs api.token, and says so naming the source, before any request', async () => {
      const error = await allPages(giteaReader.changedIssues(source({ apiToken: undefined }), SINCE, read)).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.equal('gitea gitea-demo: reconciliation reads issues through the gitea API, which needs api.token; none is set');
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  });

  describe('issueHistory', () => {
    it('replays #42’s timeline, read over several pages, as the events of its story', async () => {
      const scope = serveTimeline(issue42(), timeline42(), 6);

      const history = await giteaReader.issueHistory(source(), issue42(), read);

      expect(history).to.deep.equal({
        outcome: 'events',
        issue: ISSUE_42,
        events: [
          created({ title: ORIGINAL_TITLE_42 }),
          ...labelEvents(at('09:31:05'), ['priority/1'], 'P1'),
          { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' },
          { type: 'commented', at: at('09:47:30'), by: 'agent', public: true },
          ...labelEvents(at('10:05:18'), ['priority/1', WAITING], 'P1', null, WAITING, true),
          { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
          ...labelEvents(at('13:30:41'), ['priority/1'], 'P1'),
          { type: 'resolved', at: at('16:02:57'), status: 'closed' },
          { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'open' },
          { type: 'assigned', at: at('10:31:45', '2026-11-27'), assignee: null },
        ],
      } satisfies Normalized);
      expect(scope.isDone()).to.equal(true);
    });

    it('adds #42’s tracked times when the source asks for them (Gitea sends no webhook for them)', async () => {
      const timeline = serveTimeline(issue42(), timeline42());
      // GET /repos/{owner}/{repo}/issues/{index}/times: TrackedTime as modules/structs/issue_tracked_time.go has it.
      const times = gitea()
        .get(`/api/v1/repos/${REPO}/issues/42/times`)
        .query({ page: '1', limit: '50' })
        .reply(200, json<Json[]>('rest/times-42'))
        .get(`/api/v1/repos/${REPO}/issues/42/times`)
        .query({ page: '2', limit: '50' })
        .reply(200, []);
      const history = await giteaReader.issueHistory(source({ settings: { repositories: [], trackedTimes: true } }), issue42(), read);
      const events = history.outcome === 'events' ? history.events : [];
      expect(events.filter((event) => event.type === 'time_logged')).to.deep.equal([
        { type: 'time_logged', at: at('09:47:30'), recordId: 'gitea-time:311', seconds: 2700, author: 'rbakker' },
        { type: 'time_logged', at: at('16:02:00'), recordId: 'gitea-time:318', seconds: 5400, author: 'rbakker' },
      ]);
      expect(timeline.isDone() && times.isDone()).to.equal(true);
    });

    it('gives the same facts as the webhooks of the story (same type and content, within 60 s)', async () => {
      serveTimeline(issue42(), timeline42());
      const reconciled = eventsOf(await giteaReader.issueHistory(source(), issue42(), read));
      const delivered = GITEA_ISSUE_42_WEBHOOKS.flatMap((name) => {
        const { headers, body } = json<{ headers: Record<string, string>; body: unknown }>(name);
        const normalized = giteaConnector.normalize(source(), giteaConnector.payloadSchema.parse(body), { headers, rawBody: Buffer.from(JSON.stringify(body)) });
        return normalized.outcome === 'events' ? normalized.events : [];
      });
      // Synthetic created and observed events restate the issue as each delivery saw it: not facts of their own.
      const facts = delivered.filter((event) => event.type !== 'observed' && (event.type !== 'created' || !event.synthetic));

      // The recorded `opened` delivery already carries the title corrected at 09:15; the timeline
      // gives the title the issue was opened with. Titles are compared on their own.
      const withoutTitle = (event: IssueEvent): IssueEvent => (event.type === 'created' ? { ...event, title: undefined } : event);
      const sameFact = (a: IssueEvent, b: IssueEvent) =>
        Math.abs(a.at - b.at) <= 60_000 && isDeepStrictEqual({ ...withoutTitle(a), at: 0 }, { ...withoutTitle(b), at: 0 });
      for (const event of reconciled) expect(facts.some((fact) => sameFact(event, fact)), `reconciled ${JSON.stringify(event)}`).to.equal(true);
      for (const fact of facts) expect(reconciled.some((event) => sameFact(event, fact)), `delivered ${JSON.stringify(fact)}`).to.equal(true);
      expect(reconciled).to.have.length(facts.length);
      expect(reconciled[0]).to.include({ type: 'created', title: ORIGINAL_TITLE_42 });
    });

    it('leaves a pull request out without reading its timeline', async () => {
      expect(await giteaReader.issueHistory(source(), pull44(), read)).to.deep.equal({ outcome: 'ignored', reason: 'pull requests are not covered' });
    });

    it('refuses a listed issue without its repository, naming the field', async () => {
      const { repository: _, ...issue } = issue42();
      const error = await giteaReader.issueHistory(source(), issue, read).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.match(/^gitea gitea-demo: a listed issue is not one the reader understands: repository: /);
    });

    it('needs api.token, naming the source', async () => {
      const error = await giteaReader.issueHistory(source({ apiToken: undefined }), issue42(), read).then(
        () => expect.fail('expected an error'),
        (failure: unknown) => failure as Error,
      );
      expect(error.message).to.include('gitea-demo').and.include('api.token');
    });

    describe('each kind of timeline entry gives exactly the events its webhook gives', () => {
      const entry = (id: number, changes: Partial<Entry> = {}): Entry => ({ ...timeline42().find((candidate) => candidate.id === id)!, ...changes });
      /** Labels as Gitea sends them; priority/3 and env/test are repository labels #42 never had. */
      const LABELS: Record<string, Json> = {
        ...Object.fromEntries(timeline42().flatMap((candidate) => (candidate.label ? [[(candidate.label as { name: string }).name, candidate.label as Json]] : []))),
        'priority/3': { id: 103, name: 'priority/3', exclusive: true, is_archived: false, color: 'fbca04', description: 'Prioriteit 3: weinig effect', url: `${GITEA}/api/v1/repos/${REPO}/labels/103` },
        'env/test': { id: 110, name: 'env/test', exclusive: false, is_archived: false, color: '5319e7', description: 'Geïsoleerde testomgeving', url: `${GITEA}/api/v1/repos/${REPO}/labels/110` },
      };
      const labelsOf = (...names: string[]) => names.map((name) => LABELS[name]!);
      const assigneesOf = (...logins: string[]) => {
        const users = timeline42().flatMap((candidate) => [candidate.user, candidate.assignee]) as ({ login: string } | null)[];
        return logins.map((login) => users.find((user) => user?.login === login)!);
      };
      const SUPPORT = entry(9405).user as Json;
      const PVANDIJK = entry(9390).user as Json;

      interface Case {
        readonly name: string;
        readonly timeline: readonly Entry[];
        /** The listed issue, changed from #42 as it is at the end of the story. */
        readonly issue?: Json;
        readonly events: readonly IssueEvent[];
      }

      const CASES: readonly Case[] = [
        {
          name: 'comments by an agent and a customer; the bridge user’s own comment is skipped',
          timeline: [entry(9390), entry(9412), entry(9430), entry(9441)],
          issue: { labels: labelsOf('priority/2') },
          events: [
            created(),
            { type: 'commented', at: at('09:47:30'), by: 'agent', public: true },
            { type: 'commented', at: at('13:22:09'), by: 'customer', public: true },
          ],
        },
        {
          name: 'raising the priority: the exclusive scope’s removal and the addition are one change',
          timeline: [entry(9390), entry(9398), entry(9399)],
          issue: { labels: labelsOf('priority/1') },
          events: [created(), ...labelEvents(at('09:31:05'), ['priority/1'], 'P1')],
        },
        {
          name: 'a pausing label added and removed',
          timeline: [entry(9390), entry(9415), entry(9433)],
          issue: { labels: labelsOf('priority/2') },
          events: [
            created(),
            ...labelEvents(at('10:05:18'), ['priority/2', WAITING], 'P2', null, WAITING, true),
            ...labelEvents(at('13:30:41'), ['priority/2'], 'P2'),
          ],
        },
        {
          name: 'closed and reopened',
          timeline: [entry(9390), entry(9447), entry(9460)],
          issue: { labels: labelsOf('priority/2') },
          events: [created(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }, { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: 'open' }],
        },
        {
          name: 'reopened while still waiting for the customer',
          timeline: [entry(9390), entry(9415), entry(9447), entry(9460)],
          issue: { labels: labelsOf('priority/2', WAITING) },
          events: [
            created(),
            ...labelEvents(at('10:05:18'), ['priority/2', WAITING], 'P2', null, WAITING, true),
            { type: 'resolved', at: at('16:02:57'), status: 'closed' },
            { type: 'reopened', at: at('10:15:03', '2026-11-27'), status: WAITING },
          ],
        },
        {
          name: 'a label removed while closed restates the status as closed',
          timeline: [entry(9390), entry(9415), entry(9447), entry(9433, { created_at: '2026-11-26T17:10:00+01:00' })],
          issue: { labels: labelsOf('priority/2'), state: 'closed', closed_at: '2026-11-26T16:02:57+01:00' },
          events: [
            created(),
            ...labelEvents(at('10:05:18'), ['priority/2', WAITING], 'P2', null, WAITING, true),
            { type: 'resolved', at: at('16:02:57'), status: 'closed' },
            ...labelEvents(at('17:10:00'), ['priority/2'], 'P2', null, 'closed'),
          ],
        },
        {
          name: 'closed, with no close in the timeline: resolved at closed_at',
          timeline: [entry(9390)],
          issue: { labels: labelsOf('priority/2'), state: 'closed', closed_at: '2026-11-26T16:02:57+01:00' },
          events: [created(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }],
        },
        {
          name: 'assignees added and removed: each change reports the first assignee after it',
          timeline: [
            entry(9390),
            entry(9405),
            entry(9405, { id: 9406, created_at: '2026-11-26T09:41:30+01:00', assignee: SUPPORT }),
            entry(9462, { created_at: '2026-11-26T09:50:00+01:00' }),
          ],
          issue: { labels: labelsOf('priority/2'), assignee: SUPPORT, assignees: [SUPPORT] },
          events: [
            created(),
            { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' },
            { type: 'assigned', at: at('09:41:30'), assignee: 'rbakker' },
            { type: 'assigned', at: at('09:50:00'), assignee: 'open2bizz-support' },
          ],
        },
        {
          name: 'milestones, references from pull requests and title edits give no events (the title is rebuilt)',
          timeline: [entry(9390), entry(9391), entry(9402), entry(9421)],
          issue: { labels: labelsOf('priority/2') },
          events: [created({ title: ORIGINAL_TITLE_42 })],
        },
        {
          name: 'opened with labels and an assignee: the creating transaction’s entries are the creation, not changes',
          timeline: [
            entry(9390),
            entry(9390, { id: 9392, created_at: '2026-11-26T09:12:45+01:00', label: LABELS['env/test'] }),
            entry(9405, { id: 9393, created_at: '2026-11-26T09:12:45+01:00', user: PVANDIJK }),
          ],
          issue: { labels: labelsOf('env/test', 'priority/2'), assignee: assigneesOf('rbakker')[0], assignees: assigneesOf('rbakker') },
          events: [created({ labels: ['env/test', 'priority/2'], environment: 'test', assignee: 'rbakker' })],
        },
        {
          name: 'the labels at creation are rebuilt from labels that are now all different',
          timeline: [
            entry(9390, { label: LABELS['priority/3'] }),
            entry(9390, { id: 9400, created_at: '2026-11-26T09:20:00+01:00', user: SUPPORT, label: LABELS['env/test'] }),
            entry(9398, { label: LABELS['priority/3'] }),
            entry(9399),
            entry(9415),
          ],
          issue: { labels: labelsOf('env/test', 'priority/1', WAITING) },
          events: [
            created({ labels: ['priority/3'], priority: 'P3' }),
            ...labelEvents(at('09:20:00'), ['env/test', 'priority/3'], 'P3', 'test'),
            ...labelEvents(at('09:31:05'), ['env/test', 'priority/1'], 'P1', 'test'),
            ...labelEvents(at('10:05:18'), ['env/test', 'priority/1', WAITING], 'P1', 'test', WAITING, true),
          ],
        },
        {
          name: 'a label deleted since: the creation is only a guess (synthetic)',
          timeline: [entry(9390, { label: null })],
          issue: { labels: [] },
          events: [created({ labels: [], priority: 'P4', synthetic: true })],
        },
        {
          name: 'labels the timeline does not explain (a migrated issue): the creation is only a guess (synthetic)',
          timeline: [],
          issue: { labels: labelsOf('priority/1') },
          events: [created({ labels: ['priority/1'], priority: 'P1', synthetic: true })],
        },
        {
          name: 'types sent as numbers (label 7, close 2) are read as their names',
          timeline: [entry(9390, { type: 7 }), entry(9447, { type: 2 })],
          issue: { labels: labelsOf('priority/2'), state: 'closed', closed_at: '2026-11-26T16:02:57+01:00' },
          events: [created(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }],
        },
      ];

      for (const { name, timeline, issue: changes, events } of CASES) {
        it(name, async () => {
          const issue = { ...issue42(), ...changes };
          const scope = serveTimeline(issue, timeline);
          const history = await giteaReader.issueHistory(source(), issue, read);
          expect(eventsOf(history)).to.deep.equal(events);
          expect(scope.isDone()).to.equal(true);
        });
      }
    });
  });
});

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}
