/**
 * What every job that touches an issue's SLA state needs, and the one place that builds it (for
 * `serve`'s workers, `sla-bridge reconcile` and the tests): the issue store, the timers, the
 * write-back queue, the config, the clock. Recomputing an issue is shared by the delivery, timer
 * and reconcile jobs.
 */
import { Queue } from 'bullmq';
import type { SlaConfig } from '../../config/load-config.js';
import type { Source } from '../../config/source.js';
import type { IssueRef } from '../../../connectors/connector.js';
import type { IssueEvent } from '../../domain/issue-event.js';
import type { Contract } from '../../domain/contract.js';
import { runClock } from '../../domain/sla-clock.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import { IssueStore, type IssueState } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';
import { HOURS_QUEUE, TIMER_QUEUE, WRITE_BACK_QUEUE, type HoursJob, type StoredTimerJob, type WriteBackJob, QUEUE_STREAMS } from './pipeline.js';
import { HoursBook } from '../hours/hours-book.js';
import { HoursStore } from '../hours/hours-store.js';
import { SlaTimers } from './sla-timers.js';
import { scheduleWriteBack } from './write-back.js';
import type { GroupDirectory } from '../../domain/condition-engine.js';
import { teamGroups } from '../team-groups.js';

export interface IssueWorkDeps {
  readonly store: IssueStore;
  readonly timers: SlaTimers;
  readonly sources: ReadonlyMap<string, Source>;
  readonly writeBacks: Queue<WriteBackJob>;
  readonly contracts: () => Iterable<Contract>;
  /** Groups other than the contracts' lines (the rota's teams), read at every computation like the contracts. */
  readonly groups?: () => GroupDirectory | undefined;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** The hours cards, filed as issues are recomputed (../hours/hours-book.ts). */
  readonly hours?: HoursBook | undefined;
}

export interface IssueWork extends IssueWorkDeps {
  /** The queues opened for it, to close when done. */
  readonly queues: readonly Queue[];
}

/** The issue-work dependencies on one Redis connection (the caller owns and closes the connection). */
export function createIssueWork(parts: {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly config: Pick<SlaConfig, 'contracts' | 'sources' | 'teams'>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** `sla-bridge import`: hours warnings the imported logs reach count as told (../hours/hours-book.ts). */
  readonly quietHours?: boolean;
}): IssueWork {
  const { redis, prefix } = parts;
  const timerQueue = new Queue<StoredTimerJob>(TIMER_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const writeBacks = new Queue<WriteBackJob>(WRITE_BACK_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const hoursQueue = new Queue<HoursJob>(HOURS_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  // Without a listener BullMQ prints every reconnect attempt to stderr while Redis is away.
  for (const queue of [timerQueue, writeBacks, hoursQueue]) queue.on('error', () => undefined);
  return {
    store: new IssueStore(redis, prefix),
    timers: new SlaTimers(timerQueue, redis, prefix),
    sources: parts.config.sources,
    writeBacks,
    // Read at every computation, under the issue's lock: a reloaded config (../live-config.ts)
    // applies from the next one on.
    contracts: () => parts.config.contracts.values(),
    groups: () => teamGroups(parts.config.teams),
    now: parts.now,
    logger: parts.logger,
    metrics: parts.metrics,
    hours: new HoursBook({ store: new HoursStore(redis, prefix), queue: hoursQueue, contracts: () => parts.config.contracts.values(), quiet: parts.quietHours }),
    queues: [timerQueue, writeBacks, hoursQueue],
  };
}

/** An issue's log and ref read under the lock held now (and, when read too, its hours filing: `HoursBook.filedAt`). */
export interface LoadedIssue {
  readonly events: readonly IssueEvent[];
  readonly issue: IssueRef;
  readonly filedUnder?: string | null | undefined;
}

/**
 * The issue's SLA state at `now` from its whole event log, saved, with a write-back queued. Call
 * with the issue's lock held.
 */
export async function recomputeIssue(deps: IssueWorkDeps, source: string, issueId: string, now: number, shownText?: string, loaded?: LoadedIssue): Promise<IssueState> {
  const { events, issue } = loaded ?? (await deps.store.loadLogAndRef(source, issueId));
  const state: IssueState = {
    source,
    issue,
    sla: runClock({ source, events }, deps.contracts(), now, { groups: deps.groups?.() }),
    computedAt: now,
    eventCount: events.length,
  };
  await deps.store.saveState(state);
  await deps.hours?.afterRecompute(source, state.issue, state.sla, events, now, loaded?.filedUnder);
  await scheduleWriteBack(deps.writeBacks, deps.sources.get(source), issueId, state.sla, now, shownText);
  return state;
}

/** Recomputes and re-plans one issue; call with its lock held. `loaded`: the log and ref as read under this lock. */
export async function refreshIssue(deps: IssueWorkDeps, source: string, issueId: string, shownText?: string, loaded?: LoadedIssue): Promise<IssueState> {
  const now = deps.now();
  const state = await recomputeIssue(deps, source, issueId, now, shownText, loaded);
  await deps.timers.plan(source, issueId, state.sla, now);
  return state;
}
