/**
 * The issue journal on a real redis-server: the notify processor records a message it holds for a
 * channel's quiet hours with until when, and the list keeps only the latest records.
 */
import { expect } from 'chai';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import path from 'node:path';
import { configureChatChannel } from '../connectors/chat/configured-channel.js';
import { trackerConnectors } from '../connectors/registry.js';
import { createNotifyProcessor } from '../src/app/jobs/notify.js';
import { chatQueueName, type ChatJob, type DueNotification } from '../src/app/jobs/pipeline.js';
import { createLogger } from '../src/app/logger.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { IssueJournal, JOURNAL_LENGTH } from '../src/app/store/issue-journal.js';
import { IssueStore, type IssueState } from '../src/app/store/issue-store.js';
import type { Channel } from '../src/config/channel.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { runClock } from '../src/domain/sla-clock.js';
import { projectRoot } from '../src/project-root.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';

const at = (local: string) => parseLocalIso(local, 'Europe/Amsterdam')!;
const fixture = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});

describe('issue journal', () => {
  let redis: Redis;
  let prefix: string;
  let journal: IssueJournal;

  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
    prefix = uniquePrefix('journal');
    journal = new IssueJournal(redis, prefix);
  });
  after(() => {
    redis.disconnect();
  });

  it('holds a warning for quiet hours and records the channel and until when', async () => {
    const now = at('2026-11-28T12:00'); // a Saturday: the office calendar is closed until Monday 09:00
    const events = [issueEventSchema.parse({ type: 'created', at: at('2026-11-28T09:00'), project: 'ACME', priority: 'P1', status: 'open' })];
    const state: IssueState = { source: 'jira-demo', issue: { id: '71', key: 'ACME-71' }, sla: runClock({ source: 'jira-demo', events }, fixture.contracts.values(), now), computedAt: now, eventCount: 1 };
    await new IssueStore(redis, prefix).saveState(state);
    const team: Channel = { id: 'team', kind: 'console', quietHours: { calendar: fixture.calendars.get('office')!, bypassBreaches: true }, chat: configureChatChannel('console', {}) };
    const queue = new Queue<ChatJob>(chatQueueName('team'), { connection: redis, prefix });
    try {
      const contracts = new Map([...fixture.contracts].map(([id, contract]) => [id, { ...contract, notify: { warnings: ['team'], breaches: [] } }]));
      const process = createNotifyProcessor({ store: new IssueStore(redis, prefix), contracts, sources: new Map(), trackers: trackerConnectors, channels: new Map([['team', team]]), fallbackChannel: fixture.fallbackChannel, chatQueue: () => queue, now: () => now, logger: createLogger({ silent: true }), metrics: new BridgeMetrics(), journal });
      const due: DueNotification = { id: 'notify-journal-71', source: 'jira-demo', issueId: '71', metric: 'reaction', kind: 'warning', label: '50%', at: now - 60_000, firedAt: now, skipped: [] };
      expect(await process({ data: due } as Job<DueNotification>)).to.deep.equal(['team']);
    } finally {
      await queue.close();
    }
    expect(await journal.list('jira-demo', '71')).to.deep.equal([
      { type: 'notification', at: now, metric: 'reaction', kind: 'warning', label: '50%', channel: 'team', channelKind: 'console', outcome: 'held', until: at('2026-11-30T09:00'), firedAt: now },
    ]);
  });

  it(`keeps the latest ${JOURNAL_LENGTH} records of an issue`, async () => {
    for (let index = 0; index < JOURNAL_LENGTH + 5; index += 1) await journal.append('jira-demo', '72', { type: 'write-back', at: index, outcome: 'written', requests: 1 });
    const kept = await journal.list('jira-demo', '72');
    expect(kept).to.have.length(JOURNAL_LENGTH);
    expect(kept[0]!.at).to.equal(5);
    expect(kept[kept.length - 1]!.at).to.equal(JOURNAL_LENGTH + 4);
  });
});
