/**
 * `sla-bridge serve` reloads its config on SIGHUP, as an operator does it: the real process on a
 * temporary config directory (second-scale targets, round the clock), files changed on disk, the
 * signal sent, and what changed seen through the API, the timers and the log.
 */
import { expect } from 'chai';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { chatQueueName } from '../src/app/jobs/pipeline.js';
import { queuedNotifications } from './support/queued-notifications.js';
import { startChatReceiver } from './support/chat-receiver.js';
import { exitOf, serve, startedUrl } from './support/cli-process.js';
import { issueCreated } from './support/jira-payloads.js';
import { LogLines, type LogLine } from './support/log-lines.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor, waitUntil } from './support/wait-for.js';

const SECRET = 'reload-test-secret';
const TOKEN = 'reload-test-token';

const contract = (p1: string) => `
customer: Reload Customer
calendar: round-the-clock
covers:
  - { source: jira-demo, project: MB }
metrics:
  reaction: { met_by: [agent_comment] }
policies:
  reaction: { P1: ${p1}, P2: none, P3: none, P4: none }
warnings: ["50%"]
`;

const FILES = {
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'sources/jira-demo.yaml': `kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: [${SECRET}]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\n`,
};

interface IssueSummary {
  readonly issue: { readonly id: string; readonly key: string };
  readonly metrics: readonly { readonly metric: string; readonly deadline: number | null }[];
}

describe('sla-bridge serve: config reload on SIGHUP', function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcessWithoutNullStreams;
  let exited: Promise<{ code: number | null; output: string }>;
  let log: LogLines;
  let url: string;
  let redis: Redis;
  let prefix: string;

  const writeContract = (p1: string) => writeFileSync(path.join(dir, 'contracts/fast.yaml'), contract(p1));

  before(async () => {
    dir = writeConfig({ ...FILES, 'contracts/fast.yaml': contract('10m') });
    prefix = uniquePrefix('reload');
    const redisUrl = (await sharedRedis()).url;
    child = serve({ REDIS_URL: redisUrl, SLA_BRIDGE_PREFIX: prefix, PORT: '0', SLA_BRIDGE_API_TOKEN: TOKEN }, ['--config', dir]);
    exited = exitOf(child);
    log = new LogLines(child);
    url = await startedUrl(child);
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    redis?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function post(id: string, created: DateTime): Promise<number> {
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: created.toISO()!, id, key: `MB-${id}` })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) };
    return (await fetch(`${url}/webhooks/jira-demo`, { method: 'POST', body: raw, headers })).status;
  }

  async function issues(): Promise<IssueSummary[]> {
    const response = await fetch(`${url}/api/issues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await response.json()) as { issues: IssueSummary[] }).issues;
  }

  const reactionDeadline = (summary: IssueSummary | undefined) => summary?.metrics.find((metric) => metric.metric === 'reaction')?.deadline;

  async function deadlineOf(id: string, expected: number): Promise<void> {
    await waitUntil(`issue ${id}'s reaction deadline to be ${new Date(expected).toISOString()}`, async () => reactionDeadline((await issues()).find((summary) => summary.issue.id === id)), (deadline) => deadline === expected);
  }

  /** Sends SIGHUP and waits for the reload's last line: re-planned, nothing changed, or refused. */
  async function reload(): Promise<LogLine> {
    const from = log.count;
    child.kill('SIGHUP');
    return log.next('the reload to end', (line) => /^(open issues re-planned|config reloaded: no file changed|config reload refused)/.test(line.message), from);
  }

  it('re-plans an open issue for a changed target: the new deadline in the API, the breach at the new instant', async () => {
    const created = DateTime.now();
    expect(await post('7001', created)).to.equal(202);
    await deadlineOf('7001', created.toMillis() + 10 * 60_000);

    writeContract('8s');
    const done = await reload();
    expect(done).to.deep.include({ message: 'open issues re-planned for the reloaded config', open: 1, replanned: 1, failed: 0 });
    expect(log.matching((line) => line.message === 'config reloaded').at(-1)).to.deep.include({ changed: ['contracts/fast.yaml'], added: [], removed: [] });
    await deadlineOf('7001', created.toMillis() + 8_000);

    // The breach comes at the new deadline, not before it and not at the old one ten minutes on.
    const breach = await waitFor('the breach of MB-7001', async () => (await queuedNotifications(redis, prefix, '7001')).find((due) => due.label === 'breach'), { timeoutMs: 30_000 });
    expect(breach.firedAt, 'not before the new deadline').to.be.at.least(created.toMillis() + 8_000);
    expect(breach.firedAt, 'long before the old one').to.be.below(created.toMillis() + 10 * 60_000);
  });

  it('refuses an invalid config with one log line naming file and path, and goes on with the one in force', async () => {
    writeContract('"8 secondz"');
    const refused = await reload();
    expect(refused.level).to.equal('error');
    expect(refused.message).to.match(/^config reload refused, the config loaded before stays in force: .*contracts\/fast\.yaml: policies\.reaction\.P1: "8 secondz" is not a duration/);
    expect(refused.message).to.not.include('\n');
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    // Still serving, on the 8 s target.
    const contracts = (await (await fetch(`${url}/api/contracts`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { contracts: { metrics: { targets: Record<string, string | null> }[] }[] };
    expect(contracts.contracts[0]!.metrics[0]!.targets.P1).to.equal('8s');
    const created = DateTime.now();
    expect(await post('7002', created)).to.equal(202);
    await deadlineOf('7002', created.toMillis() + 8_000);
  });

  it('loses no webhook that arrives while the config is reloaded, and leaves every issue on the last config', async () => {
    const created = DateTime.now();
    const targets = ['20m', '30m', '40m', '50m'];
    const statuses: Promise<number>[] = [];
    const reloads: Promise<LogLine>[] = [];
    for (const [round, target] of targets.entries()) {
      for (let index = 0; index < 15; index += 1) statuses.push(post(String(7100 + round * 15 + index), created));
      writeContract(target);
      // One reload at a time: each waits for the one before to have read its file.
      reloads.push(reload());
      await reloads.at(-1);
    }
    expect(await Promise.all(statuses)).to.deep.equal(statuses.map(() => 202));
    for (const done of await Promise.all(reloads)) expect(done).to.deep.include({ message: 'open issues re-planned for the reloaded config', failed: 0 });
    const expected = created.toMillis() + 50 * 60_000;
    const ids = statuses.map((_, index) => String(7100 + index));
    await waitUntil(
      'all 60 issues on the 50 m target',
      async () => {
        const known = new Map((await issues()).map((summary) => [summary.issue.id, reactionDeadline(summary)]));
        return ids.filter((id) => known.get(id) !== expected);
      },
      (wrong) => wrong.length === 0,
      { timeoutMs: 20_000 },
    );
    expect(child.exitCode).to.equal(null);
  });

  it('leaves the issues a change does not touch alone: a contract for another project re-plans none', async () => {
    writeFileSync(path.join(dir, 'contracts/other.yaml'), contract('1m').replace('project: MB', 'project: OTHER'));
    const done = await reload();
    expect(log.matching((line) => line.message === 'config reloaded').at(-1)).to.deep.include({ added: ['contracts/other.yaml'], changed: [], removed: [] });
    expect(done).to.deep.include({ message: 'open issues re-planned for the reloaded config', replanned: 0, failed: 0 });
    // The 62 issues of the tests before, all open.
    expect(done.open).to.equal(62);
  });

  it('gives a channel added by a reload a chat queue of its own, as at start', async () => {
    const receiver = await startChatReceiver();
    try {
      mkdirSync(path.join(dir, 'channels'), { recursive: true });
      writeFileSync(path.join(dir, 'channels/ops.yaml'), `kind: webhook\nsettings:\n  url: ${receiver.url}\n  allow_http: true\n  insecure: true\n`);
      writeFileSync(path.join(dir, 'contracts/fast.yaml'), `${contract('8s')}notify: { warnings: [ops], breaches: [ops] }\n`);
      expect(await reload()).to.deep.include({ message: 'open issues re-planned for the reloaded config', failed: 0 });
      const board = (await (await fetch(`${url}/api/queues/api/queues`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { queues: { name: string }[] };
      expect(board.queues.map((queue) => queue.name), 'the queue board shows the new queue').to.include(chatQueueName('ops'));
      expect(await post('7300', DateTime.now())).to.equal(202);
      const warning = await waitFor('the 50% warning of MB-7300 at the new channel', async () => (await queuedNotifications(redis, prefix, '7300')).find((due) => due.label === '50%' && due.channels.includes('ops')), { timeoutMs: 30_000 });
      const ops = new Queue(chatQueueName('ops'), { connection: redis, prefix });
      try {
        const sent = await waitFor('the warning sent through sla-chat-ops', async () => (await ops.getJobs(['completed'])).find((job) => (job.data as { notification: { id: string } }).notification.id === warning.id), { timeoutMs: 10_000 });
        expect(sent.returnvalue).to.deep.include({ outcome: 'sent' });
      } finally {
        await ops.close();
      }
      expect(receiver.delivered().get(warning.id!), 'the receiver got it once').to.equal(1);
    } finally {
      await receiver.close();
    }
  });
});
