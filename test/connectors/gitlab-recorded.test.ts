/**
 * GitLab deliveries as gitlab.com sent them (test/fixtures/gitlab/eras, with their provenance)
 * through the real express app, queue and workers: each is accepted and lands in the issue's log
 * as exactly its events. Then a property: taking away or nulling what the bridge can do without,
 * or adding fields it does not know, never turns one into a 400; and the secret token is never
 * stored, logged or answered.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { IssueRef } from '../../connectors/connector.js';
import { gitlabConnector } from '../../connectors/gitlab/index.js';
import { createLogger } from '../../src/app/logger.js';
import { refusalField } from '../../src/app/http/refusal-field.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { shippedConfig } from '../support/shipped-config.js';

type Json = Record<string, any>;
interface Fixture {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly body: Json;
}

const SECRET = `gitlab-recorded-${randomUUID()}`;
const FIXTURES = path.join(projectRoot(), 'test/fixtures/gitlab');

function config(): SlaConfig {
  const source: Source = { ...shippedConfig().sources.get('gitlab-demo')!, secrets: [SECRET] };
  return { ...shippedConfig(), sources: new Map([[source.id, source]]) };
}

const fixturesIn = (folder: string): Fixture[] =>
  readdirSync(path.join(FIXTURES, folder))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ name: path.join(folder, file.replace(/\.json$/, '')), ...JSON.parse(readFileSync(path.join(FIXTURES, folder, file), 'utf8')) }));
const recorded = (name: string): Fixture => fixturesIn('eras').find((fixture) => fixture.name === `eras/${name}`)!;

const utc = (iso: string) => Date.parse(iso);
type Created = Extract<IssueEvent, { type: 'created' }>;
const created = (fields: Partial<Created> & Pick<Created, 'at' | 'project' | 'title'>): Created => ({
  type: 'created',
  labels: [],
  environment: null,
  priority: 'P4',
  status: 'opened',
  paused: false,
  assignee: null,
  synthetic: true,
  ...fields,
});
const observed = (time: number, fields: Record<string, unknown> = {}): IssueEvent => ({ type: 'observed', at: time, status: 'opened', paused: false, resolved: false, priority: 'P4', assignee: null, ...fields }) as IssueEvent;
const labelEvents = (time: number, labels: string[]): IssueEvent[] => [
  { type: 'labels_changed', at: time, labels },
  { type: 'priority_changed', at: time, priority: 'P4' },
  { type: 'environment_changed', at: time, environment: null },
  { type: 'status_changed', at: time, status: 'opened', paused: false },
];

interface IssueStory {
  readonly deliveries: readonly string[];
  readonly issue: IssueRef;
  readonly events: readonly IssueEvent[];
}

const HELLO = 'gitlab-org/hello-world';
const ZULIP = 'sbansal1999/testing-zulip-gitlab-integration';
const STORIES: readonly IssueStory[] = [
  {
    // gitlab.com, December 2017: the whole life of one issue, in the order it happened.
    deliveries: [
      'gitlab-com-2017-issue-opened',
      'gitlab-com-2017-issue-edited',
      'gitlab-com-2017-issue-labeled',
      'gitlab-com-2017-issue-closed',
      'gitlab-com-2017-issue-reopened',
      'gitlab-com-2017-comment-created',
    ],
    issue: { id: `${HELLO}#1`, key: `${HELLO}#1`, title: 'found a bug', url: `https://gitlab.com/${HELLO}/issues/1` },
    events: ([
      // The user of the `open` hook is the issue's author.
      created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug', synthetic: false, reporter: { names: ['sytses'] } }),
      created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug' }),
      observed(utc('2017-12-10T16:38:25Z')),
      created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug', labels: ['critical'] }),
      ...labelEvents(utc('2017-12-10T16:38:25Z'), ['critical']),
      observed(utc('2017-12-10T16:38:25Z')),
      created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug', labels: ['critical'] }),
      { type: 'resolved', at: utc('2017-12-10T16:41:28Z'), status: 'closed' },
      observed(utc('2017-12-10T16:41:28Z'), { status: 'closed', resolved: true }),
      created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug', labels: ['critical'] }),
      { type: 'reopened', at: utc('2017-12-10T16:41:55Z'), status: 'opened' },
      observed(utc('2017-12-10T16:41:55Z')),
      created({ at: utc('2017-12-10T16:37:38Z'), project: HELLO, title: 'found a bug' }),
      { type: 'commented', at: utc('2017-12-10T16:43:38Z'), by: 'customer', public: true, author: { names: ['sytses'] } },
      { type: 'observed', at: utc('2017-12-10T16:43:38Z'), resolved: false, assignee: null },
    ] satisfies IssueEvent[])
      // The store keeps at most one synthetic creation per issue (`created:synthetic`), the first,
      // and none once the real one is stored (it claims that id).
      .filter((event, index, all) => event.type !== 'created' || !event.synthetic || !all.slice(0, index).some((earlier) => earlier.type === 'created')),
  },
  {
    // gitlab.com, May 2023: an internal note, then a comment, on one public issue.
    deliveries: ['gitlab-com-2023-internal-note', 'gitlab-com-2023-comment-created'],
    issue: { id: `${ZULIP}#1`, key: `${ZULIP}#1`, title: 'Add more lines', url: `https://gitlab.com/${ZULIP}/-/issues/1` },
    events: [
      created({ at: utc('2023-05-20T17:56:18Z'), project: ZULIP, title: 'Add more lines' }),
      { type: 'commented', at: utc('2023-05-25T17:12:06Z'), by: 'customer', public: false, author: { names: ['sbansal1999'] } },
      observed(utc('2023-05-25T17:12:06Z')),
      { type: 'commented', at: utc('2023-05-25T18:41:09Z'), by: 'customer', public: true, author: { names: ['sbansal1999'] } },
      observed(utc('2023-05-25T18:41:09Z')),
    ],
  },
  {
    deliveries: ['gitlab-com-2026-incident-opened'],
    issue: { id: 'sathwikshetty33-group/mVc#2', key: 'sathwikshetty33-group/mVc#2', title: 'Testing', url: 'https://gitlab.com/sathwikshetty33-group/mVc/-/issues/2' },
    events: [created({ at: utc('2026-05-28T05:04:31.155Z'), project: 'sathwikshetty33-group/mVc', title: 'Testing', synthetic: false, reporter: { names: ['sathwikshetty33'] } })],
  },
  {
    deliveries: ['gitlab-com-2016-issue-updated'],
    issue: { id: 'tomaszkolek0/my-awesome-project#1', key: 'tomaszkolek0/my-awesome-project#1', title: 'Issue title_new', url: 'https://gitlab.com/tomaszkolek0/my-awesome-project/issues/1' },
    events: [
      created({ at: utc('2016-08-18T17:47:36Z'), project: 'tomaszkolek0/my-awesome-project', title: 'Issue title_new', assignee: 'tomaszkolek0' }),
      { type: 'assigned', at: utc('2016-08-18T17:56:30Z'), assignee: 'tomaszkolek0' },
      { type: 'observed', at: utc('2016-08-18T17:56:30Z'), resolved: false, assignee: 'tomaszkolek0' },
    ],
  },
];

/** What the bridge cannot do without, as payload paths (array indexes as []); anything else may go. */
const REQUIRED: ReadonlySet<string> = new Set([
  'object_kind',
  'object_attributes',
  'object_attributes.iid',
  'object_attributes.title',
  'object_attributes.created_at',
  'object_attributes.updated_at',
  'object_attributes.noteable_type',
  'object_attributes.labels[].title',
  'labels[].title',
  'changes.labels.previous[].title',
  'changes.labels.current[].title',
  'issue.iid',
  'issue.title',
  'issue.created_at',
  'issue.updated_at',
  'issue.labels[].title',
]);

type PathPart = string | number;
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

describe('GitLab deliveries recorded from gitlab.com, through the real app', function () {
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

  const post = (fixture: Pick<Fixture, 'headers'>, body: unknown) => {
    const raw = Buffer.from(JSON.stringify(body));
    return postRaw(`${bridge.url}/webhooks/gitlab-demo`, raw, { ...fixture.headers, ...gitlabConnector.sign(SECRET, raw) });
  };

  it('has a story for every recorded delivery', () => {
    expect(fixturesIn('eras').map((fixture) => fixture.name.replace('eras/', '')).sort()).to.deep.equal(STORIES.flatMap((story) => story.deliveries).sort());
  });

  for (const story of STORIES) {
    it(`${story.issue.key}: ${story.deliveries.join(', ')} are accepted and stored as these events`, async () => {
      for (const name of story.deliveries) {
        const fixture = recorded(name);
        const result = await post(fixture, fixture.body);
        expect(result.status, `${name}: ${JSON.stringify(result.body)}`).to.equal(202);
        await waitForIdleQueue(bridge);
      }
      expect(await bridge.store.loadEvents('gitlab-demo', story.issue.id)).to.deep.equal(story.events);
      const state = await waitForState(bridge, 'gitlab-demo', story.issue.id, (candidate) => candidate.eventCount === story.events.length);
      expect(state.issue).to.deep.equal(story.issue);
    });
  }

  it('answers a resend of the same delivery as a duplicate, with or without an Idempotency-Key', async () => {
    for (const name of ['gitlab-com-2017-issue-opened', 'gitlab-com-2026-incident-opened']) {
      const fixture = recorded(name);
      const again = await post({ headers: { ...fixture.headers, 'x-gitlab-event-uuid': randomUUID() } }, fixture.body);
      expect(again.body.status, name).to.equal('duplicate');
    }
  });

  it('never stores, logs or answers the secret token', async () => {
    const jobs = await bridge.queue.getJobs(['completed', 'waiting', 'active']);
    expect(jobs.length).to.be.greaterThan(0);
    for (const text of [JSON.stringify(jobs.map((job) => job.data)), logLines.join('')]) expect(text).not.to.include(SECRET);
  });

  it('never answers 400 for a delivery with fields it does not know added, or fields it can do without taken away or nulled', async () => {
    const all = [...fixturesIn('eras'), ...fixturesIn('')];
    const byName = new Map(all.map((fixture) => [fixture.name, fixture]));
    const mutation = fc.constantFrom(...byName.keys()).chain((name) => {
      const { properties, objects } = pathsOf(byName.get(name)!.body);
      const optional = properties.filter((parts) => !REQUIRED.has(refusalField(parts)));
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
        // A fresh delivery id, so that the property never meets its own earlier runs as duplicates.
        const result = await post({ headers: { ...fixture.headers, 'idempotency-key': randomUUID() } }, body);
        expect(result.status, `${fixture.name} ${JSON.stringify({ edits, extras })}: ${JSON.stringify(result.body)}`).to.be.oneOf([200, 202]);
      }),
      { numRuns: 100 },
    );
  });
});
