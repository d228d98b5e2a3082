/**
 * An obligation's warning to a channel with quiet hours waits for the channel's calendar to open,
 * as SLA warnings do; its deadline message (a breach) goes at once where breaches bypass them.
 * The clock is injected (a Sunday night), the chat queue a real one on Redis.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { chatQueueName, type ChatJob, type ChatNoticeJob, type ObligationJob, OBLIGATION_QUEUE } from '../../src/app/jobs/pipeline.js';
import { noticeSeverity } from '../../connectors/chat/notice.js';
import { createLogger } from '../../src/app/logger.js';
import { checkObligation } from '../../src/app/obligations/obligation-jobs.js';
import { ObligationStore } from '../../src/app/obligations/obligation-store.js';
import { OutboundHttp } from '../../src/app/outbound/outbound-http.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { createRedis, waitUntilReady, type RedisClient } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { periodAt } from '../../src/domain/obligation-period.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';

describe('obligation messages and quiet hours', () => {
  let redis: RedisClient;
  const queues: Queue[] = [];
  before(async () => {
    const target = urlTarget((await sharedRedis()).url);
    redis = createRedis(target, 'request');
    await waitUntilReady(redis, target);
  });
  after(async () => {
    for (const queue of queues) await queue.close();
    redis.disconnect();
  });

  it('holds the warning until the channel opens on Monday, and sends the deadline at once', async () => {
    const config = loadBridgeConfig(
      writeConfig({
        'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
        'calendars/office.yaml': OFFICE_CALENDAR,
        'channels/team.yaml': 'kind: console\nquiet_hours: { calendar: office, bypass_breaches: true }\n',
        'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: {}, default: P4 }\n',
        'contracts/ops.yaml': 'customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/a }]\npolicies: { reaction: 4h }\nnotify: { warnings: [team], breaches: [team] }\nobligations:\n  - { id: logs, title: Logs read, every: working-day, source: gitea-ops, project: ops/a, warn_before: 2h }\n',
      }),
      {},
    );
    // Sunday 22:30: the office opens on Monday at 09:00, 10 h 30 min later.
    const now = DateTime.fromISO('2027-03-07T22:30', { zone: 'Europe/Amsterdam' }).toMillis();
    const prefix = uniquePrefix('obligation-quiet');
    const chat = new Queue<ChatJob>(chatQueueName('team'), { connection: redis, prefix });
    const queue = new Queue<ObligationJob>(OBLIGATION_QUEUE, { connection: redis, prefix });
    queues.push(chat, queue);
    const store = new ObligationStore(redis, prefix);
    const period = periodAt('working-day', config.calendars.get('round')!, now)!;
    await store.record({
      contract: 'ops',
      obligation: 'logs',
      period: { key: period.key, start: period.start, end: period.end, opensAt: period.opensAt, dueAt: period.dueAt },
      source: 'gitea-ops',
      issue: { id: 'ops/a#3', key: 'ops/a#3' },
      openedAt: period.opensAt,
      found: false,
    });
    const deps = {
      contracts: () => config.contracts.values(),
      sources: config.sources,
      connectors: trackerConnectors,
      channels: config.channels,
      fallbackChannel: config.fallbackChannel,
      store,
      issues: new IssueStore(redis, prefix),
      queue,
      http: new OutboundHttp({ retry: { maxAttempts: 1 } }),
      chatQueue: () => chat,
      now: () => now,
      logger: createLogger({ silent: true }),
    };
    const data = { contract: 'ops', obligation: 'logs', period: period.key, at: period.opensAt };
    expect(await checkObligation(deps, { ...data, check: 'warning' })).to.deep.equal(['team']);
    expect(await checkObligation(deps, { ...data, check: 'deadline' })).to.deep.equal(['team']);
    const jobs = await chat.getJobs(['delayed', 'wait']);
    const delays = Object.fromEntries(jobs.map((job) => [noticeSeverity((job.data as unknown as ChatNoticeJob).notice), job.opts.delay ?? 0]));
    expect(delays).to.deep.equal({ warning: 10.5 * 3_600_000, breach: 0 });
  });
});
