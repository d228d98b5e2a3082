/**
 * Deliveries as real Gitea, Forgejo, Jira and GitHub servers sent them (test/fixtures/<kind>/eras, with
 * their provenance), through the real express app, queue and workers: each is accepted and lands
 * in the issue's log as exactly these events. Then a property: taking away or nulling what the
 * bridge can do without, or adding fields it does not know, never turns one into a 400.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { type IssueRef, connectorOf } from '../../connectors/connector.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { createLogger } from '../../src/app/logger.js';
import { refusalField } from '../../src/app/http/refusal-field.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import type { Source } from '../../src/config/source.js';
import type { Reporter } from '../../src/domain/contacts-rule.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { shippedConfig } from '../support/shipped-config.js';

type Json = Record<string, any>;
interface Fixture {
  readonly name: string;
  readonly source: string;
  readonly headers: Record<string, string>;
  readonly body: Json;
}

const SECRET = 'recorded-deliveries-secret';
const FIXTURES = path.join(projectRoot(), 'test/fixtures');
/** Which source receives the fixtures of each folder: forgejo is the Gitea demo source as Forgejo; GitHub Enterprise Server deliveries go to a server of their own. */
const SOURCE_OF: Record<string, string> = { gitea: 'gitea-demo', forgejo: 'forgejo-demo', jira: 'jira-demo', github: 'github-demo' };
const sourceOfFixture = (name: string) => (name.startsWith('github/eras/ghes-') ? 'ghes-demo' : SOURCE_OF[name.split('/')[0]!]!);

function config(): SlaConfig {
  const shipped = shippedConfig().sources;
  const demo = (id: string): Source => ({ ...shipped.get(id)!, secrets: [SECRET] });
  const sources = [
    demo('gitea-demo'),
    { ...demo('gitea-demo'), id: 'forgejo-demo', kind: 'forgejo' as const },
    demo('jira-demo'),
    demo('github-demo'),
    { ...demo('github-demo'), id: 'ghes-demo', baseUrl: 'https://octocoders.github.io' },
  ];
  return { ...shippedConfig(), sources: new Map(sources.map((source) => [source.id, source])) };
}

function fixturesIn(folder: string): Fixture[] {
  const dir = path.join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const name = `${folder}/${file.replace(/\.json$/, '')}`;
      return { name, source: sourceOfFixture(name), ...JSON.parse(readFileSync(path.join(dir, file), 'utf8')) };
    });
}

const recorded = (name: string): Fixture => fixturesIn(path.dirname(name)).find((fixture) => fixture.name === name)!;

const kindOf = (source: string) => config().sources.get(source)!.kind;

function signed(fixture: Pick<Fixture, 'source' | 'headers'>, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { ...fixture.headers, ...connectorOf(trackerConnectors, kindOf(fixture.source)).sign(SECRET, raw) } };
}

const at = (iso: string) => Date.parse(iso);

type Created = Extract<IssueEvent, { type: 'created' }>;
const created = (fields: Partial<Created> & Pick<Created, 'at' | 'project' | 'title'>): Created => ({
  type: 'created',
  labels: [],
  environment: null,
  priority: 'P4',
  status: 'open',
  paused: false,
  assignee: null,
  synthetic: true,
  ...fields,
});
/** `author`: who wrote it, as the delivery names them (for a sign-off by the reporter's note). */
const customerComment = (time: number, author?: Reporter): IssueEvent => ({ type: 'commented', at: time, by: 'customer', public: true, ...(author ? { author } : {}) });
/** How a delivery other than the opening showed the issue, at its last change. */
const observed = (time: number, fields: Partial<Extract<IssueEvent, { type: 'observed' }>> = {}): IssueEvent => ({
  type: 'observed',
  at: time,
  status: 'open',
  paused: false,
  resolved: false,
  priority: 'P4',
  assignee: null,
  ...fields,
});

interface IssueStory {
  /** Sent in this order, each applied before the next is sent. */
  readonly deliveries: readonly string[];
  readonly source: string;
  readonly issue: IssueRef;
  readonly events: readonly IssueEvent[];
}

// Who reported and commented, as the recorded payloads name them (authorized contacts, sign-off by note).
const KOSTEK: Reporter = { names: ['kostekIV'], email: 'koscis.j@gmail.com' };
const EXAMPLE: Reporter = { names: ['example'], email: 'example@example.com' };
const JIRA_TEST: Reporter = { names: ['jira_test'], email: 'jira_test@bingo-boom.ru' };
const CODERTOCAT: Reporter = { names: ['Codertocat'] };

const FEDORA_TITLE = 'Need to delete user account in FAS that has been already deleted in Discourse (discussion.fedoraproject.org) due to violations (spam, AI, etc.)';

const STORIES: readonly IssueStory[] = [
  {
    // Gitea 1.11-dev: no issue.html_url, so the link is the repository's plus /issues/3.
    deliveries: ['gitea/eras/1.11-dev-issue-opened', 'gitea/eras/1.11-dev-comment-created', 'gitea/eras/1.11-dev-issue-closed'],
    source: 'gitea-demo',
    issue: { id: 'kostekIV/test#3', key: 'kostekIV/test#3', title: 'Test issue 2', url: 'https://try.gitea.io/kostekIV/test/issues/3' },
    events: [
      created({ at: at('2019-11-17T23:45:03Z'), project: 'kostekIV/test', title: 'Test issue', synthetic: false, reporter: KOSTEK }),
      customerComment(at('2019-11-17T23:45:10Z'), { names: ['kostekIV'] }),
      observed(at('2019-11-17T23:45:10Z')),
      { type: 'resolved', at: at('2019-11-18T00:08:27Z'), status: 'closed' },
      observed(at('2019-11-18T00:08:27Z'), { status: 'closed', resolved: true, assignee: 'kostekIV' }),
    ],
  },
  {
    deliveries: ['gitea/eras/1.16-issue-opened', 'gitea/eras/1.16-label-updated', 'gitea/eras/1.16-comment-created'],
    source: 'gitea-demo',
    issue: { id: 'example/example#1', key: 'example/example#1', title: 'example', url: 'http://localhost:3000/example/example/issues/1' },
    events: [
      created({ at: at('2022-03-09T16:19:00+09:00'), project: 'example/example', title: 'example', synthetic: false, reporter: EXAMPLE }),
      { type: 'labels_changed', at: at('2022-03-09T16:21:23+09:00'), labels: ['bug'] },
      { type: 'priority_changed', at: at('2022-03-09T16:21:23+09:00'), priority: 'P4' },
      { type: 'environment_changed', at: at('2022-03-09T16:21:23+09:00'), environment: null },
      { type: 'status_changed', at: at('2022-03-09T16:21:23+09:00'), status: 'open', paused: false },
      observed(at('2022-03-09T16:21:23+09:00'), { assignee: 'example' }),
      // The comment was written before the label change; its delivery came after.
      customerComment(at('2022-03-09T16:20:44+09:00'), { names: ['example'] }),
      observed(at('2022-03-09T16:20:44+09:00'), { assignee: 'example' }),
    ],
  },
  {
    deliveries: ['forgejo/eras/v10-next-comment-created'],
    source: 'forgejo-demo',
    issue: {
      id: 'packit/test-repo-to-generate-events#1',
      key: 'packit/test-repo-to-generate-events#1',
      title: 'new issue',
      url: 'https://v10.next.forgejo.org/packit/test-repo-to-generate-events/issues/1',
    },
    events: [
      created({ at: at('2025-08-19T08:34:42Z'), project: 'packit/test-repo-to-generate-events', title: 'new issue', reporter: { names: ['mfocko'], email: 'mfocko@example.com' } }),
      customerComment(at('2025-08-19T08:36:14Z'), { names: ['mfocko'] }),
      observed(at('2025-08-19T08:36:14Z')),
    ],
  },
  {
    deliveries: ['forgejo/eras/fedora-2026-comment-created'],
    source: 'forgejo-demo',
    issue: { id: 'infra/tickets#13131', key: 'infra/tickets#13131', title: FEDORA_TITLE, url: 'https://forge.fedoraproject.org/infra/tickets/issues/13131' },
    events: [
      created({ at: at('2026-02-10T09:56:21Z'), project: 'infra/tickets', title: FEDORA_TITLE, labels: ['Gain/Low', 'low-trouble', 'ops'], reporter: { names: ['py0xc3'] } }),
      customerComment(at('2026-07-14T07:56:19Z'), { names: ['zlopez'] }),
      observed(at('2026-07-14T07:56:19Z')),
    ],
  },
  {
    // Jira Server: the comment alone knows only the issue id; the issue_commented webhook brings the rest.
    deliveries: ['jira/eras/server-comment-created-no-issue', 'jira/eras/server-issue-commented'],
    source: 'jira-demo',
    issue: { id: '26313', key: 'BBCOM-956', title: 'BBCOM-956', url: 'https://jira.example.com/browse/BBCOM-956' },
    events: [
      customerComment(1512034084304, JIRA_TEST),
      created({ at: at('2017-09-08T11:43:48.626+03:00'), project: 'BBCOM', title: 'BBCOM-956', priority: 'P3', status: 'Reopened', assignee: 'jira_test', reporter: JIRA_TEST }),
      customerComment(1511973439683, JIRA_TEST),
      observed(1511973439683, { status: 'Reopened', priority: 'P3', assignee: 'jira_test' }),
    ],
  },
  {
    // GitHub.com, the docs' examples of 2019: the comment is the repository OWNER's, an association github-demo counts as an agent.
    deliveries: ['github/eras/dotcom-2019-issue-opened', 'github/eras/dotcom-2019-comment-created'],
    source: 'github-demo',
    issue: { id: 'Codertocat/Hello-World#1', key: 'Codertocat/Hello-World#1', title: 'Spelling error in the README file', url: 'https://github.com/Codertocat/Hello-World/issues/1' },
    events: [
      created({ at: at('2019-05-15T15:20:18Z'), project: 'Codertocat/Hello-World', title: 'Spelling error in the README file', labels: ['bug'], assignee: 'Codertocat', synthetic: false, reporter: CODERTOCAT }),
      { type: 'commented', at: at('2019-05-15T15:20:21Z'), by: 'agent', public: true, author: CODERTOCAT },
      observed(at('2019-05-15T15:20:21Z'), { assignee: 'Codertocat' }),
    ],
  },
  {
    deliveries: ['github/eras/dotcom-2026-issue-opened'],
    source: 'github-demo',
    issue: {
      id: 'DhruvShetty22/zulip-test#33',
      key: 'DhruvShetty22/zulip-test#33',
      title: 'This is a very long Issue title to test topic truncation when renaming.',
      url: 'https://github.com/DhruvShetty22/zulip-test/issues/33',
    },
    events: [
      created({
        at: at('2026-01-23T17:01:17Z'),
        project: 'DhruvShetty22/zulip-test',
        title: 'This is a very long Issue title to test topic truncation when renaming.',
        synthetic: false,
        reporter: { names: ['DhruvShetty22'] },
      }),
    ],
  },
  {
    deliveries: ['github/eras/ghes-3.5-issue-labeled'],
    source: 'ghes-demo',
    issue: { id: 'Codertocat/Hello-World#1', key: 'Codertocat/Hello-World#1', title: 'Spelling error in the README file', url: 'https://octocoders.github.io/Codertocat/Hello-World/issues/1' },
    events: [
      created({ at: at('2019-05-15T19:37:53Z'), project: 'Codertocat/Hello-World', title: 'Spelling error in the README file', labels: ['bug'], assignee: 'Codertocat', reporter: CODERTOCAT }),
      { type: 'labels_changed', at: at('2019-05-15T19:37:54Z'), labels: ['bug'] },
      { type: 'priority_changed', at: at('2019-05-15T19:37:54Z'), priority: 'P4' },
      { type: 'environment_changed', at: at('2019-05-15T19:37:54Z'), environment: null },
      { type: 'status_changed', at: at('2019-05-15T19:37:54Z'), status: 'open', paused: false },
      observed(at('2019-05-15T19:37:54Z'), { assignee: 'Codertocat' }),
    ],
  },
  {
    deliveries: ['jira/eras/cloud-comment-created'],
    source: 'jira-demo',
    issue: { id: '10000', key: 'ZUL-1', title: 'A minor issue', url: 'https://jira.example.com/browse/ZUL-1' },
    events: [customerComment(1546892751184, { names: ['5a1b0e47748e770ed11f338c', 'admin'] }), observed(1546892751184, { status: 'Backlog', priority: 'P3' })],
  },
];

/** What the bridge cannot do without, as payload paths (array indexes as []); anything else may go. */
const REQUIRED: Record<'gitea' | 'jira' | 'github', ReadonlySet<string>> = {
  github: new Set([
    'issue.number',
    'issue.created_at',
    'issue.updated_at',
    'issue.labels[].name',
    'issue.assignee.login',
    'issue.assignees[].login',
    'comment.created_at',
    'comment.user.login',
    'repository.full_name',
  ]),
  gitea: new Set([
    'issue.number',
    'issue.title',
    'issue.state',
    'issue.created_at',
    'issue.updated_at',
    'issue.labels[].name',
    'issue.assignee.login',
    'issue.assignees[].login',
    'comment.created_at',
    'comment.user.login',
    'repository.full_name',
  ]),
  jira: new Set([
    'timestamp',
    'webhookEvent',
    'issue',
    'issue.id',
    'issue.key',
    'issue.fields',
    'issue.fields.created',
    'issue.fields.project',
    'issue.fields.project.key',
    'issue.fields.status',
    'issue.fields.status.name',
    'issue.fields.priority.name',
    'issue.fields.components[].name',
    'comment',
    'comment.self',
    'comment.visibility.type',
    'changelog.items',
    'changelog.items[].field',
    // A worklog delivery names its issue only here; the time is what it is about.
    'worklog',
    'worklog.id',
    'worklog.issueId',
    'worklog.timeSpentSeconds',
  ]),
};

type PathPart = string | number;

/** Every property of every object in the body, and every object (where a field can be added). */
function pathsOf(value: unknown, prefix: PathPart[] = [], found = { properties: [] as PathPart[][], objects: [] as PathPart[][] }) {
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], found));
  else if (value !== null && typeof value === 'object') {
    found.objects.push(prefix);
    for (const [key, item] of Object.entries(value)) {
      found.properties.push([...prefix, key]);
      pathsOf(item, [...prefix, key], found);
    }
  }
  return found;
}

function parentOf(body: Json, parts: readonly PathPart[]): Json | undefined {
  let node: any = body;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? node : undefined;
}

describe('deliveries recorded from real servers', function () {
  this.timeout(60_000);
  const output = new PassThrough();
  const logLines: string[] = [];
  output.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
  let bridge: TestBridge;

  before(async () => {
    bridge = await startTestBridge({ config: config(), logger: createLogger({ level: 'debug', format: 'json', stream: output }) });
  });
  after(async () => {
    await bridge.close();
  });

  const post = (fixture: Pick<Fixture, 'source' | 'headers'>, body: unknown) => {
    const { raw, headers } = signed(fixture, body);
    return postRaw(`${bridge.url}/webhooks/${fixture.source}`, raw, headers);
  };

  it('has a story for every recorded delivery', () => {
    const told = new Set([...STORIES.flatMap((story) => story.deliveries), 'gitea/eras/1.25-pr-comment-created', 'github/eras/dotcom-2019-pr-comment-created', 'github/eras/dotcom-2019-ping']);
    const files = ['gitea/eras', 'forgejo/eras', 'jira/eras', 'github/eras'].flatMap(fixturesIn).map((fixture) => fixture.name);
    expect(files.sort()).to.deep.equal([...told].sort());
  });

  for (const story of STORIES) {
    it(`${story.issue.key}: ${story.deliveries.map((name) => path.basename(name)).join(', ')} are accepted and stored as these events`, async () => {
      for (const name of story.deliveries) {
        const fixture = recorded(name);
        const result = await post(fixture, fixture.body);
        expect(result.status, `${name}: ${JSON.stringify(result.body)}`).to.equal(202);
        // One at a time: workers run in parallel, and the log keeps the order they applied them.
        await waitForIdleQueue(bridge);
      }
      expect(await bridge.store.loadEvents(story.source, story.issue.id)).to.deep.equal(story.events);
      const state = await waitForState(bridge, story.source, story.issue.id, (candidate) => candidate.eventCount === story.events.length);
      expect(state.issue).to.deep.equal(story.issue);
    });
  }

  it('answers a comment on a pull request (gitea.com, 2025) 200 with the reason, not 400', async () => {
    const fixture = recorded('gitea/eras/1.25-pr-comment-created');
    const result = await post(fixture, fixture.body);
    expect(result.status).to.equal(200);
    expect(result.body).to.deep.include({ status: 'ignored', reason: 'pull requests are not covered' });
  });

  it('answers a comment on a pull request (GitHub.com, 2019) and a ping 200 with the reason, not 400', async () => {
    const comment = recorded('github/eras/dotcom-2019-pr-comment-created');
    expect((await post(comment, comment.body)).body).to.deep.include({ status: 'ignored', reason: 'pull requests are not covered' });
    const ping = recorded('github/eras/dotcom-2019-ping');
    const answer = await post(ping, ping.body);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ status: 'ignored', reason: 'ping from hook 109948940: the webhook reaches the bridge' });
  });

  it("never stores, logs or answers the webhook secret Gitea 1.10-1.14 put in the body", async () => {
    const fixture = recorded('gitea/eras/1.11-dev-issue-opened');
    const secret = `hook-secret-${randomUUID()}`;
    const delivery = randomUUID();
    const body = { ...structuredClone(fixture.body), secret, issue: { ...fixture.body.issue, number: 4 } };
    const result = await post({ ...fixture, headers: { ...fixture.headers, 'x-gitea-delivery': delivery } }, body);
    expect(result.status).to.equal(202);
    await waitForState(bridge, fixture.source, 'kostekIV/test#4');
    const jobs = await bridge.queue.getJobs(['completed', 'waiting', 'active']);
    const job = jobs.find((candidate) => candidate.data.deliveryId === delivery);
    expect(job, 'the delivery was queued').not.to.equal(undefined);
    expect(logLines.join('')).to.include(delivery);
    for (const text of [JSON.stringify(result.body), JSON.stringify(job!.data), logLines.join('')]) expect(text).not.to.include(secret);
  });

  it('never answers 400 for a recorded delivery with fields it does not know added, or fields it can do without taken away or nulled', async () => {
    const all = ['gitea/eras', 'forgejo/eras', 'jira/eras', 'github/eras', 'gitea', 'forgejo', 'jira', 'github'].flatMap(fixturesIn);
    const byName = new Map(all.map((fixture) => [fixture.name, fixture]));
    // Drawn by name, so that a counterexample names the fixture instead of printing it.
    const mutation = fc.constantFrom(...byName.keys()).chain((name) => {
      const fixture = byName.get(name)!;
      const { properties, objects } = pathsOf(fixture.body);
      const kind = ({ jira: 'jira', github: 'github' } as const)[kindOf(fixture.source) as 'jira' | 'github'] ?? 'gitea';
      const optional = properties.filter((parts) => !REQUIRED[kind].has(refusalField(parts)));
      const edit = fc.record({ parts: fc.constantFrom(...optional), to: fc.constantFrom('removed', 'null') });
      const extra = fc.record({ parts: fc.constantFrom(...objects), key: fc.stringMatching(/^x_[a-z0-9_]{1,10}$/), value: fc.jsonValue({ maxDepth: 2 }) });
      return fc.record({ name: fc.constant(name), edits: fc.array(edit, { maxLength: 6 }), extras: fc.array(extra, { maxLength: 4 }) });
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ name, edits, extras }) => {
        const fixture = byName.get(name)!;
        const body = structuredClone(fixture.body);
        for (const { parts, key, value } of extras) {
          const target = parentOf(body, parts);
          if (target) target[key] = value;
        }
        for (const { parts, to } of edits) {
          const target = parentOf(body, parts.slice(0, -1));
          const key = parts[parts.length - 1]!;
          if (!target || !(key in target)) continue;
          if (to === 'null') target[key] = null;
          else delete target[key];
        }
        const result = await post(fixture, body);
        expect(result.status, `${fixture.name} ${JSON.stringify({ edits, extras })}: ${JSON.stringify(result.body)}`).to.be.oneOf([200, 202]);
      }),
      { numRuns: 100 },
    );
  });
});
