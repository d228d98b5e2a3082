/**
 * The worker side of a bridge: one BullMQ worker per queue of the pipeline (./pipeline.ts), each
 * on its own Redis connection, with the processors' dependencies built once; the chat queues, one
 * per channel, in ./chat-queues.ts.
 */
import { Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { ConnectorRegistry } from '../../../connectors/connector.js';
import type { SlaConfig } from '../../config/load-config.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import type { AgentDirectory } from '../store/agent-directory.js';
import type { RedisHealth } from '../store/redis-health.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import { IssueJournal } from '../store/issue-journal.js';
import { createRedis, type RedisClient } from '../store/redis-connection.js';
import type { RedisTarget } from '../store/redis-target.js';
import { createDeliveryProcessor } from './apply-delivery.js';
import { startChatWorkers } from './chat-queues.js';
import { createTimerProcessor } from './fire-timer.js';
import { createIssueWork, type IssueWork } from './issue-work.js';
import { createNotifier, createNotifyProcessor, type NotifyDeps } from './notify.js';
import {
  CHAT_RETRY,
  CONTRACT_TERM_QUEUE,
  HOURS_QUEUE,
  INGEST_QUEUE,
  AVAILABILITY_QUEUE,
  NOTIFY_QUEUE,
  OBLIGATION_QUEUE,
  RECONCILE_QUEUE,
  RETENTION_QUEUE,
  TIMER_CONCURRENCY,
  TIMER_QUEUE,
  WORKER_RECOVERY,
  WRITE_BACK_QUEUE,
  type HoursJob,
  type ChatRetryPolicy,
  type ContractTermJob,
  type DeliveryJob,
  type DueNotification,
  type ObligationJob,
  type AvailabilityJob,
  type ReconcileJob,
  type RetentionJob,
  type StoredTimerJob,
  TIMER_KEEP_JOBS,
  type WriteBackJob,
  QUEUE_STREAMS,
} from './pipeline.js';
import { trackerRead, trackerReaders } from './reconcile.js';
import { createReconcileProcessor, scheduleReconciliation } from './reconcile-schedule.js';
import { createRetentionProcessor, scheduleRetention } from './retention.js';
import { createContractTermProcessor, scheduleContractTerms } from './contract-term.js';
import { createDutyHandoverProcessor, scheduleHandovers } from './duty-handover.js';
import { DUTY_HANDOVER_QUEUE, type DutyHandoverJob } from './pipeline.js';
import { createWriteBackProcessor } from './write-back.js';
import { createLineAssignProcessor, createLineEscalator } from './line-escalation.js';
import { LINE_ASSIGN_QUEUE, type LineAssignJob } from './pipeline.js';
import { createHoursProcessor } from '../hours/hours-jobs.js';
import { HoursStore } from '../hours/hours-store.js';
import { createObligationProcessor, scheduleObligations } from '../obligations/obligation-jobs.js';
import { ObligationStore } from '../obligations/obligation-store.js';
import { createAvailabilityProcessor, scheduleAvailability } from '../availability/availability-jobs.js';

export interface WorkerParts {
  /** Read whenever used: the bridge passes its live view (../live-config.ts), which a reload replaces. */
  readonly config: SlaConfig;
  readonly connectors: ConnectorRegistry;
  readonly redis: RedisTarget;
  readonly prefix: string;
  /** Where a write-back's "no such issue" goes, as the issue's deletion. */
  readonly ingest: Queue<DeliveryJob>;
  readonly http: OutboundHttp;
  readonly agents: AgentDirectory;
  readonly concurrency: number;
  /** Deliveries applied at once; the workers' concurrency unless set. */
  readonly ingestConcurrency?: number | undefined;
  /** How chat messages are retried; tests shorten the waits. */
  readonly chatRetry?: Partial<ChatRetryPolicy> | undefined;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** Takes the workers' errors that say Redis cannot write or is away, which it logs once. */
  readonly health?: RedisHealth;
}

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  readonly queues: readonly Queue[];
  readonly connections: readonly RedisClient[];
  /** What the processors share, for re-planning issues after a config reload. */
  readonly work: IssueWork;
  /** After a reload: the reconciliation and retention schedules follow the config in force, and new channels get their chat queues. */
  reschedule(): Promise<void>;
}

export async function startWorkers(parts: WorkerParts): Promise<RunningWorkers> {
  const { config, connectors, prefix, http, now, logger, metrics } = parts;
  const redis = createRedis(parts.redis, 'worker');
  const connections: RedisClient[] = [redis];
  const workers: Worker[] = [];
  const work = createIssueWork({ redis, prefix, config, now, logger: logger.child({ component: 'worker' }), metrics });
  const notifications = new Queue<DueNotification>(NOTIFY_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const reconcile = new Queue<ReconcileJob>(RECONCILE_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const retention = new Queue<RetentionJob>(RETENTION_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  // Connection errors are reported by the workers and the failing calls; without a listener BullMQ
  // prints each reconnect attempt to stderr, outside the log, for as long as Redis is away.
  for (const queue of [notifications, reconcile, retention]) queue.on('error', () => undefined);
  const deadLetters = new DeadLetterStore(redis, prefix);
  const journal = new IssueJournal(redis, prefix);

  const start = <T>(name: string, processor: (job: Job<T>) => Promise<unknown>, concurrency = parts.concurrency, options: Partial<WorkerOptions> = {}) => {
    const connection = createRedis(parts.redis, 'worker');
    connections.push(connection);
    const worker = new Worker<T>(name, processor, { connection, prefix, concurrency, ...WORKER_RECOVERY, ...options });
    // A stalled job is run again: after a crash that is recovery, on a live worker (its lock not
    // renewed in time) it may send a chat message twice, so it is worth a line.
    worker.on('stalled', (jobId) => logger.warn('job stalled: its lock expired, so it runs again', { component: name, job: jobId }));
    worker.on('failed', (job, error) => logger.warn('job failed', { component: name, job: job?.id, attempt: job?.attemptsMade, error: error.message }));
    worker.on('error', (error) => {
      if (!parts.health?.report(error)) logger.warn('worker error', { component: name, error: error.message });
    });
    workers.push(worker as Worker);
  };
  const { channels, fallbackChannel, sources } = config;
  const chat = await startChatWorkers({
    redis: parts.redis,
    prefix,
    channels,
    fallbackChannel,
    http,
    deadLetters,
    retry: { ...CHAT_RETRY, ...parts.chatRetry },
    concurrency: parts.concurrency,
    logger,
    metrics,
    now,
    duty: { teams: config.teams ?? new Map(), now },
    health: parts.health,
  });
  workers.push(...chat.workers);
  connections.push(...chat.connections);
  const lineAssign = new Queue<LineAssignJob>(LINE_ASSIGN_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  lineAssign.on('error', () => undefined);
  start<DeliveryJob>(INGEST_QUEUE, createDeliveryProcessor(work), parts.ingestConcurrency ?? parts.concurrency);
  const notifyDeps: NotifyDeps = { store: work.store, contracts: config.contracts, sources, trackers: connectors, channels, fallbackChannel, chatQueue: chat.queueFor, now, logger, metrics, journal, teams: config.teams, escalate: createLineEscalator({ contracts: config.contracts, sources, trackers: connectors, channels, fallbackChannel, chatQueue: chat.queueFor, teams: config.teams, assignQueue: lineAssign, now, logger }) };
  start<StoredTimerJob>(TIMER_QUEUE, createTimerProcessor({ ...work, notify: createNotifier(notifyDeps) }), Math.max(parts.concurrency, TIMER_CONCURRENCY), TIMER_KEEP_JOBS);
  // Drains the claims an earlier version queued; this one's timers route their own.
  start<DueNotification>(NOTIFY_QUEUE, createNotifyProcessor(notifyDeps), Math.max(parts.concurrency, TIMER_CONCURRENCY));
  start<LineAssignJob>(LINE_ASSIGN_QUEUE, createLineAssignProcessor({ store: work.store, contracts: config.contracts, sources, connectors, http, deadLetters, ingest: parts.ingest, now, logger }));
  start<HoursJob>(HOURS_QUEUE, createHoursProcessor({ contracts: config.contracts, sources, trackers: connectors, channels, fallbackChannel, chatQueue: chat.queueFor, now, logger, store: new HoursStore(redis, prefix) }));
  start<WriteBackJob>(WRITE_BACK_QUEUE, createWriteBackProcessor({ store: work.store, sources, connectors, http, deadLetters, ingest: parts.ingest, now, logger, metrics, journal }));
  await scheduleReconciliation(reconcile, sources.values());
  // One source at a time: the runs read trackers other people use.
  start<ReconcileJob>(RECONCILE_QUEUE, createReconcileProcessor({ ...work, readers: trackerReaders(connectors), agents: parts.agents, read: trackerRead(http) }), 1);
  await scheduleRetention(retention, config.bridge?.retention);
  start<RetentionJob>(RETENTION_QUEUE, createRetentionProcessor({ ...work, retention: () => config.bridge?.retention }), 1);
  const contractTerms = new Queue<ContractTermJob>(CONTRACT_TERM_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const termDeps = { config, chatQueue: chat.queueFor, redis, prefix, now, logger };
  const planTerms = async () => logger.info('contract term warnings planned', { component: 'contract-term', ...(await scheduleContractTerms(contractTerms, termDeps)) });
  start<ContractTermJob>(CONTRACT_TERM_QUEUE, createContractTermProcessor(termDeps), 1);
  await planTerms();
  const obligations = new Queue<ObligationJob>(OBLIGATION_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const obligationStore = new ObligationStore(redis, prefix);
  const obligationDeps = { contracts: () => config.contracts.values(), sources, connectors, channels, fallbackChannel, store: obligationStore, issues: work.store, queue: obligations, http, chatQueue: chat.queueFor, now, logger };
  start<ObligationJob>(OBLIGATION_QUEUE, createObligationProcessor(obligationDeps));
  await scheduleObligations(obligations, config.contracts.values(), sources);
  const availability = new Queue<AvailabilityJob>(AVAILABILITY_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const availabilityDeps = { contracts: () => config.contracts.values(), sources, connectors, channels, fallbackChannel, issues: work.store, redis, prefix, queue: availability, chatQueue: chat.queueFor, now, logger };
  start<AvailabilityJob>(AVAILABILITY_QUEUE, createAvailabilityProcessor(availabilityDeps), 1);
  await scheduleAvailability(availability, config.contracts.values());
  const handovers = new Queue<DutyHandoverJob>(DUTY_HANDOVER_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix });
  const handoverDeps = { config, store: work.store, queue: handovers, chatQueue: chat.queueFor, redis, prefix, now, logger };
  start<DutyHandoverJob>(DUTY_HANDOVER_QUEUE, createDutyHandoverProcessor(handoverDeps), 1);
  await scheduleHandovers(handoverDeps);
  for (const queue of [contractTerms, obligations, availability, handovers]) queue.on('error', () => undefined);
  const queues: Queue[] = [...work.queues, notifications, ...chat.queues, reconcile, retention, contractTerms, obligations, availability, handovers, lineAssign];
  const reschedule = async () => {
    await planTerms();
    await scheduleHandovers(handoverDeps);
    await scheduleReconciliation(reconcile, sources.values());
    await scheduleRetention(retention, config.bridge?.retention);
    await scheduleObligations(obligations, config.contracts.values(), sources);
    await scheduleAvailability(availability, config.contracts.values());
    // A channel the reload added gets its own queue, as at start; until now it shared the fallback's.
    const added = await chat.addNewChannels();
    workers.push(...added.workers);
    queues.push(...added.queues);
  };
  return { workers, queues, connections, work, reschedule };
}
