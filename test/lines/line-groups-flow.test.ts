/**
 * Support lines whose members are tracker groups, and lines of components, end to end: the groups'
 * members are read from each tracker's REST API (nock at the tracker's host, the payload shapes of
 * test/fixtures/line-groups.md), kept in Redis, and a failed read keeps them; through a real bridge
 * on a real Redis, an assignment to a member of a Jira group starts that line's handover and her
 * comment stops it, and an issue moved into a line's Jira component starts that line's handover.
 */
import { expect } from 'chai';
import nock from 'nock';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { trackerRead } from '../../src/app/jobs/reconcile.js';
import { createLogger } from '../../src/app/logger.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import { LineGroupDirectory } from '../../src/app/store/line-group-directory.js';
import { createRedis, type RedisClient } from '../../src/app/store/redis-connection.js';
import type { Source } from '../../src/config/source.js';
import { LineMembers } from '../../src/domain/line-members.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { commentCreated, issueCreated, jiraTime } from '../support/jira-payloads.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { shippedConfig } from '../support/shipped-config.js';
import { writeConfig } from '../support/temp-config.js';

const CONFIG_DIR = path.join(projectRoot(), 'test/fixtures/timer-config');
const FIXTURES = path.join(projectRoot(), 'test/fixtures');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const LINES = `lines:
  second:
    members: ["group:jira-second-line"]
    handover: { P1: 60s, P2: 60s, P3: 60s, P4: 60s }
  platform:
    components: [Platform]
    handover: { P1: 60s, P2: 60s, P3: 60s, P4: 60s }
`;

function linesConfig() {
  const files = Object.fromEntries(['calendars/round-the-clock.yaml', 'channels/managers.yaml', 'contracts/fast.yaml', 'sources/jira-demo.yaml'].map((name) => [name, readFileSync(path.join(CONFIG_DIR, name), 'utf8')]));
  const source = `${files['sources/jira-demo.yaml']!}api:\n  user: sla-bot@example.com\n  token: jira-api-token\n`;
  const contract = files['contracts/fast.yaml']!.replace(/^escalation:.*\n/m, '') + LINES;
  const dir = writeConfig({ ...files, 'sources/jira-demo.yaml': source, 'contracts/fast.yaml': contract });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GROUP_PATH = '/rest/api/2/group/member';
const page = (startAt: number) => ({ groupname: 'jira-second-line', startAt: String(startAt), maxResults: '50' });
/** The group's two pages, as Jira Cloud answers them; `times` readings of each. */
function jiraGroup(times = 1) {
  return nock('https://jira.example.com')
    .get(GROUP_PATH)
    .times(times)
    .query(page(0))
    .reply(200, fixture('jira/rest/group-member-page-1.json'))
    .get(GROUP_PATH)
    .times(times)
    .query(page(50))
    .reply(200, fixture('jira/rest/group-member-page-2.json'));
}

const noRetry = () => trackerRead(new OutboundHttp({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }));

describe('support line members read from the trackers’ groups', () => {
  interceptHttp({ cleanAfterEach: true });
  const withToken = (id: string): Source => ({ ...shippedConfig().sources.get(id)!, apiToken: 'line-groups-token' });

  it('Jira: every page of the group, people by accountId (Cloud) and the names its events use', async () => {
    const scope = jiraGroup();
    const source = linesConfig().sources.get('jira-demo')!;
    const members = await trackerConnectors.jira.groupMembers!(source, 'jira-second-line', noRetry());
    expect(scope.isDone(), 'both pages read').to.equal(true);
    expect(members).to.deep.equal([
      { id: '5b10a2844c20165700ede21g', names: ['Mia Krystof', '5b10a2844c20165700ede21g', 'mia.krystof@desk.example'] },
      { id: '5b10ac8d82e05b22cc7d4ef5', names: ['Emma Willems', '5b10ac8d82e05b22cc7d4ef5'] },
    ]);
  });

  it('Jira Server/Data Center: people by user name, which the assignment takes there', async () => {
    const server: Source = { ...linesConfig().sources.get('jira-demo')!, apiUser: undefined, apiToken: 'pat' };
    // Data Center's page: the same paging, users with name and key instead of accountId.
    nock('https://jira.example.com')
      .get(GROUP_PATH)
      .query(page(0))
      .matchHeader('authorization', 'Bearer pat')
      .reply(200, { self: 'https://jira.example.com/rest/api/2/group/member?groupname=jira-second-line&startAt=0&maxResults=50', maxResults: 50, startAt: 0, total: 1, isLast: true, values: [{ self: 'https://jira.example.com/rest/api/2/user?username=rob', name: 'rob', key: 'JIRAUSER10100', emailAddress: 'rob@2value.example', displayName: 'Rob Jansen', active: true, timeZone: 'Europe/Amsterdam' }] });
    expect(await trackerConnectors.jira.groupMembers!(server, 'jira-second-line', noRetry())).to.deep.equal([{ id: 'rob', names: ['Rob Jansen', 'rob', 'JIRAUSER10100', 'rob@2value.example'] }]);
  });

  it('Gitea/Forgejo: the team found by its exact name in the search, then its members', async () => {
    const scope = nock('https://gitea.example.com')
      .get('/api/v1/orgs/acme/teams/search')
      .query({ q: 'second-line', limit: '50' })
      .matchHeader('authorization', 'token line-groups-token')
      .reply(200, fixture('gitea/rest/teams-search.json'))
      .get('/api/v1/teams/6/members')
      .query({ page: '1', limit: '50' })
      .reply(200, fixture('gitea/rest/team-members.json'));
    const members = await trackerConnectors.gitea.groupMembers!(withToken('gitea-demo'), 'acme/second-line', noRetry());
    expect(scope.isDone()).to.equal(true);
    expect(members).to.deep.equal([{ id: 'anja', names: ['anja@acme.example'] }]);
    const refused = await trackerConnectors.gitea.groupMembers!(withToken('gitea-demo'), 'second-line', noRetry()).then(() => undefined, (error: Error) => error.message);
    expect(refused).to.contain('team "second-line" must be written <organisation>/<team>');
  });

  it('GitHub: the team’s members by login', async () => {
    const base = withToken('github-demo');
    const host = new URL(base.baseUrl.includes('github.com') ? 'https://api.github.com' : `${base.baseUrl}/api/v3`);
    const scope = nock(host.origin)
      .get(`${host.pathname.replace(/\/$/, '')}/orgs/acme/teams/second-line/members`)
      .query({ per_page: '100' })
      .reply(200, fixture('github/rest/team-members.json'));
    expect(await trackerConnectors.github.groupMembers!(base, 'acme/second-line', noRetry())).to.deep.equal([{ id: 'octo-rob', names: [] }]);
    expect(scope.isDone()).to.equal(true);
  });

  it('GitLab: the group’s members, inherited ones too, blocked users left out', async () => {
    const source = withToken('gitlab-demo');
    const scope = nock(new URL(source.baseUrl).origin)
      .get('/api/v4/groups/acme%2Fsupport/members/all')
      .query({ per_page: '100', page: '1' })
      .matchHeader('private-token', 'line-groups-token')
      .reply(200, fixture('gitlab/rest/group-members-all.json'));
    expect(await trackerConnectors.gitlab.groupMembers!(source, 'acme/support', noRetry())).to.deep.equal([{ id: 'kovoks', names: [] }]);
    expect(scope.isDone()).to.equal(true);
  });

  describe('the directory', () => {
    let redis: RedisClient;
    const directories: LineGroupDirectory[] = [];
    before(async () => {
      redis = createRedis({ kind: 'url', url: (await sharedRedis()).url }, 'request');
    });
    afterEach(async () => Promise.all(directories.splice(0).map((made) => made.close())));
    after(() => redis.disconnect());

    function directory(prefix: string) {
      const config = linesConfig();
      const logs: { level: string; message: string; group?: string }[] = [];
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => logs.push(JSON.parse(chunk.toString())));
      const made = new LineGroupDirectory({ contracts: config.contracts, sources: config.sources, connectors: trackerConnectors, read: noRetry(), redis, prefix, now: Date.now, logger: createLogger({ stream }) });
      directories.push(made);
      const line = config.contracts.get('fast')!.lines!.get('second') as LineMembers;
      return { made, line, logs };
    }

    it('keeps the members read before when the tracker cannot be read, and a restarted bridge takes them from Redis', async () => {
      const prefix = uniquePrefix('line-groups');
      const first = directory(prefix);
      jiraGroup();
      await first.made.start();
      expect(first.line.has('mia krystof') && first.line.has('mia.krystof@desk.example') && first.line.has('5b10ac8d82e05b22cc7d4ef5'), [...first.line].join(', ')).to.equal(true);
      expect(first.line.firstAssignable()).to.equal('5b10a2844c20165700ede21g');

      const down = nock('https://jira.example.com').get(GROUP_PATH).query(true).reply(503, 'maintenance');
      await first.made.refresh();
      expect(down.isDone(), 'the refresh asked the tracker').to.equal(true);
      expect(first.line.has('mia krystof'), 'still in the line after a failed refresh').to.equal(true);
      expect(first.logs.some((log) => log.level === 'warn' && log.message.includes('the members read before stay in the line') && log.group === 'jira-second-line')).to.equal(true);

      // A bridge starting while Jira is away: the members kept in Redis.
      nock('https://jira.example.com').get(GROUP_PATH).query(true).reply(503, 'maintenance');
      const restarted = directory(prefix);
      await restarted.made.start();
      expect([...restarted.line].sort()).to.include.members(['mia krystof', 'emma willems', '5b10a2844c20165700ede21g']);
    });

    it('a group never read leaves only the listed users, and says so', async () => {
      nock('https://jira.example.com').get(GROUP_PATH).query(true).reply(401, { errorMessages: ['Client must be authenticated to access this resource.'] });
      const fresh = directory(uniquePrefix('line-groups'));
      await fresh.made.start();
      expect(fresh.line.size).to.equal(0);
      expect(fresh.logs.some((log) => log.level === 'warn' && log.message.includes('only the users the line lists are in it until a read succeeds'))).to.equal(true);
    });
  });

  describe('through a bridge', function () {
    this.timeout(30_000);
    let bridge: TestBridge;

    async function send(body: unknown) {
      const raw = Buffer.from(JSON.stringify(body));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign('timer-test-secret', raw) };
      const result = await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers);
      expect(result.status, JSON.stringify(result.body)).to.equal(202);
    }
    const handover = (state: IssueState, line: string) => (state.sla.covered ? state.sla.custom?.find((status) => status.metric === `handover-${line}`) : undefined);

    before(async () => {
      jiraGroup();
      bridge = await startTestBridge({ config: linesConfig() });
    });
    after(async () => bridge?.close());

    it('a member of the Jira group: assigned to her, the line’s handover starts; her comment stops it', async () => {
      const created = DateTime.now().startOf('second').minus({ seconds: 20 });
      const fields = { created: created.toISO()!, id: '91001', key: 'MB-911', priority: 'High' };
      const payload = issueCreated(fields);
      (payload.issue.fields as Record<string, unknown>).assignee = { accountId: '5b10a2844c20165700ede21g', displayName: 'Mia Krystof' };
      await send(payload);
      const started = await waitForState(bridge, 'jira-demo', '91001', (state) => handover(state, 'second')?.state === 'running');
      expect(handover(started, 'second')?.startedAt).to.equal(created.toMillis());
      const comment = commentCreated(fields, created.plus({ seconds: 7 }).toISO()!, { name: 'Mia Krystof', email: 'mia.krystof@desk.example' });
      await send(comment);
      const met = await waitForState(bridge, 'jira-demo', '91001', (state) => handover(state, 'second')?.state === 'met');
      expect(handover(met, 'second')).to.deep.include({ metAt: created.plus({ seconds: 7 }).toMillis(), elapsedMs: 7_000 });
    });

    it('an issue moved into the line’s Jira component: the line’s handover starts then; moved out, it is cancelled', async () => {
      const created = DateTime.now().startOf('second').minus({ seconds: 30 });
      const fields = { created: created.toISO()!, id: '91002', key: 'MB-912', priority: 'High' };
      await send(issueCreated(fields));
      await waitForState(bridge, 'jira-demo', '91002', (state) => handover(state, 'platform')?.state === 'not_started');
      const movedAt = created.plus({ seconds: 10 });
      await send(componentChanged(fields, movedAt.toISO()!, null, 'Platform', '11100'));
      const started = await waitForState(bridge, 'jira-demo', '91002', (state) => handover(state, 'platform')?.state === 'running');
      expect(handover(started, 'platform')?.startedAt).to.equal(movedAt.toMillis());
      await send(componentChanged(fields, movedAt.plus({ seconds: 5 }).toISO()!, 'Platform', null, '11101'));
      const cancelled = await waitForState(bridge, 'jira-demo', '91002', (state) => handover(state, 'platform')?.state === 'cancelled');
      expect(handover(cancelled, 'platform')).to.deep.include({ startedAt: movedAt.toMillis(), elapsedMs: 5_000 });
    });
  });
});

/**
 * `jira:issue_updated` for a component added or removed: the changelog item as Jira writes it
 * (test/fixtures/jira/issue-updated-moved.json: field `Component`, fieldId `components`, the
 * component's id in `to`/`from` and its name in `toString`/`fromString`).
 */
function componentChanged(fields: { created: string; id: string; key: string; priority?: string }, at: string, from: string | null, to: string | null, historyId: string) {
  const body = issueCreated(fields) as Record<string, unknown> & { issue: { fields: Record<string, unknown> } };
  body.issue.fields.components = to ? [{ self: 'https://jira.example.com/rest/api/2/component/10100', id: '10100', name: to }] : [];
  body.issue.fields.updated = jiraTime(at);
  return {
    ...body,
    timestamp: DateTime.fromISO(at).toMillis(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_updated',
    user: { accountId: 'acc-agent', displayName: 'Agent' },
    changelog: { id: historyId, items: [{ field: 'Component', fieldtype: 'jira', fieldId: 'components', from: from ? '10100' : null, fromString: from, to: to ? '10100' : null, toString: to }] },
  };
}
