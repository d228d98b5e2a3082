/**
 * Wiring in one place: config, Redis connections, the ingest queue, its workers and the HTTP
 * server. Nothing here is global, so tests start several bridges side by side.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker, type Job } from 'bullmq';
import type { ConnectorRegistry } from '../../connectors/connector.js';
import type { SlaConfig } from '../config/load-config.js';
import { createDeliveryProcessor } from './jobs/apply-delivery.js';
import { createTimerProcessor, NOTIFY_QUEUE } from './jobs/fire-timer.js';
import { createChatSendProcessor } from './jobs/chat-send.js';
import { DeadLetterStore } from './store/dead-letters.js';
import { CHAT_QUEUE, createNotifyProcessor, type ChatJob } from './jobs/notify.js';
import { BridgeMetrics } from './metrics.js';
import { OutboundHttp } from './outbound/outbound-http.js';
import { createWriteBackProcessor, WRITE_BACK_QUEUE, type WriteBackJob } from './jobs/write-back.js';
import { trackerRead } from './jobs/reconcile.js';
import { createReconcileProcessor, RECONCILE_QUEUE, scheduleReconciliation, type ReconcileJob } from './jobs/reconcile-schedule.js';
import { SlaTimers, TIMER_QUEUE, type DueNotification, type TimerJob } from './jobs/sla-timers.js';
import { DeliveryIntake } from './http/delivery-intake.js';
import { createHttpApp, type TrustProxy } from './http/http-app.js';
import { INGEST_QUEUE, type DeliveryJob } from './jobs/pipeline.js';
import { IssueStore } from './store/issue-store.js';
import type { Logger } from './logger.js';
import { createRedis, waitUntilReady } from './store/redis-connection.js';
import { checkPrefix, describeRedisTarget, type RedisTarget } from './store/redis-target.js';

export type BridgeRole = 'api' | 'worker' | 'all';

export interface BridgeOptions {
  readonly config: SlaConfig;
  readonly connectors: ConnectorRegistry;
  /** Where the queues and issue states live: one server, a Sentinel-managed master, or a Cluster. */
  readonly redis: RedisTarget;
  readonly logger: Logger;
  /** Namespace of every Redis key, so several bridges (or test runs) can share one Redis. */
  readonly prefix?: string;
  readonly role?: BridgeRole;
  readonly port?: number;
  readonly host?: string;
  readonly workerConcurrency?: number;
  readonly now?: () => number;
  /** Bearer token of the /api/ endpoints; without one they refuse every request. */
  readonly apiToken?: string | undefined;
  /** Which proxies' X-Forwarded-* headers to believe (express's `trust proxy`); unset: none. */
  readonly trustProxy?: TrustProxy | undefined;
  /** How chat messages and write-backs leave the bridge; tests shorten its retry delays. */
  readonly http?: OutboundHttp;
  /** How long `close()` waits for in-flight jobs before dropping them (they are retried later). */
  readonly shutdownTimeoutMs?: number;
}

export interface RunningBridge {
  /** Where the HTTP server listens; undefined for a worker-only bridge. */
  readonly url: string | undefined;
  readonly store: IssueStore;
  readonly queue: Queue<DeliveryJob>;
  close(): Promise<void>;
}

/** Waits for `promise`, but no longer than `ms`; says whether it finished. Failures are logged where they happen. */
async function settle(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return finished;
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const prefix = options.prefix ?? 'sla';
  const role = options.role ?? 'all';
  const now = options.now ?? Date.now;
  const logger = options.logger;
  checkPrefix(prefix, options.redis);
  const requestRedis = createRedis(options.redis, 'request');
  try {
    await waitUntilReady(requestRedis, options.redis);
  } catch (error) {
    requestRedis.disconnect();
    throw error;
  }
  const queue = new Queue<DeliveryJob>(INGEST_QUEUE, { connection: requestRedis, prefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  const store = new IssueStore(requestRedis, prefix);

  const http = options.http ?? new OutboundHttp({ logger: logger.child({ component: 'http' }) });
  const connections = [requestRedis];
  const timerCounter = new Queue(TIMER_QUEUE, { connection: requestRedis, prefix, skipWaitingForReady: true });
  timerCounter.on('error', () => undefined);
  const metrics = new BridgeMetrics(() => timerCounter.getDelayedCount());
  const workers: Worker[] = [];
  const queues: Queue[] = [queue, timerCounter];
  if (role !== 'api') {
    const workerRedis = createRedis(options.redis, 'worker');
    connections.push(workerRedis);
    const contracts = [...options.config.contracts.values()];
    const timerQueue = new Queue<TimerJob>(TIMER_QUEUE, { connection: workerRedis, prefix });
    const notifyQueue = new Queue<DueNotification>(NOTIFY_QUEUE, { connection: workerRedis, prefix });
    const chatQueue = new Queue<ChatJob>(CHAT_QUEUE, { connection: workerRedis, prefix });
    const writeBackQueue = new Queue<WriteBackJob>(WRITE_BACK_QUEUE, { connection: workerRedis, prefix });
    queues.push(timerQueue, notifyQueue, chatQueue, writeBackQueue);
    const deps = {
      store: new IssueStore(workerRedis, prefix),
      timers: new SlaTimers(timerQueue, workerRedis, prefix),
      sources: options.config.sources,
      writeBacks: writeBackQueue,
      contracts: () => contracts,
      now,
      logger: logger.child({ component: 'worker' }),
      metrics,
    };
    const startWorker = <T>(name: string, processor: (job: Job<T>) => Promise<unknown>, concurrency: number) => {
      const connection = createRedis(options.redis, 'worker');
      connections.push(connection);
      const worker = new Worker<T>(name, processor, { connection, prefix, concurrency });
      worker.on('failed', (job, error) => logger.warn('job failed', { component: name, job: job?.id, attempt: job?.attemptsMade, error: error.message }));
      worker.on('error', (error) => logger.warn('worker error', { component: name, error: error.message }));
      workers.push(worker as Worker);
    };
    const concurrency = options.workerConcurrency ?? 8;
    startWorker<DeliveryJob>(INGEST_QUEUE, createDeliveryProcessor(deps), concurrency);
    startWorker<TimerJob>(TIMER_QUEUE, createTimerProcessor({ ...deps, notifications: notifyQueue }), concurrency);
    const { channels, sources } = options.config;
    startWorker<DueNotification>(
      NOTIFY_QUEUE,
      createNotifyProcessor({ store: deps.store, contracts: options.config.contracts, sources, trackers: options.connectors, channels, fallbackChannel: options.config.fallbackChannel, chat: chatQueue, now, logger, metrics }),
      concurrency,
    );
    const deadLetters = new DeadLetterStore(workerRedis, prefix);
    startWorker<ChatJob>(CHAT_QUEUE, createChatSendProcessor({ channels, fallbackChannel: options.config.fallbackChannel, http, deadLetters, logger, metrics }), concurrency);
    startWorker<WriteBackJob>(
      WRITE_BACK_QUEUE,
      createWriteBackProcessor({ store: deps.store, sources, connectors: options.connectors, http, deadLetters, ingest: queue, now, logger, metrics }),
      concurrency,
    );
    const reconcileQueue = new Queue<ReconcileJob>(RECONCILE_QUEUE, { connection: workerRedis, prefix });
    queues.push(reconcileQueue);
    await scheduleReconciliation(reconcileQueue, sources.values());
    // One source at a time: the runs read trackers other people use.
    startWorker<ReconcileJob>(RECONCILE_QUEUE, createReconcileProcessor({ ...deps, connectors: options.connectors, read: trackerRead(http) }), 1);
  }

  let server: Server | undefined;
  if (role !== 'worker') {
    const intake = new DeliveryIntake(queue, requestRedis, prefix, options.redis.kind === 'cluster' ? 0 : (options.redis.waitReplicas ?? 0));
    // Read-side handles of every queue, for the queue board; the workers have their own.
    const boardQueues = [INGEST_QUEUE, TIMER_QUEUE, NOTIFY_QUEUE, CHAT_QUEUE, WRITE_BACK_QUEUE, RECONCILE_QUEUE].map((name) => {
      const handle = name === INGEST_QUEUE ? queue : new Queue(name, { connection: requestRedis, prefix, skipWaitingForReady: true });
      if (handle !== queue) queues.push(handle);
      return handle as Queue;
    });
    const api = { token: options.apiToken, now, store, contracts: options.config.contracts, deadLetters: new DeadLetterStore(requestRedis, prefix), http, queues: boardQueues };
    const app = createHttpApp({ sources: options.config.sources, connectors: options.connectors, intake, api, metrics, now, logger, trustProxy: options.trustProxy });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve(listening));
      listening.on('error', reject);
    });
  }
  const address = server?.address() as AddressInfo | undefined;
  const url = address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : undefined;
  logger.info('bridge started', { component: 'bridge', role, url, redis: describeRedisTarget(options.redis), sources: [...options.config.sources.keys()] });

  return {
    url,
    store,
    queue,
    async close() {
      // Stop accepting first, then let in-flight jobs finish, then drop the connections.
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      // With Redis gone no job can finish; waiting for them would wait for Redis forever.
      const redisUp = requestRedis.status === 'ready';
      await Promise.all(
        workers.map(async (worker) => {
          if (!(await settle(worker.close(!redisUp), options.shutdownTimeoutMs ?? 10_000))) await settle(worker.disconnect(), 1_000);
        }),
      );
      for (const openQueue of queues) if (!(await settle(openQueue.close(), 2_000))) await settle(openQueue.disconnect(), 1_000);
      for (const connection of connections) connection.disconnect();
      logger.info('bridge stopped', { component: 'bridge' });
    },
  };
}
