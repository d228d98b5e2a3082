/**
 * Functional escalation assigns a GitLab issue to the next line, end to end: GitLab names assignees
 * by numeric user id, so the bridge asks `GET /api/v4/users?username=` for the line's member and
 * sends `PUT /api/v4/projects/:id/issues/:iid` with `assignee_ids`. The issue is GitLab's recorded
 * Issue Hook (test/fixtures/gitlab/issue-opened.json) stamped now and assigned to the second line;
 * nock at the GitLab and Slack hosts, real Redis and the real express app. A username GitLab does
 * not know is not assigned (and not retried): the next line is still told.
 */
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import type { IssueState } from '../../src/app/store/issue-store.js';
import { projectRoot } from '../../src/project-root.js';
import { postRaw, startTestBridge, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LINE_ASSIGN_QUEUE } from '../../src/app/jobs/pipeline.js';

const SECRET = 'gitlab-assign-secret';
const PROJECT = 'open2bizz/odoo-customer';

function config(third: string) {
  const dir = writeConfig({
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/gitlab-demo.yaml': `kind: gitlab
base_url: https://gitlab.example.com
webhook: { secrets: [${SECRET}] }
api: { token: gitlab-api-token }
priority:
  field: labels
  map: { priority::1: P1, priority::2: P2 }
  default: P4
statuses: { resolved: [closed] }
`,
    'channels/third-line.yaml': 'kind: slack\nlanguage: en\nsettings:\n  url: https://hooks.slack.com/services/T0000/B0000/gitlab-third\n',
    'contracts/odoo.yaml': `customer: Odoo Customer
calendar: round-the-clock
covers:
  - { source: gitlab-demo, project: ${PROJECT} }
policies:
  reaction: 1w
lines:
  second:
    members: [carla]
    handover: 2s
    escalate: { after: breach, to: third, assign: true }
  third:
    members: [${third}]
    channel: third-line
    handover: 1h
`,
  });
  try {
    return loadBridgeConfig(dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The recorded Issue Hook as issue `iid`, opened now and assigned to carla. */
function opened(iid: number) {
  const { headers, body } = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitlab/issue-opened.json'), 'utf8')) as { headers: Record<string, string>; body: Record<string, Record<string, unknown>> & { assignees?: unknown } };
  const now = DateTime.now().toUTC().toISO()!;
  Object.assign(body.object_attributes!, { iid, id: 1900 + iid, created_at: now, updated_at: now, url: `https://gitlab.example.com/${PROJECT}/-/issues/${iid}`, assignee_ids: [55], assignee_id: 55 });
  body.assignees = [{ id: 55, name: 'Carla', username: 'carla', avatar_url: null, email: '[REDACTED]' }];
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { ...headers, 'x-gitlab-event-uuid': `assign-${iid}-${Date.now()}`, 'idempotency-key': `assign-${iid}-${Date.now()}`, ...trackerConnectors.gitlab.sign(SECRET, raw) } };
}

const handover = (state: IssueState, line: string) => (state.sla.covered ? state.sla.custom?.find((status) => status.metric === `handover-${line}`) : undefined);

describe('escalation assigns a GitLab issue by user id', function () {
  this.timeout(40_000);
  const told: string[] = [];
  const puts: { path: string; body: unknown }[] = [];
  let bridge: TestBridge | undefined;

  interceptHttp();
  before(() => {
    nock('https://hooks.slack.com').persist().post('/services/T0000/B0000/gitlab-third', (body: { text?: string }) => told.push(String(body.text)) > 0).reply(200, 'ok');
    nock('https://gitlab.example.com')
      .persist()
      .put(/^\/api\/v4\/projects\/open2bizz%2Fodoo-customer\/issues\/\d+$/, (body) => {
        puts.push({ path: '', body });
        return true;
      })
      .reply(function (uri) {
        puts[puts.length - 1] = { ...puts[puts.length - 1]!, path: uri };
        expect(this.req.headers['private-token']).to.equal('gitlab-api-token');
        return [200, {}];
      });
  });
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
  });

  async function open(iid: number) {
    const sent = opened(iid);
    const answer = await postRaw(`${bridge!.url}/webhooks/gitlab-demo`, sent.raw, sent.headers);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
  }

  it('resolves the next line’s member to its id, assigns once, and the next line’s handover starts', async () => {
    const lookup = nock('https://gitlab.example.com')
      .get('/api/v4/users')
      .query({ username: 'kovoks' })
      .reply(200, [{ id: 21, username: 'kovoks', name: 'Kovo Ks', state: 'active', locked: false, avatar_url: 'https://gitlab.example.com/uploads/-/system/user/avatar/21/avatar.png', web_url: 'https://gitlab.example.com/kovoks' }]);
    bridge = await startTestBridge({ config: config('kovoks') });
    await open(61);
    const state = await waitForState(bridge, 'gitlab-demo', `${PROJECT}#61`, (candidate) => candidate.sla.covered && candidate.sla.assignee === 'kovoks', 25_000);
    expect(lookup.isDone(), 'the user id was asked').to.equal(true);
    expect(puts).to.deep.equal([{ path: `/api/v4/projects/open2bizz%2Fodoo-customer/issues/61`, body: { assignee_ids: [21] } }]);
    expect(handover(state, 'third')?.state).to.equal('running');
    expect(handover(state, 'second')?.state).to.equal('cancelled');
    await waitFor('the third line told of #61', () => told.find((text) => text.includes('#61')), { timeoutMs: 10_000 });
  });

  it('a member GitLab does not know: not assigned, the next line still told', async () => {
    const lookup = nock('https://gitlab.example.com').get('/api/v4/users').query({ username: 'nobody-here' }).reply(200, []);
    const prefix = uniquePrefix('gitlab-assign');
    bridge = await startTestBridge({ config: config('nobody-here'), prefix });
    await open(62);
    await waitFor('the third line told of #62', () => told.find((text) => text.includes('#62')), { timeoutMs: 20_000 });
    // The assignment job's own outcome: it ran, asked GitLab, and gave up without retrying.
    const redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    const queue = new Queue(LINE_ASSIGN_QUEUE, { connection: redis, prefix });
    try {
      const [done] = await waitFor('the assignment job done', async () => {
        const jobs = await queue.getJobs(['completed', 'failed']);
        return jobs.length > 0 ? jobs : undefined;
      }, { timeoutMs: 10_000 });
      expect(done!.returnvalue).to.deep.equal({ outcome: 'unsupported', issueId: `${PROJECT}#62` });
    } finally {
      await queue.close();
      redis.disconnect();
    }
    expect(lookup.isDone(), 'the user was asked for').to.equal(true);
    const state = await waitForState(bridge, 'gitlab-demo', `${PROJECT}#62`);
    expect(state.sla.covered && state.sla.assignee).to.equal('carla');
    expect(puts.filter((put) => put.path.endsWith('/62'))).to.deep.equal([]);
  });
});
