/**
 * Downtime budget warnings on a real Redis with two workers: a P1 incident that is still open has
 * used more than half of the month's budget, so the 50% warning goes out at once, and once only
 * however often both workers look; the budget runs out two seconds later, where a delayed job
 * fires and the 0% message goes out once. The workers' clock is the real one moved to the middle
 * of a month, so that the incident lies in one month whenever the test runs, and BullMQ's delays
 * (on the real clock) fire at the moved clock's instants.
 */
import { expect } from 'chai';
import { Queue, Worker } from 'bullmq';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../../connectors/registry.js';
import { AVAILABILITY_QUEUE, chatQueueName, type AvailabilityJob, type ChatJob, type ChatNoticeJob } from '../../src/app/jobs/pipeline.js';
import { createAvailabilityProcessor, evaluateAvailability, type AvailabilityDeps } from '../../src/app/availability/availability-jobs.js';
import { createLogger } from '../../src/app/logger.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { createRedis, waitUntilReady, type RedisClient } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { budgetMs, monthOf, monthSpan } from '../../src/domain/availability.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { runClock } from '../../src/domain/sla-clock.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { waitFor } from '../support/wait-for.js';

const ZONE = 'Europe/Amsterdam';

describe('downtime budget warnings', function () {
  this.timeout(30_000);
  const connections: RedisClient[] = [];
  const closing: (Worker | Queue)[] = [];
  after(async () => {
    for (const item of closing) await item.close();
    for (const connection of connections) connection.disconnect();
  });

  it('warns at half the budget at once and when it is used up at that instant, once each, with two workers', async () => {
    const target = urlTarget((await sharedRedis()).url);
    const connect = async (role: 'worker' | 'request') => {
      const connection = createRedis(target, role);
      connections.push(connection);
      if (role === 'request') await waitUntilReady(connection, target);
      return connection;
    };
    const config = loadBridgeConfig(
      writeConfig({
        'calendars/round.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
        'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: { priority/1: P1 }, default: P4 }\nstatuses: { resolved: [closed] }\n',
        'contracts/ops.yaml': 'customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/app }]\npolicies: { reaction: 4h }\navailability: { target: 99.9%, warn_at: ["50%", "0%"] }\n',
      }),
      {},
    );
    const contract = config.contracts.get('ops')!;
    // The 15th of next month at 12:00, moving with the real clock from now on.
    const middle = DateTime.now().setZone(ZONE).plus({ months: 1 }).set({ day: 15, hour: 12, minute: 0, second: 0, millisecond: 0 }).toMillis();
    const offset = middle - Date.now();
    const now = () => Date.now() + offset;
    const { from, until } = monthSpan(monthOf(middle, ZONE), ZONE);
    const budget = budgetMs(99.9, from, until);
    const prefix = uniquePrefix('availability');
    const issues = new IssueStore(await connect('request'), prefix);
    const issue = { id: 'ops/app#9', key: 'ops/app#9', title: 'Odoo is down', url: 'https://gitea.ops.test/ops/app/issues/9' };
    // Down since just under the budget ago: the budget runs out 2 s from now.
    const events: IssueEvent[] = [{ type: 'created', at: now() - budget + 2_000, project: 'ops/app', labels: ['priority/1'], environment: null, priority: 'P1', status: 'open', paused: false, assignee: null, synthetic: false }];
    await issues.appendEvents('gitea-ops', issue, events.map((event, index) => ({ id: `e${index}`, event })));
    await issues.saveState({ source: 'gitea-ops', issue, sla: runClock({ source: 'gitea-ops', events }, [contract], now()), computedAt: now(), eventCount: events.length });

    const chat = new Queue<ChatJob>(chatQueueName('console'), { connection: await connect('request'), prefix });
    closing.push(chat);
    const worker = async (): Promise<AvailabilityDeps> => {
      const connection = await connect('request');
      const queue = new Queue<AvailabilityJob>(AVAILABILITY_QUEUE, { connection, prefix });
      const deps: AvailabilityDeps = {
        contracts: () => config.contracts.values(),
        sources: config.sources,
        connectors: trackerConnectors,
        channels: config.channels,
        fallbackChannel: config.fallbackChannel,
        issues: new IssueStore(connection, prefix),
        redis: connection,
        prefix,
        queue,
        chatQueue: () => chat,
        now,
        logger: createLogger({ silent: true }),
      };
      closing.unshift(new Worker<AvailabilityJob>(AVAILABILITY_QUEUE, createAvailabilityProcessor(deps), { connection: await connect('worker'), prefix }), queue);
      return deps;
    };
    const [a, b] = [await worker(), await worker()];
    await Promise.all([evaluateAvailability(a, contract), evaluateAvailability(b, contract), evaluateAvailability(a, contract)]);
    const messages = async () => (await chat.getJobs(['wait', 'delayed', 'completed', 'active'])).map((job) => (job.data as unknown as ChatNoticeJob).notice).filter((notice) => notice.kind === 'downtime_budget');
    const half = await waitFor('the 50% warning', async () => (await messages()).find((message) => message.share === 0.5));
    expect(half).to.deep.include({ kind: 'downtime_budget', contract: 'ops', month: monthOf(now(), contract.calendar.zone), targetPercent: contract.availability!.targetPercent });
    expect(half.incident).to.deep.include({ key: 'ops/app#9' });
    const used = await waitFor('the budget used up, at the instant', async () => (await messages()).find((message) => message.share === 0), { timeoutMs: 10_000 });
    // Not before the budget ran out, and by the delayed job rather than a minute's tick.
    const exhausted = events[0]!.at + budget;
    expect(used.firedAt).to.be.within(exhausted, exhausted + 5_000);
    await Promise.all([evaluateAvailability(a, contract), evaluateAvailability(b, contract)]);
    expect((await messages()).map((message) => message.share).sort()).to.deep.equal([0, 0.5]);
  });
});
