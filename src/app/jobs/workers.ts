/**
 * The worker side of a bridge: one BullMQ worker per queue of the pipeline (./pipeline.ts), each
 * on its own Redis connection, with the processors' dependencies built once.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { ConnectorRegistry } from '../../../connectors/connector.js';
import type { SlaConfig } from '../../config/load-config.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import type { AgentDirectory } from '../store/agent-directory.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import { createRedis, type RedisClient } from '../store/redis-connection.js';
import type { RedisTarget } from '../store/redis-target.js';
import { createDeliveryProcessor } from './apply-delivery.js';
import { createChatSendProcessor } from './chat-send.js';
import { createTimerProcessor } from './fire-timer.js';
import { createIssueWork } from './issue-work.js';
import { createNotifyProcessor } from './notify.js';
import {
  CHAT_QUEUE,
  INGEST_QUEUE,
  NOTIFY_QUEUE,
  RECONCILE_QUEUE,
  TIMER_QUEUE,
  WORKER_RECOVERY,
  WRITE_BACK_QUEUE,
  type ChatJob,
  type DeliveryJob,
  type DueNotification,
  type ReconcileJob,
  type TimerJob,
  type WriteBackJob,
} from './pipeline.js';
import { trackerRead, trackerReaders } from './reconcile.js';
import { createReconcileProcessor, scheduleReconciliation } from './reconcile-schedule.js';
import { createWriteBackProcessor } from './write-back.js';

export interface WorkerParts {
  readonly config: SlaConfig;
  readonly connectors: ConnectorRegistry;
  readonly redis: RedisTarget;
  readonly prefix: string;
  /** Where a write-back's "no such issue" goes, as the issue's deletion. */
  readonly ingest: Queue<DeliveryJob>;
  readonly http: OutboundHttp;
  readonly agents: AgentDirectory;
  readonly concurrency: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
}

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  readonly queues: readonly Queue[];
  readonly connections: readonly RedisClient[];
}

export async function startWorkers(parts: WorkerParts): Promise<RunningWorkers> {
  const { config, connectors, prefix, http, now, logger, metrics } = parts;
  const redis = createRedis(parts.redis, 'worker');
  const connections: RedisClient[] = [redis];
  const workers: Worker[] = [];
  const work = createIssueWork({ redis, prefix, config, now, logger: logger.child({ component: 'worker' }), metrics });
  const notifications = new Queue<DueNotification>(NOTIFY_QUEUE, { connection: redis, prefix });
  const chat = new Queue<ChatJob>(CHAT_QUEUE, { connection: redis, prefix });
  const reconcile = new Queue<ReconcileJob>(RECONCILE_QUEUE, { connection: redis, prefix });
  // Connection errors are reported by the workers and the failing calls; without a listener BullMQ
  // prints each reconnect attempt to stderr, outside the log, for as long as Redis is away.
  for (const queue of [notifications, chat, reconcile]) queue.on('error', () => undefined);
  const deadLetters = new DeadLetterStore(redis, prefix);

  const start = <T>(name: string, processor: (job: Job<T>) => Promise<unknown>, concurrency = parts.concurrency) => {
    const connection = createRedis(parts.redis, 'worker');
    connections.push(connection);
    const worker = new Worker<T>(name, processor, { connection, prefix, concurrency, ...WORKER_RECOVERY });
    worker.on('failed', (job, error) => logger.warn('job failed', { component: name, job: job?.id, attempt: job?.attemptsMade, error: error.message }));
    worker.on('error', (error) => logger.warn('worker error', { component: name, error: error.message }));
    workers.push(worker as Worker);
  };
  const { channels, fallbackChannel, sources } = config;
  start<DeliveryJob>(INGEST_QUEUE, createDeliveryProcessor(work));
  start<TimerJob>(TIMER_QUEUE, createTimerProcessor({ ...work, notifications }));
  start<DueNotification>(
    NOTIFY_QUEUE,
    createNotifyProcessor({ store: work.store, contracts: config.contracts, sources, trackers: connectors, channels, fallbackChannel, chat, now, logger, metrics }),
  );
  start<ChatJob>(CHAT_QUEUE, createChatSendProcessor({ channels, fallbackChannel, http, deadLetters, logger, metrics }));
  start<WriteBackJob>(WRITE_BACK_QUEUE, createWriteBackProcessor({ store: work.store, sources, connectors, http, deadLetters, ingest: parts.ingest, now, logger, metrics }));
  await scheduleReconciliation(reconcile, sources.values());
  // One source at a time: the runs read trackers other people use.
  start<ReconcileJob>(RECONCILE_QUEUE, createReconcileProcessor({ ...work, readers: trackerReaders(connectors), agents: parts.agents, read: trackerRead(http) }), 1);
  return { workers, queues: [...work.queues, notifications, chat, reconcile], connections };
}
