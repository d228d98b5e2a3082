/**
 * The GitHub reader for reconciliation, against a GitHub intercepted by nock and read through the
 * bridge's own OutboundHttp. Fixtures in test/fixtures/github/rest: issue #42 as the issue list
 * shows it at the end of its story (test/connectors/github.test.ts tells the same story in
 * webhooks), its timeline, and pull request #44 as the listing includes it.
 */
import { expect } from 'chai';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ChangedIssuesPage, IssueRef, Normalized, TrackerRead } from '../../connectors/connector.js';
import { githubConnector } from '../../connectors/github/index.js';
import { githubSettings } from '../../connectors/github/source-settings.js';
import { githubReader } from '../../connectors/github/reader.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { GITHUB_ISSUE_42_WEBHOOKS } from '../support/github-story.js';
import { interceptHttp } from '../support/http-interception.js';
import { shippedConfig } from '../support/shipped-config.js';

const FIXTURES = path.join(projectRoot(), 'test/fixtures/github');
const json = <T>(name: string): T => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;

type Json = Record<string, any>;

const API = 'https://api.github.com';
const REPO = 'open2bizz/odoo-customer';
const TOKEN = 'github-token';
const TITLE_42 = "Sales orders cannot be confirmed: 'Missing required account on accountable line'";
const ORIGINAL_TITLE_42 = 'Sales orders cannot be confirmed';
const WAITING = 'status/waiting-for-customer';

const demo = () => shippedConfig().sources.get('github-demo')!;
/** The shipped source, reconciling `repositories`. */
const withRepositories = (repositories: string[]) => ({ ...githubSettings(demo()), repositories });
const source = (overrides: Partial<Source> = {}): Source => ({
  ...demo(),
  apiToken: TOKEN,
  apiUser: 'sla-bridge',
  settings: withRepositories([REPO]),
  ...overrides,
});

const issue42 = (): Json => json<Json>('rest/issue-42');
const timeline42 = (): Json[] => json<Json[]>('rest/timeline-42');
const pull44 = (): Json => json<Json>('rest/pull-44');

/** Issue #n of a repository, built from #42's fixture. */
function listedIssue(number: number, repository = REPO): Json {
  return {
    ...issue42(),
    id: 3600000000 + number,
    number,
    title: `Issue ${number}`,
    url: `${API}/repos/${repository}/issues/${number}`,
    repository_url: `${API}/repos/${repository}`,
    html_url: `https://github.com/${repository}/issues/${number}`,
  };
}
const issues = (from: number, count: number, repository = REPO) => Array.from({ length: count }, (_, i) => listedIssue(from - i, repository));

const at = (time: string, date = '2026-11-26') => Date.parse(`${date}T${time}+01:00`);
const SINCE = Date.parse('2026-11-22T10:00:00.250Z');
const LIST_QUERY = { state: 'all', since: '2026-11-22T10:00:00Z', per_page: '100' };
const API_HEADERS = { authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

const github = () => nock(API, { reqheaders: API_HEADERS });

/** GitHub's Link header for page `page` of a listing at `pathname`, the way the API writes it. */
function link(pathname: string, query: Record<string, string>, page: number, last: number): string {
  const url = (n: number) => `<${API}${pathname}?${new URLSearchParams({ ...query, page: String(n) })}>`;
  const parts = [];
  if (page > 1) parts.push(`${url(page - 1)}; rel="prev"`);
  if (page < last) parts.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page > 1) parts.push(`${url(1)}; rel="first"`);
  return parts.join(', ');
}

async function allPages(iterable: AsyncIterable<ChangedIssuesPage>): Promise<ChangedIssuesPage[]> {
  const pages: ChangedIssuesPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}
const numbers = (page: ChangedIssuesPage) => page.issues.map((issue) => (issue as { number: number }).number);

/** Serves `entries` as the timeline of `issue`, `perPage` a page, linked by Link headers. */
function serveTimeline(issue: Json, entries: readonly Json[], perPage = 100): nock.Scope {
  const pathname = `/repos/${REPO}/issues/${String(issue.number)}/timeline`;
  const pages = Math.max(1, Math.ceil(entries.length / perPage));
  const scope = github();
  for (let page = 1; page <= pages; page += 1) {
    const query = page === 1 ? { per_page: '100' } : { per_page: '100', page: String(page) };
    const headers: Record<string, string> = pages > 1 ? { Link: link(pathname, { per_page: "100" }, page, pages) } : {};
    scope.get(pathname).query(query).reply(200, entries.slice((page - 1) * perPage, page * perPage), headers);
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

const ISSUE_42: IssueRef = { id: `${REPO}#42`, key: `${REPO}#42`, title: TITLE_42, url: `https://github.com/${REPO}/issues/42` };

function eventsOf(normalized: Normalized): readonly IssueEvent[] {
  if (normalized.outcome !== 'events') throw new Error(`ignored: ${normalized.reason}`);
  return normalized.events;
}

const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected an error'), (error: unknown) => error as Error);

describe('GitHub reader (reconciliation)', () => {
  interceptHttp({ cleanAfterEach: true });

  const http = new OutboundHttp({ retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  const read: TrackerRead = (request) => http.send({ ...request, method: request.method ?? 'GET' }).then((response) => ({ data: response.data, headers: response.headers }));

  it('is the github connector’s reader', () => {
    expect(githubConnector.createReader?.()).to.equal(githubReader);
  });

  describe('changedIssues', () => {
    it('lists each configured repository, following the Link header, leaving pull requests out', async () => {
      const pathname = `/repos/${REPO}/issues`;
      const scope = github()
        .get(pathname)
        .query(LIST_QUERY)
        .reply(200, [...issues(100, 99), pull44()], { Link: link(pathname, LIST_QUERY, 1, 2) })
        .get(pathname)
        .query({ ...LIST_QUERY, page: '2' })
        .reply(200, issues(1, 1), { Link: link(pathname, LIST_QUERY, 2, 2) })
        .get('/repos/open2bizz/odoo-hosting/issues')
        .query(LIST_QUERY)
        .reply(200, [listedIssue(12, 'open2bizz/odoo-hosting')]);

      const pages = await allPages(githubReader.changedIssues(source({ settings: withRepositories([REPO, 'open2bizz/odoo-hosting']) }), SINCE, read));

      expect(pages.map(numbers)).to.deep.equal([Array.from({ length: 99 }, (_, i) => 100 - i), [1], [12]]);
      expect(pages.map((page) => page.total)).to.deep.equal([undefined, undefined, undefined]);
      expect(scope.isDone()).to.equal(true);
    });

    it('reads a GitHub Enterprise Server under /api/v3 of its address', async () => {
      const scope = nock('https://github.example.com', { reqheaders: API_HEADERS }).get(`/api/v3/repos/${REPO}/issues`).query(LIST_QUERY).reply(200, issues(5, 1));
      const pages = await allPages(githubReader.changedIssues(source({ baseUrl: 'https://github.example.com' }), SINCE, read));
      expect(pages.map(numbers)).to.deep.equal([[5]]);
      expect(scope.isDone()).to.equal(true);
    });

    it('gives no page when nothing changed', async () => {
      const scope = github().get(`/repos/${REPO}/issues`).query(LIST_QUERY).reply(200, []);
      expect(await allPages(githubReader.changedIssues(source(), SINCE, read))).to.deep.equal([]);
      expect(scope.isDone()).to.equal(true);
    });

    it('follows no Link to another host: the token would go with it', async () => {
      github().get(`/repos/${REPO}/issues`).query(LIST_QUERY).reply(200, issues(3, 1), { Link: '<https://evil.example.com/repos/x/issues?page=2>; rel="next"' });
      const error = await failure(allPages(githubReader.changedIssues(source(), SINCE, read)));
      expect(error.message).to.equal('github github-demo: the next page is on another host (https://evil.example.com); not followed');
    });

    it('refuses an answer that is not a list, saying which read it was', async () => {
      github().get(`/repos/${REPO}/issues`).query(LIST_QUERY).reply(200, { message: 'Moved' });
      const error = await failure(allPages(githubReader.changedIssues(source(), SINCE, read)));
      expect(error.message).to.equal(`github github-demo: issues of ${REPO} updated since 2026-11-22T10:00:00Z: expected a list of issues, got object`);
    });

    it('needs the repositories and api.token, and says so naming the source, before any request', async () => {
      const noRepositories = await failure(allPages(githubReader.changedIssues(source({ settings: withRepositories([]) }), SINCE, read)));
      expect(noRepositories.message).to.match(/^github github-demo: set reconcile.repositories/);
      const noToken = await failure(allPages(githubReader.changedIssues(source({ apiToken: undefined }), SINCE, read)));
      expect(noToken.message).to.equal('github github-demo: reconciliation reads issues through the GitHub API, which needs api.token; none is set');
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  });

  describe('issueHistory', () => {
    it('replays #42’s timeline, read over several pages, as the events of its story', async () => {
      const scope = serveTimeline(issue42(), timeline42(), 6);

      const history = await githubReader.issueHistory(source(), issue42(), read);

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
        allTimeRecords: true,
      } satisfies Normalized);
      expect(scope.isDone()).to.equal(true);
    });

    it('gives the same facts as the webhooks of the story (same type and content, within 60 s)', async () => {
      serveTimeline(issue42(), timeline42());
      const reconciled = eventsOf(await githubReader.issueHistory(source(), issue42(), read));
      const delivered = GITHUB_ISSUE_42_WEBHOOKS.flatMap((name) => {
        const { headers, body } = json<{ headers: Record<string, string>; body: unknown }>(name);
        const normalized = githubConnector.normalize(source(), githubConnector.payloadSchema.parse(body), { headers, rawBody: Buffer.from(JSON.stringify(body)) });
        return normalized.outcome === 'events' ? normalized.events : [];
      });
      // Synthetic created and observed events restate the issue as each delivery saw it, and the
      // labeled delivery GitHub sends for a label the issue was opened with restates the creation:
      // not facts of their own.
      const opening = delivered.find((event) => event.type === 'created' && !event.synthetic)!;
      const restatesOpening = (event: IssueEvent) => event.at === opening.at && ['labels_changed', 'priority_changed', 'environment_changed', 'status_changed'].includes(event.type);
      const facts = delivered.filter((event) => event.type !== 'observed' && (event.type !== 'created' || !event.synthetic) && !restatesOpening(event));
      const sameFact = (a: IssueEvent, b: IssueEvent) => Math.abs(a.at - b.at) <= 60_000 && isDeepStrictEqual({ ...a, at: 0 }, { ...b, at: 0 });
      for (const event of reconciled) expect(facts.some((fact) => sameFact(event, fact)), `reconciled ${JSON.stringify(event)}`).to.equal(true);
      for (const fact of facts) expect(reconciled.some((event) => sameFact(event, fact)), `delivered ${JSON.stringify(fact)}`).to.equal(true);
      // Raising the priority took two webhooks (one per label) and one change of the timeline.
      expect(reconciled).to.have.length(facts.length - 4);
      expect(reconciled[0]).to.include({ type: 'created', title: ORIGINAL_TITLE_42, synthetic: false });
    });

    it("books an agent's `/spent` line as the webhook path does, at its last edit, and a customer's not", async () => {
      const timeline = timeline42().map((entry) => {
        if (entry.id === 2481003377) return { ...entry, body: `${String(entry.body)}\n/spent 1h30m`, updated_at: '2026-11-26T09:05:00Z' };
        if (entry.id === 2481337904) return { ...entry, body: `${String(entry.body)}\n/spent 2h` };
        return entry;
      });
      serveTimeline(issue42(), timeline);
      const booked = eventsOf(await githubReader.issueHistory(source(), issue42(), read)).filter((event) => event.type === 'time_logged');
      expect(booked).to.deep.equal([{ type: 'time_logged', at: Date.parse('2026-11-26T09:05:00Z'), recordId: 'github-comment:2481003377', seconds: 5400, author: 'open2bizz-support' }]);
    });

    it('leaves a pull request out without reading its timeline', async () => {
      expect(await githubReader.issueHistory(source(), pull44(), read)).to.deep.equal({ outcome: 'ignored', reason: 'pull requests are not covered' });
    });

    it('refuses a listed issue without its repository, naming the field', async () => {
      const { repository_url: _, ...issue } = issue42();
      const error = await failure(githubReader.issueHistory(source(), issue, read));
      expect(error.message).to.match(/^github github-demo: a listed issue is not one the reader understands: repository_url: /);
    });

    describe('each kind of timeline entry gives exactly the events its webhook gives', () => {
      const entry = (index: number, changes: Json = {}): Json => ({ ...timeline42()[index]!, ...changes });
      const USERS = Object.fromEntries(timeline42().flatMap((candidate) => [candidate.actor, candidate.user]).filter(Boolean).map((user: Json) => [user.login, user]));
      const labelOf = (name: string): Json => ({ name, color: 'ededed' });
      const labelsOf = (...names: string[]) => names.map((name) => ({ ...issue42().labels[0], name, url: `${API}/repos/${REPO}/labels/${encodeURIComponent(name)}` }));

      interface Case {
        readonly name: string;
        readonly timeline: readonly Json[];
        readonly issue?: Json;
        readonly events: readonly IssueEvent[];
      }

      const CASES: readonly Case[] = [
        {
          name: 'comments by an agent (by association) and a customer; the bridge user’s own comment is skipped',
          timeline: [entry(0), entry(5, { user: USERS.rbakker, actor: USERS.rbakker }), entry(7), entry(10)],
          issue: { labels: labelsOf('priority/2') },
          events: [created(), { type: 'commented', at: at('09:47:30'), by: 'agent', public: true }, { type: 'commented', at: at('13:22:09'), by: 'customer', public: true }],
        },
        {
          name: 'raising the priority: the removal and the addition of one edit are one change',
          timeline: [entry(0), entry(2), entry(3)],
          issue: { labels: labelsOf('priority/1') },
          events: [created(), ...labelEvents(at('09:31:05'), ['priority/1'], 'P1')],
        },
        {
          name: 'a pausing label added and removed',
          timeline: [entry(0), entry(6), entry(8)],
          issue: { labels: labelsOf('priority/2') },
          events: [created(), ...labelEvents(at('10:05:18'), ['priority/2', WAITING], 'P2', null, WAITING, true), ...labelEvents(at('13:30:41'), ['priority/2'], 'P2')],
        },
        {
          name: 'reopened while still waiting for the customer',
          timeline: [entry(0), entry(6), entry(11), entry(12)],
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
          timeline: [entry(0), entry(6), entry(11), entry(8, { created_at: '2026-11-26T16:10:00Z' })],
          issue: { labels: labelsOf('priority/2'), state: 'closed', closed_at: '2026-11-26T15:02:57Z' },
          events: [
            created(),
            ...labelEvents(at('10:05:18'), ['priority/2', WAITING], 'P2', null, WAITING, true),
            { type: 'resolved', at: at('16:02:57'), status: 'closed' },
            ...labelEvents(at('17:10:00'), ['priority/2'], 'P2', null, 'closed'),
          ],
        },
        {
          name: 'closed, with no closed entry: resolved at closed_at',
          timeline: [entry(0)],
          issue: { labels: labelsOf('priority/2'), state: 'closed', closed_at: '2026-11-26T15:02:57Z' },
          events: [created(), { type: 'resolved', at: at('16:02:57'), status: 'closed' }],
        },
        {
          name: 'assignees added and removed: each change reports the first assignee after it',
          timeline: [entry(0), entry(4), entry(4, { id: 1, created_at: '2026-11-26T08:41:30Z', assignee: USERS['open2bizz-support'] }), entry(13, { created_at: '2026-11-26T08:50:00Z' })],
          issue: { labels: labelsOf('priority/2'), assignee: USERS['open2bizz-support'], assignees: [USERS['open2bizz-support']] },
          events: [
            created(),
            { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' },
            { type: 'assigned', at: at('09:41:30'), assignee: 'rbakker' },
            { type: 'assigned', at: at('09:50:00'), assignee: 'open2bizz-support' },
          ],
        },
        {
          name: 'milestones, cross-references (entries without an id), subscriptions and renames give no events; the title is rebuilt',
          timeline: [entry(0), entry(1), entry(9), entry(14), { ...entry(4), event: 'subscribed', assignee: undefined }],
          issue: { labels: labelsOf('priority/2') },
          events: [created({ title: ORIGINAL_TITLE_42 })],
        },
        {
          name: 'opened with labels and an assignee: the entries at the creation are the creation, not changes',
          timeline: [entry(0), entry(0, { id: 2, label: labelOf('env/test') }), entry(4, { id: 3, created_at: '2026-11-26T08:12:45Z', actor: USERS.pvandijk })],
          issue: { labels: labelsOf('env/test', 'priority/2'), assignee: USERS.rbakker, assignees: [USERS.rbakker] },
          events: [created({ labels: ['env/test', 'priority/2'], environment: 'test', assignee: 'rbakker' })],
        },
        {
          name: 'the labels at creation are rebuilt from labels that are now all different',
          timeline: [
            entry(0, { label: labelOf('priority/3') }),
            entry(0, { id: 4, created_at: '2026-11-26T08:20:00Z', actor: USERS.rbakker, label: labelOf('env/test') }),
            entry(2, { label: labelOf('priority/3') }),
            entry(3),
            entry(6),
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
          name: 'an entry without its label: the creation is only a guess (synthetic)',
          timeline: [entry(0, { label: null })],
          issue: { labels: [] },
          events: [created({ labels: [], priority: 'P4', synthetic: true })],
        },
        {
          name: 'assigned twice without an unassignment (as old timelines show): the creation is only a guess (synthetic)',
          timeline: [entry(4), entry(4, { id: 5, created_at: '2026-11-26T09:00:00Z' })],
          issue: { labels: [], assignee: USERS.rbakker, assignees: [USERS.rbakker] },
          events: [created({ labels: [], priority: 'P4', synthetic: true }), { type: 'assigned', at: at('09:40:12'), assignee: 'rbakker' }, { type: 'assigned', at: at('10:00:00'), assignee: 'rbakker' }],
        },
        {
          name: 'labels the timeline does not explain (a migrated issue): the creation is only a guess (synthetic)',
          timeline: [],
          issue: { labels: labelsOf('priority/1') },
          events: [created({ labels: ['priority/1'], priority: 'P1', synthetic: true })],
        },
      ];

      for (const { name, timeline, issue: changes, events } of CASES) {
        it(name, async () => {
          const issue = { ...issue42(), ...changes };
          const scope = serveTimeline(issue, timeline);
          expect(eventsOf(await githubReader.issueHistory(source(), issue, read))).to.deep.equal(events);
          expect(scope.isDone()).to.equal(true);
        });
      }
    });
  });
});
