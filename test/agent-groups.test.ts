/**
 * Agents named by group: GitLab `agents.groups` and GitHub `agents.teams`. The members are read
 * from the tracker's API (intercepted by nock at the host, through the real OutboundHttp) when a
 * bridge starts; the fixtures' comments then go through the real express app and workers on the
 * shared Redis, and through `sla-bridge reconcile`. The directory on its own: a list kept in Redis
 * outlives an API outage, a refresh drops who left, and a hanging API never holds a webhook long.
 */
import { expect } from 'chai';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { githubConnector } from '../connectors/github/index.js';
import { gitlabConnector } from '../connectors/gitlab/index.js';
import { trackerConnectors } from '../connectors/registry.js';
import { trackerRead } from '../src/app/jobs/reconcile.js';
import { createLogger } from '../src/app/logger.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { AgentDirectory } from '../src/app/store/agent-directory.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { reconcileCommand } from '../src/cli/reconcile-command.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor } from './support/wait-for.js';

const ISSUE = 'open2bizz/odoo-customer#42';
const AGENT_COMMENT_AT = Date.parse('2026-11-26T08:47:30Z');
const GITLAB = 'https://gitlab.example.com';
const GITHUB = 'https://api.github.com';

const CONFIG_FILES = new Map(Object.entries({
  'calendars/nl-office.yaml': readFileSync(path.join(projectRoot(), 'config/calendars/nl-office.yaml'), 'utf8'),
  'contracts/open2bizz.yaml': `
customer: Open2Bizz
calendar: nl-office
covers:
  - { source: gitlab-support, project: open2bizz/odoo-customer }
  - { source: github-support, project: open2bizz/odoo-customer }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
policies:
  reaction: { P1: 2h, P2: 8h, P3: 1w, P4: 2w }
`,
  // Nobody is an agent by name: only membership can make the fixtures' agent one.
  'sources/gitlab-support.yaml': `
kind: gitlab
base_url: ${GITLAB}
webhook: { secrets: [gitlab-secret] }
api: { token: gitlab-token }
priority: { field: labels, map: { priority::1: P1, priority::2: P2 }, default: P4 }
agents: { groups: [open2bizz/support] }
`,
  'sources/github-support.yaml': `
kind: github
base_url: https://github.com
webhook: { secrets: [github-secret] }
api: { token: github-token }
priority: { field: labels, map: { priority/1: P1, priority/2: P2 }, default: P4 }
agents: { teams: [open2bizz/support] }
reconcile: { repositories: [open2bizz/odoo-customer] }
`,
}));
const CONFIG_DIR = writeConfig(Object.fromEntries(CONFIG_FILES));
const config = () => loadBridgeConfig(CONFIG_DIR, {});

const fixture = (tracker: string, name: string) => JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures', tracker, `${name}.json`), 'utf8')) as { headers: Record<string, string>; body: unknown };

async function postGitlab(bridge: TestBridge, name: string) {
  const { headers, body } = fixture('gitlab', name);
  const raw = Buffer.from(JSON.stringify(body));
  const result = await postRaw(`${bridge.url}/webhooks/gitlab-support`, raw, { ...headers, ...gitlabConnector.sign('gitlab-secret', raw) });
  expect(result.status, `${name}: ${JSON.stringify(result.body)}`).to.equal(202);
}

async function postGithub(bridge: TestBridge, name: string) {
  const { headers, body } = fixture('github', name);
  const raw = Buffer.from(JSON.stringify(body));
  const result = await postRaw(`${bridge.url}/webhooks/github-support`, raw, { ...headers, ...githubConnector.sign('github-secret', raw) });
  expect(result.status, `${name}: ${JSON.stringify(result.body)}`).to.equal(202);
}

const reaction = (state: IssueState) => ('metrics' in state.sla ? state.sla.metrics : []).find((metric) => metric.metric === 'reaction')!;

/** `open2bizz/support` on page 1 and 2 (X-Next-Page); the customer is a member too, but blocked. */
function gitlabGroup(pages: { username: string; state?: string }[][]) {
  const api = nock(GITLAB, { reqheaders: { 'private-token': 'gitlab-token' } });
  pages.forEach((members, index) => {
    const next = index + 1 < pages.length ? String(index + 2) : '';
    api
      .get('/api/v4/groups/open2bizz%2Fsupport/members/all')
      .query({ per_page: '100', page: String(index + 1) })
      .reply(200, members.map((member, id) => ({ id: 100 * index + id, username: member.username, name: member.username, state: member.state ?? 'active', access_level: 30 })), { 'x-next-page': next });
  });
  return api;
}

/** `open2bizz/support` in two pages, the second named by the Link header. */
function githubTeam(pages: string[][]) {
  const api = nock(GITHUB, { reqheaders: { authorization: 'Bearer github-token' } });
  pages.forEach((logins, index) => {
    const query = index === 0 ? { per_page: '100' } : { per_page: '100', page: String(index + 1) };
    const link: Record<string, string> = index + 1 < pages.length ? { link: `<${GITHUB}/organizations/9001/team/77/members?per_page=100&page=${index + 2}>; rel="next", <${GITHUB}/organizations/9001/team/77/members?per_page=100&page=${pages.length}>; rel="last"` } : {};
    const path = index === 0 ? '/orgs/open2bizz/teams/support/members' : '/organizations/9001/team/77/members';
    api
      .get(path)
      .query(query)
      .reply(200, logins.map((login, id) => ({ login, id: 1000 * index + id, type: 'User', site_admin: false })), link);
  });
  return api;
}

describe('agents by group membership', function () {
  this.timeout(40_000);
  interceptHttp({ cleanAfterEach: true });
  const bridges: TestBridge[] = [];
  const start = async () => {
    const bridge = await startTestBridge({ config: config() });
    bridges.push(bridge);
    return bridge;
  };
  afterEach(async () => {
    await Promise.all(bridges.splice(0).map((bridge) => bridge.close()));
  });

  describe('GitLab agents.groups', () => {
    it("counts a comment by a member of the group (found on the members' second page) as the agent's reaction, and a blocked member's as the customer's", async () => {
      const api = gitlabGroup([[{ username: 'rbakker' }, { username: 'pvandijk', state: 'blocked' }], [{ username: 'open2bizz-support' }]]);
      githubTeam([[]]);
      const bridge = await start();
      expect(api.isDone(), 'both pages of members were read').to.equal(true);
      await postGitlab(bridge, 'issue-opened');
      await postGitlab(bridge, 'note-by-customer');
      await waitForIdleQueue(bridge);
      expect(reaction(await waitForState(bridge, 'gitlab-support', ISSUE)).metAt, 'not met by the customer').to.equal(undefined);
      await postGitlab(bridge, 'note-by-agent');
      const state = await waitForState(bridge, 'gitlab-support', ISSUE, (candidate) => reaction(candidate).state === 'met');
      expect(reaction(state)).to.include({ metAt: AGENT_COMMENT_AT });
    });

    it('counts the same comment as a customer’s when the group does not hold its author', async () => {
      gitlabGroup([[{ username: 'rbakker' }]]);
      githubTeam([[]]);
      const bridge = await start();
      await postGitlab(bridge, 'issue-opened');
      await postGitlab(bridge, 'note-by-agent');
      await waitForIdleQueue(bridge);
      const events = await bridge.store.loadEvents('gitlab-support', ISSUE);
      expect(events.filter((event) => event.type === 'commented')).to.deep.equal([{ type: 'commented', at: AGENT_COMMENT_AT, by: 'customer', public: true, author: { names: ['open2bizz-support'] } }]);
      expect(reaction((await bridge.store.loadState('gitlab-support', ISSUE))!).metAt).to.equal(undefined);
    });

    it('reads the members of the group a reloaded config names, and counts them from then on', async () => {
      gitlabGroup([[{ username: 'rbakker' }]]);
      githubTeam([[]]);
      const bridge = await start();
      await postGitlab(bridge, 'issue-opened');
      const ops = nock(GITLAB, { reqheaders: { 'private-token': 'gitlab-token' } })
        .get('/api/v4/groups/open2bizz%2Fops/members/all')
        .query({ per_page: '100', page: '1' })
        .reply(200, [{ id: 7, username: 'open2bizz-support', name: 'Support', state: 'active', access_level: 30 }], { 'x-next-page': '' });
      githubTeam([[]]);
      const reloaded = writeConfig({ ...Object.fromEntries(CONFIG_FILES), 'sources/gitlab-support.yaml': CONFIG_FILES.get('sources/gitlab-support.yaml')!.replace('open2bizz/support', 'open2bizz/ops') });
      const outcome = await bridge.reload(() => loadBridgeConfig(reloaded, {}));
      expect(outcome).to.deep.include({ applied: true });
      await waitFor("the ops group's members to be read", () => ops.isDone());
      await postGitlab(bridge, 'note-by-agent');
      const state = await waitForState(bridge, 'gitlab-support', ISSUE, (candidate) => reaction(candidate).state === 'met');
      expect(reaction(state)).to.include({ metAt: AGENT_COMMENT_AT });
    });
  });

  describe('GitHub agents.teams', () => {
    it('counts a comment by a member of the team (found by following the Link header) as the agent’s reaction', async () => {
      gitlabGroup([[]]);
      const api = githubTeam([['rbakker'], ['open2bizz-support']]);
      const bridge = await start();
      expect(api.isDone(), 'both pages of members were read').to.equal(true);
      await postGithub(bridge, 'issue-opened');
      await postGithub(bridge, 'comment-by-agent');
      const state = await waitForState(bridge, 'github-support', ISSUE, (candidate) => reaction(candidate).state === 'met');
      expect(reaction(state)).to.include({ metAt: AGENT_COMMENT_AT });
    });

    it('decides alike through sla-bridge reconcile: the reconciled comment of a team member meets the reaction', async () => {
      gitlabGroup([[]]);
      githubTeam([['rbakker']]);
      const bridge = await start();
      await postGithub(bridge, 'issue-opened');
      await waitForState(bridge, 'github-support', ISSUE);
      // The bridge kept a list without the agent; the command reads the team as it is now.
      const team = githubTeam([['open2bizz-support']]);
      const rest = (name: string) => JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/github/rest', `${name}.json`), 'utf8')) as nock.Body;
      const api = nock(GITHUB, { reqheaders: { authorization: 'Bearer github-token' } });
      api.get('/repos/open2bizz/odoo-customer/issues').query((query) => query.state === 'all' && typeof query.since === 'string').reply(200, [rest('issue-42')]);
      api.get('/repos/open2bizz/odoo-customer/issues/42/timeline').query({ per_page: '100' }).reply(200, rest('timeline-42'));
      const errors: string[] = [];
      const io: CliIo = { out: () => undefined, err: (text) => errors.push(text) };
      const env = { REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: bridge.prefix };
      expect(await reconcileCommand({ source: 'github-support', since: '30d', config: CONFIG_DIR }, io, env, undefined, new PassThrough() as unknown as NodeJS.WriteStream), errors.join('\n')).to.equal(0);
      expect(team.isDone() && api.isDone(), 'the team, the issues and the timeline were read').to.equal(true);
      const state = await waitForState(bridge, 'github-support', ISSUE, (candidate) => reaction(candidate).state === 'met');
      expect(reaction(state)).to.include({ metAt: AGENT_COMMENT_AT });
    });
  });

  describe('the directory', () => {
    let redis: RedisClient;
    const directories: AgentDirectory[] = [];
    const source = () => config().sources.get('gitlab-support')!;
    const directory = (prefix: string, options: { metrics?: BridgeMetrics; firstReadWaitMs?: number } = {}) => {
      const made = new AgentDirectory({
        sources: new Map([['gitlab-support', source()]]),
        connectors: trackerConnectors,
        read: trackerRead(new OutboundHttp({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } })),
        redis,
        prefix,
        now: Date.now,
        logger: createLogger({ silent: true }),
        ...options,
      });
      directories.push(made);
      return made;
    };
    const agents = async (made: AgentDirectory) => [...(await made.sourceFor(source())).agents.users].sort();

    before(async () => {
      redis = createRedis({ kind: 'url', url: (await sharedRedis()).url }, 'request');
    });
    afterEach(async () => {
      await Promise.all(directories.splice(0).map((made) => made.close()));
    });
    after(() => redis.disconnect());

    it('goes on with the list kept in Redis when a restarted bridge cannot read the tracker, and counts the failed read', async () => {
      const prefix = uniquePrefix('agents');
      gitlabGroup([[{ username: 'open2bizz-support' }]]);
      const first = directory(prefix);
      await first.start();
      expect(await agents(first)).to.deep.equal(['open2bizz-support']);
      await first.close();

      const down = nock(GITLAB).get('/api/v4/groups/open2bizz%2Fsupport/members/all').query(true).times(2).reply(503, 'maintenance');
      const metrics = new BridgeMetrics();
      const restarted = directory(prefix, { metrics });
      await restarted.start();
      expect(await agents(restarted)).to.deep.equal(['open2bizz-support']);
      await restarted.refresh();
      expect(down.isDone(), 'the read was tried').to.equal(true);
      expect(await metrics.registry.getSingleMetricAsString('sla_bridge_agent_member_reads_total')).to.include('sla_bridge_agent_member_reads_total{source="gitlab-support",outcome="failed"} 1');
      expect(await agents(restarted), 'still the kept list').to.deep.equal(['open2bizz-support']);
    });

    it('drops a member who left at the next refresh', async () => {
      gitlabGroup([[{ username: 'open2bizz-support' }, { username: 'rbakker' }]]);
      const made = directory(uniquePrefix('agents'));
      await made.start();
      expect(await agents(made)).to.deep.equal(['open2bizz-support', 'rbakker']);
      gitlabGroup([[{ username: 'rbakker' }]]);
      await made.refresh();
      expect(await agents(made)).to.deep.equal(['rbakker']);
    });

    it('answers with agents.users alone after its wait when the first read hangs and nothing is kept', async () => {
      const prefix = uniquePrefix('agents');
      const hanging = nock(GITLAB).get('/api/v4/groups/open2bizz%2Fsupport/members/all').query(true).delay(3_000).reply(200, [{ username: 'open2bizz-support', state: 'active' }]);
      const made = directory(prefix, { firstReadWaitMs: 100 });
      await made.start();
      expect(await agents(made)).to.deep.equal([]);
      expect(hanging.isDone(), 'the read was under way').to.equal(true);
      // A finished read keeps its list: none kept yet means the answer did not wait for the read.
      expect(await redis.exists(`${prefix}:agent-members:gitlab-support`)).to.equal(0);
      await made.refresh();
      expect(await agents(made), 'counted once read').to.deep.equal(['open2bizz-support']);
    });
  });
});
