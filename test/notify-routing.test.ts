/**
 * Where a due notification goes and when: warnings to the contract's warning channels, breaches
 * to its breach channels, the console when none is named; held for a channel's quiet hours unless
 * a breach may bypass them. The real notify processor on a real queue.
 */
import { expect } from 'chai';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import path from 'node:path';
import { configureChatChannel } from '../connectors/chat/configured-channel.js';
import { trackerConnectors } from '../connectors/registry.js';
import { IssueStore, type IssueState } from '../src/app/store/issue-store.js';
import { createLogger } from '../src/app/logger.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { buildNotification, createNotifyProcessor, nextOpening } from '../src/app/jobs/notify.js';
import type { Channel } from '../src/config/channel.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { issueEventSchema } from '../src/domain/issue-event.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { runClock } from '../src/domain/sla-clock.js';
import { projectRoot } from '../src/project-root.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { chatQueueName, type ChatJob, type DueNotification } from '../src/app/jobs/pipeline.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;
const fixture = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});
const office = fixture.calendars.get('office')!;

describe('notification routing and quiet hours', () => {
  it('finds the next opening of a calendar', () => {
    expect(toLocalIso(nextOpening(office, at('2026-11-28T12:00')), ZONE)).to.equal('2026-11-30T09:00:00.000+01:00');
    expect(toLocalIso(nextOpening(office, at('2026-11-30T10:15')), ZONE)).to.equal('2026-11-30T10:15:00.000+01:00');
    expect(toLocalIso(nextOpening(office, at('2026-12-24T17:30')), ZONE)).to.equal('2026-12-28T09:00:00.000+01:00');
  });

  it('marks a message late when it stands for a missed one, even when its own instant just came', () => {
    const created = at('2026-11-30T09:00');
    const events = [issueEventSchema.parse({ type: 'created', at: created, project: 'ACME', priority: 'P1', status: 'open' })];
    const sla = runClock({ source: 'jira-demo', events }, fixture.contracts.values(), at('2026-11-30T12:00'));
    if (!sla.covered) throw new Error(sla.reason);
    const status = sla.metrics.find((metric) => metric.metric === 'reaction')!;
    const state: IssueState = { source: 'jira-demo', issue: { id: '8', key: 'ACME-8' }, sla, computedAt: at('2026-11-30T12:00'), eventCount: 1 };
    const breachAt = status.deadline!;
    const due = (firedAt: number, skipped: string[], skippedSince?: number): DueNotification => ({
      id: 'notify-8',
      source: 'jira-demo',
      issueId: '8',
      metric: 'reaction',
      kind: 'breach',
      label: 'breach',
      at: breachAt,
      firedAt,
      skipped,
      ...(skippedSince === undefined ? {} : { skippedSince }),
    });
    const tracker = { kind: 'jira', name: 'Jira' };
    // On time, standing for a warning missed an hour earlier: late by that hour, naming it.
    expect(buildNotification(due(breachAt + 200, ['50%'], breachAt - 3_600_000), state, status, 'en', tracker)?.late).to.deep.equal({ byMs: 3_600_200, skipped: ['50%'], cause: 'down' });
    // On time, standing for nothing: not late. Late itself: late by its own delay.
    expect(buildNotification(due(breachAt + 200, []), state, status, 'en', tracker)).to.not.have.property('late');
    expect(buildNotification(due(breachAt + 5_000, []), state, status, 'en', tracker)?.late).to.deep.equal({ byMs: 5_000, cause: 'down' });
  });

  it('says the bridge was down when the instant came before the process started, and that it fell behind when it came later', () => {
    const events = [issueEventSchema.parse({ type: 'created', at: at('2026-11-30T09:00'), project: 'ACME', priority: 'P1', status: 'open' })];
    const sla = runClock({ source: 'jira-demo', events }, fixture.contracts.values(), at('2026-11-30T12:00'));
    if (!sla.covered) throw new Error(sla.reason);
    const status = sla.metrics.find((metric) => metric.metric === 'reaction')!;
    const state: IssueState = { source: 'jira-demo', issue: { id: '8', key: 'ACME-8' }, sla, computedAt: at('2026-11-30T12:00'), eventCount: 1 };
    const breachAt = status.deadline!;
    const tracker = { kind: 'jira', name: 'Jira' };
    const late = (firedAt: number, runningSince: number | undefined, skippedSince?: number) =>
      buildNotification({ id: 'notify-8', source: 'jira-demo', issueId: '8', metric: 'reaction', kind: 'breach', label: 'breach', at: breachAt, firedAt, skipped: skippedSince === undefined ? [] : ['50%'], ...(skippedSince === undefined ? {} : { skippedSince }) }, state, status, 'en', tracker, runningSince)?.late;
    const cases: [string, number, number | undefined, number | undefined, string | undefined][] = [
      ['started after the instant: down', breachAt + 60_000, breachAt + 30_000, undefined, 'down'],
      ['started before the instant, fired 3 s late: behind', breachAt + 3_000, breachAt - 60_000, undefined, 'behind'],
      ['started the same millisecond as the instant: behind', breachAt + 3_000, breachAt, undefined, 'behind'],
      ['started between the missed warning and the breach: down', breachAt + 200, breachAt - 1_000, breachAt - 3_600_000, 'down'],
      ['started before the missed warning: behind', breachAt + 200, breachAt - 7_200_000, breachAt - 3_600_000, 'behind'],
      ['no start known (a caller before the cause was told): down', breachAt + 3_000, undefined, undefined, 'down'],
      ['on time: not late at all', breachAt + 900, breachAt - 60_000, undefined, undefined],
    ];
    for (const [name, firedAt, runningSince, skippedSince, cause] of cases) expect(late(firedAt, runningSince, skippedSince)?.cause, name).to.equal(cause);
  });

  describe('through the notify processor', () => {
    let redis: Redis;
    let chat: Map<string, Queue<ChatJob>>;
    let prefix: string;
    const now = at('2026-11-28T12:00'); // a Saturday: the office calendar is closed
    const channel = (id: string, quiet: boolean, bypassBreaches = true, language?: 'nl'): Channel => ({
      id,
      kind: 'console',
      language,
      quietHours: quiet ? { calendar: office, bypassBreaches } : undefined,
      chat: configureChatChannel('console', {}),
    });
    const channels = new Map([
      ['team', channel('team', true, true, 'nl')],
      ['managers', channel('managers', true, true)],
    ]);

    before(async () => {
      redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
      prefix = uniquePrefix('notify');
      chat = new Map(['team', 'managers'].map((id) => [id, new Queue<ChatJob>(chatQueueName(id), { connection: redis, prefix })]));
      const events = [issueEventSchema.parse({ type: 'created', at: at('2026-11-28T09:00'), project: 'ACME', priority: 'P1', status: 'open' })];
      const state: IssueState = {
        source: 'jira-demo',
        issue: { id: '7', key: 'ACME-7', title: 'Weekend outage' },
        sla: runClock({ source: 'jira-demo', events }, fixture.contracts.values(), now),
        computedAt: now,
        eventCount: 1,
      };
      await new IssueStore(redis, prefix).saveState(state);
    });
    after(async () => {
      await Promise.all([...chat.values()].map((queue) => queue.close()));
      redis.disconnect();
    });

    async function route(kind: DueNotification['kind'], contracts = fixture.contracts) {
      const due: DueNotification = { id: `notify-${kind}-${Math.random()}`, source: 'jira-demo', issueId: '7', metric: 'reaction', kind, label: kind === 'warning' ? '50%' : 'breach', at: now, firedAt: now, skipped: [] };
      const withRoutes = new Map([...contracts].map(([id, contract]) => [id, { ...contract, notify: { warnings: ['team'], breaches: ['managers'] } }]));
      const process = createNotifyProcessor({ store: new IssueStore(redis, prefix), contracts: withRoutes, sources: new Map(), trackers: trackerConnectors, channels, fallbackChannel: fixture.fallbackChannel, chatQueue: (id) => chat.get(id)!, now: () => now, logger: createLogger({ silent: true }), metrics: new BridgeMetrics() });
      const channelIds = await process({ data: due } as Job<DueNotification>);
      // Each channel's message in that channel's own queue.
      const jobs = await Promise.all(channelIds.map((channelId) => chat.get(channelId)!.getJob(`${due.id}-${channelId}`)));
      return jobs.map((job) => ({ channel: job!.data.channelId, language: job!.data.notification.language, delay: job!.opts.delay ?? 0 }));
    }

    it('holds a warning to the team until Monday 09:00, in the channel\'s language', async () => {
      expect(await route('warning')).to.deep.equal([{ channel: 'team', language: 'nl', delay: at('2026-11-30T09:00') - now }]);
    });

    it('sends a breach to the managers at once: breaches bypass quiet hours', async () => {
      expect(await route('breach')).to.deep.equal([{ channel: 'managers', language: 'en', delay: 0 }]);
    });

    it('holds a breach too when the channel does not let breaches bypass', async () => {
      channels.set('managers', channel('managers', true, false));
      expect((await route('breach'))[0]!.delay).to.equal(at('2026-11-30T09:00') - now);
    });
  });
});
