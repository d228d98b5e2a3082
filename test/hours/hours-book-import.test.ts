/**
 * The hours book on a real Redis and queue: a level reached is queued once under its (contract,
 * purchase, level) id; an import (quiet) files the calls and marks what its logs reach as told,
 * so the bridge after the move does not warn again.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { rmSync } from 'node:fs';
import { HoursBook } from '../../src/app/hours/hours-book.js';
import { HoursStore } from '../../src/app/hours/hours-store.js';
import { HOURS_QUEUE, cardWarningId, type HoursJob } from '../../src/app/jobs/pipeline.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { issueEventSchema, type IssueEvent } from '../../src/domain/issue-event.js';
import { runClock } from '../../src/domain/sla-clock.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';

const dir = writeConfig({
  'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/card.yaml': `customer: Card\ncalendar: round\ncovers:\n  - { source: jira-demo, project: MB }\npolicies:\n  reaction: none\nhours:\n  purchases: [{ hours: 1, date: 2026-01-05, reference: INV-1 }]\n  warnings: [0h]\n`,
});
const config = loadBridgeConfig(dir, {}, { sources: false });
rmSync(dir, { recursive: true, force: true });

describe('hours book on Redis', () => {
  let redis: Redis;
  const queues: Queue[] = [];
  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  after(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    redis.disconnect();
  });

  const now = Date.now();
  const events: IssueEvent[] = [
    issueEventSchema.parse({ type: 'created', at: now - 3_600_000, project: 'MB', priority: 'P3', status: 'open' }),
    issueEventSchema.parse({ type: 'time_logged', at: now - 1_800_000, recordId: 'jira-worklog:1', seconds: 7200, author: 'ann' }),
  ];
  const sla = runClock({ source: 'jira-demo', events }, config.contracts.values(), now);
  const issue = { id: '10001', key: 'MB-1' };
  const id = cardWarningId('card', 'INV-1', '0h');

  function book(prefix: string, quiet: boolean) {
    const queue = new Queue<HoursJob>(HOURS_QUEUE, { connection: redis, prefix });
    queues.push(queue);
    return { queue, store: new HoursStore(redis, prefix), book: new HoursBook({ store: new HoursStore(redis, prefix), queue, contracts: () => config.contracts.values(), quiet }) };
  }

  it('queues a reached level once, however often the issue is recomputed', async () => {
    const { queue, book: hours } = book(uniquePrefix('hours-book'), false);
    for (let i = 0; i < 3; i += 1) await hours.afterRecompute('jira-demo', issue, sla, events, now);
    expect((await queue.getJobs(['waiting', 'delayed', 'active', 'completed'])).map((job) => job.id)).to.deep.equal([id]);
    expect((await hours.ledger('card', now))!.balanceSeconds).to.equal(-3600);
  });

  it('an import files the calls and marks the level as told: the bridge after it warns no more', async () => {
    const prefix = uniquePrefix('hours-import');
    const imported = book(prefix, true);
    await imported.book.afterRecompute('jira-demo', issue, sla, events, now);
    expect(await imported.queue.getJobCounts('waiting', 'delayed', 'active', 'completed')).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 0 });
    expect(await imported.store.warned('card')).to.deep.equal([id]);
    expect((await imported.store.loadCalls('card')).map((call) => call.rawSeconds)).to.deep.equal([7200]);
    const serving = book(prefix, false);
    await serving.book.afterRecompute('jira-demo', issue, sla, events, now);
    expect(await serving.queue.getJobCounts('waiting', 'delayed', 'active', 'completed')).to.deep.equal({ waiting: 0, delayed: 0, active: 0, completed: 0 });
  });
});
