/**
 * Opening the issues of recurring obligations on a real Redis with two workers, the trackers
 * intercepted at their hosts: one issue per period in Gitea and in Jira however many ticks and
 * workers race; a re-run after the record was lost finds the issue by its marker and opens none;
 * the warning of an issue left open goes to the chat queue once, and none for a resolved issue.
 *
 * Tracker answers: Gitea's REST API answers with the same api.Issue struct (modules/structs/issue.go)
 * as the `issue` of its webhooks, so the created issue is the recorded webhook's issue
 * (test/fixtures/gitea/issue-closed.json) with a new number; Jira's create answer is
 * `{ id, key, self }` (developer.atlassian.com, "JIRA REST API Example - Create Issue").
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Queue, Worker } from 'bullmq';
import nock from 'nock';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { createLogger } from '../../src/app/logger.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { createRedis, type RedisClient } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { OBLIGATION_OPEN_JOB, OBLIGATION_QUEUE, chatQueueName, obligationOpenJobId, type ChatJob, type ChatNoticeJob, type ObligationJob } from '../../src/app/jobs/pipeline.js';
import { OPEN_RETRY_AFTER_MS, checkObligation, createObligationProcessor, queueDueObligations, type ObligationDeps } from '../../src/app/obligations/obligation-jobs.js';
import { ObligationStore } from '../../src/app/obligations/obligation-store.js';
import { periodAt } from '../../src/domain/obligation-period.js';
import { obligationMarker } from '../../src/domain/obligation.js';
import type { SlaConfig } from '../../src/config/load-config.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';

const GITEA = 'https://gitea.obligations.test';
const JIRA = 'https://jira.obligations.test';
const giteaIssue = (JSON.parse(readFileSync(new URL('../fixtures/gitea/issue-closed.json', import.meta.url), 'utf8')) as { body: { issue: Record<string, unknown> } }).body.issue;

function obligationConfig(warnBefore = '1w'): SlaConfig {
  const dir = writeConfig({
    'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'sources/gitea-ops.yaml': `kind: gitea\nbase_url: ${GITEA}\nwebhook: { secrets: [s] }\napi: { token: gitea-token }\nwrite_back: { enabled: true }\npriority: { field: labels, map: {}, default: P4 }\nstatuses: { resolved: [closed] }\n`,
    'sources/jira-ops.yaml': `kind: jira\nbase_url: ${JIRA}\nwebhook: { secrets: [s] }\napi: { token: jira-token }\nwrite_back: { enabled: true }\npriority: { field: priority, map: {}, default: P3 }\nstatuses: { resolved: [Done] }\n`,
    'contracts/ops.yaml': `customer: Ops customer
calendar: round
covers: [{ source: gitea-ops, project: ops/servers }, { source: jira-ops, project: OPS }]
policies: { reaction: 4h }
obligations:
  - { id: maintenance, title: Preventive maintenance, every: quarter, source: gitea-ops, project: ops/servers, warn_before: ${warnBefore} }
  - { id: backup-logs, title: Backup logs read, every: quarter, source: jira-ops, project: OPS, issue_type: Task, labels: [backup] }
`,
  });
  return loadBridgeConfig(dir, {});
}

interface TestWorker {
  readonly deps: ObligationDeps;
  readonly worker: Worker;
  readonly connection: RedisClient;
  readonly workerConnection: RedisClient;
}

describe('obligation issues: opened once per period', function () {
  this.timeout(30_000);
  interceptHttp({ cleanAfterEach: true });

  let url: string;
  const opened: RedisClient[] = [];
  const running: TestWorker[] = [];
  const queues: Queue[] = [];

  before(async () => {
    url = (await sharedRedis()).url;
  });

  afterEach(async () => {
    for (const { worker } of running.splice(0)) await worker.close();
    for (const queue of queues.splice(0)) await queue.close();
    for (const connection of opened.splice(0)) connection.disconnect();
  });

  const redis = (role: 'worker' | 'request' = 'request') => {
    const connection = createRedis(urlTarget(url), role);
    opened.push(connection);
    return connection;
  };

  /** One bridge process's obligation worker: its own connections and HTTP client, the shared prefix. */
  function startWorker(config: SlaConfig, prefix: string): TestWorker {
    const connection = redis();
    const queue = new Queue<ObligationJob>(OBLIGATION_QUEUE, { connection, prefix });
    const chat = new Queue<ChatJob>(chatQueueName('console'), { connection, prefix });
    queues.push(queue, chat);
    const deps: ObligationDeps = {
      contracts: () => config.contracts.values(),
      sources: config.sources,
      connectors: trackerConnectors,
      channels: config.channels,
      fallbackChannel: config.fallbackChannel,
      store: new ObligationStore(connection, prefix),
      issues: new IssueStore(connection, prefix),
      queue,
      http: new OutboundHttp({ retry: { maxAttempts: 1 } }),
      chatQueue: () => chat,
      now: () => Date.now(),
      logger: createLogger({ silent: true }),
    };
    const workerConnection = redis('worker');
    const worker = new Worker<ObligationJob>(OBLIGATION_QUEUE, createObligationProcessor(deps), { connection: workerConnection, prefix, concurrency: 4 });
    const started = { deps, worker, connection, workerConnection };
    running.push(started);
    return started;
  }

  /** Both trackers: an empty search, and a create that counts how often it is called. */
  function trackers(): { readonly creates: { gitea: number; jira: number }; readonly bodies: { gitea: unknown[]; jira: unknown[] } } {
    const creates = { gitea: 0, jira: 0 };
    const bodies = { gitea: [] as unknown[], jira: [] as unknown[] };
    nock(GITEA).persist().get('/api/v1/repos/ops/servers/issues').query(true).reply(200, []);
    nock(GITEA)
      .persist()
      .post('/api/v1/repos/ops/servers/issues')
      .reply(201, (_uri, body) => {
        creates.gitea += 1;
        bodies.gitea.push(body);
        const sent = body as { title: string; body: string };
        return { ...giteaIssue, number: 41, title: sent.title, body: sent.body, html_url: `${GITEA}/ops/servers/issues/41`, state: 'open', closed_at: null };
      });
    nock(JIRA).persist().get('/rest/api/2/search').query(true).reply(200, { startAt: 0, maxResults: 50, total: 0, issues: [] });
    nock(JIRA)
      .persist()
      .post('/rest/api/2/issue')
      .reply(201, (_uri, body) => {
        creates.jira += 1;
        bodies.jira.push(body);
        return { id: '10071', key: 'OPS-71', self: `${JIRA}/rest/api/2/issue/10071` };
      });
    return { creates, bodies };
  }

  const periodKey = () => periodAt('quarter', obligationConfig().calendars.get('round')!, Date.now())!.key;

  it('opens one Gitea and one Jira issue for the period however many ticks race on two workers', async () => {
    const config = obligationConfig();
    const prefix = uniquePrefix('obligations');
    const { creates, bodies } = trackers();
    const [a, b] = [startWorker(config, prefix), startWorker(config, prefix)];
    await Promise.all([queueDueObligations(a.deps), queueDueObligations(b.deps), queueDueObligations(a.deps), queueDueObligations(b.deps)]);
    const key = periodKey();
    const both = await waitFor('both issues recorded', async () => {
      const gitea = await a.deps.store.opened('ops', 'maintenance', key);
      const jira = await b.deps.store.opened('ops', 'backup-logs', key);
      return gitea && jira && { gitea, jira };
    });
    // A tick after the issues exist folds into the finished jobs or finds the records.
    await Promise.all([queueDueObligations(a.deps), queueDueObligations(b.deps)]);
    await waitFor('the obligation queue idle', async () => {
      const counts = await a.deps.queue.getJobCounts('active', 'wait');
      return (counts.active ?? 0) + (counts.wait ?? 0) === 0;
    });
    expect(creates).to.deep.equal({ gitea: 1, jira: 1 });
    expect(both.gitea.issue).to.deep.include({ id: 'ops/servers#41', key: 'ops/servers#41', url: `${GITEA}/ops/servers/issues/41` });
    expect(both.jira.issue).to.deep.include({ id: '10071', key: 'OPS-71', url: `${JIRA}/browse/OPS-71` });
    const giteaBody = bodies.gitea[0] as { title: string; body: string };
    expect(giteaBody.title).to.equal(`Preventive maintenance ${key}`);
    expect(giteaBody.body.split('\n').at(-1)).to.equal(obligationMarker('ops', 'maintenance', key));
    const jiraBody = bodies.jira[0] as { fields: Record<string, unknown> };
    expect(jiraBody.fields).to.deep.include({ project: { key: 'OPS' }, summary: `Backup logs read ${key}`, issuetype: { name: 'Task' }, labels: ['backup'] });
    expect(String(jiraBody.fields.description)).to.contain(obligationMarker('ops', 'backup-logs', key));
  });

  it('finds the issue by its marker when the record was lost after the create, and opens none', async () => {
    const config = obligationConfig();
    const prefix = uniquePrefix('obligations');
    const key = periodKey();
    let creates = 0;
    nock(GITEA)
      .persist()
      .get('/api/v1/repos/ops/servers/issues')
      .query((query) => query.state === 'all' && query.type === 'issues' && typeof query.since === 'string')
      .reply(200, [
        { ...giteaIssue, number: 40, title: 'Something else', body: 'unrelated' },
        { ...giteaIssue, number: 41, title: `Preventive maintenance ${key}`, body: `text\n\n${obligationMarker('ops', 'maintenance', key)}`, html_url: `${GITEA}/ops/servers/issues/41` },
      ]);
    nock(GITEA).persist().post('/api/v1/repos/ops/servers/issues').reply(201, () => {
      creates += 1;
      return { ...giteaIssue, number: 99 };
    });
    nock(JIRA)
      .persist()
      .get('/rest/api/2/search')
      .query(true)
      .reply(200, { startAt: 0, maxResults: 50, total: 1, issues: [{ id: '10071', key: 'OPS-71', fields: { summary: `Backup logs read ${key}`, description: `x\n\n${obligationMarker('ops', 'backup-logs', key)}` } }] });
    nock(JIRA).persist().post('/rest/api/2/issue').reply(201, () => {
      creates += 1;
      return { id: '1', key: 'OPS-1' };
    });
    const a = startWorker(config, prefix);
    await queueDueObligations(a.deps);
    const found = await waitFor('both issues recorded', async () => {
      const gitea = await a.deps.store.opened('ops', 'maintenance', key);
      const jira = await a.deps.store.opened('ops', 'backup-logs', key);
      return gitea && jira && { gitea, jira };
    });
    expect(creates).to.equal(0);
    expect([found.gitea.issue.key, found.gitea.found, found.jira.issue.key, found.jira.found]).to.deep.equal(['ops/servers#41', true, 'OPS-71', true]);
  });

  it('tries a period again once its failed opening has rested, and not before', async () => {
    const config = obligationConfig();
    const prefix = uniquePrefix('obligations');
    const { creates } = trackers();
    const key = periodKey();
    // An opening that failed for good, as after its attempts against a tracker that was down.
    const connection = redis();
    const queue = new Queue<ObligationJob>(OBLIGATION_QUEUE, { connection, prefix });
    queues.push(queue);
    const failing = new Worker<ObligationJob>(OBLIGATION_QUEUE, async () => { throw new Error('tracker down'); }, { connection: redis('worker'), prefix });
    await queue.add(OBLIGATION_OPEN_JOB, { contract: 'ops', obligation: 'maintenance', period: key, at: Date.now() }, { jobId: obligationOpenJobId('ops', 'maintenance', key), attempts: 1 });
    await waitFor('the opening failed', async () => (await queue.getJob(obligationOpenJobId('ops', 'maintenance', key)))?.failedReason === 'tracker down');
    await failing.close();
    const a = startWorker(config, prefix);
    await queueDueObligations(a.deps);
    expect((await (await a.deps.queue.getJob(obligationOpenJobId('ops', 'maintenance', key)))!.getState())).to.equal('failed');
    // Ten minutes on, the tick takes it away and queues the period anew.
    const later = { ...a.deps, now: () => Date.now() + OPEN_RETRY_AFTER_MS };
    await queueDueObligations(later);
    await waitFor('the maintenance issue recorded', () => a.deps.store.opened('ops', 'maintenance', key));
    expect(creates.gitea).to.equal(1);
  });

  it('warns once, through the chat queue, about a period whose issue is open past its warning; never about a resolved one', async () => {
    // A warning 1000 weeks before the end of the quarter is due at once.
    const config = obligationConfig('1000w');
    const prefix = uniquePrefix('obligations');
    const { creates } = trackers();
    const [a, b] = [startWorker(config, prefix), startWorker(config, prefix)];
    await Promise.all([queueDueObligations(a.deps), queueDueObligations(b.deps)]);
    const key = periodKey();
    const chat = new Queue<ChatJob>(chatQueueName('console'), { connection: redis(), prefix });
    queues.push(chat);
    const jobs = await waitFor('the warning in the chat queue', async () => {
      const waiting = await chat.getJobs(['wait', 'delayed', 'completed']);
      return waiting.length > 0 && waiting;
    });
    await waitFor('the obligation queue without due work', async () => {
      const counts = await a.deps.queue.getJobCounts('active', 'wait');
      return (counts.active ?? 0) + (counts.wait ?? 0) === 0;
    });
    // Both workers saw the check's job id once: one message.
    const notices = jobs.map((job) => (job.data as unknown as ChatNoticeJob).notice);
    expect(notices.map((notice) => notice.kind === 'obligation' && notice.check)).to.deep.equal(['warning']);
    expect(notices[0]).to.deep.include({ kind: 'obligation', lead: '1000w before', contract: 'ops', period: key });
    expect(notices[0]!.kind === 'obligation' && notices[0]!.issue).to.deep.include({ key: 'ops/servers#41', tracker: 'Gitea' });
    expect(creates.gitea).to.equal(1);
    // The check planned again (its job cleaned away after a month) tells nobody twice.
    const opened0 = (await a.deps.store.opened('ops', 'maintenance', key))!;
    expect(await checkObligation(a.deps, { contract: 'ops', obligation: 'maintenance', period: key, at: opened0.period.opensAt, check: 'warning' })).to.deep.equal([]);
    expect((await chat.getJobs(['wait', 'delayed', 'completed', 'active'])).length).to.equal(1);

    // The same check on a resolved issue says nothing.
    const issues = a.deps.issues;
    const opened = (await a.deps.store.opened('ops', 'maintenance', key))!;
    await issues.appendEvents('gitea-ops', opened.issue, [
      { id: 'c', event: { type: 'created', at: opened.openedAt, project: 'ops/servers', labels: [], environment: null, priority: 'P4', status: 'open', paused: false, assignee: null, synthetic: false } },
      { id: 'r', event: { type: 'resolved', at: opened.openedAt + 1000, status: 'closed' } },
    ]);
    expect(await checkObligation(a.deps, { contract: 'ops', obligation: 'maintenance', period: key, at: opened.period.opensAt, check: 'warning' })).to.deep.equal([]);
  });
});
