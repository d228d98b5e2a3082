/**
 * Wiring in one place: config, Redis connections, the ingest queue, the workers (./jobs/workers.ts)
 * and the HTTP server (./http/server.ts), by role. Nothing here is global, so tests start several
 * bridges side by side. The components read the config through one live view (./live-config.ts),
 * which `reload` replaces.
 */
import { Queue } from 'bullmq';
import type { ConnectorRegistry } from '../../connectors/connector.js';
import { ConfigError, formatProblem } from '../config/config-error.js';
import type { SlaConfig } from '../config/load-config.js';
import type { TrustProxy } from './http/http-app.js';
import { startHttp } from './http/server.js';
import { SERVE_WEBHOOKS_IN_FLIGHT } from './http/webhook-gate.js';
import { checkIcalSecret } from './ical/feed-token.js';
import type { LoginThrottleOptions } from './http/login-throttle.js';
import { INGEST_CONCURRENCY, INGEST_QUEUE, QUEUE_STREAMS, TIMER_QUEUE, type ChatRetryPolicy, type DeliveryJob } from './jobs/pipeline.js';
import { trackerRead } from './jobs/reconcile.js';
import { notePlannedConfig, replanIfConfigChanged } from './jobs/planned-config.js';
import { replanOpenIssues, changedSources, type ReplanResult } from './jobs/replan.js';
import { startWorkers } from './jobs/workers.js';
import { fileChanges, LiveConfig, type FileChanges } from './live-config.js';
import type { Logger } from './logger.js';
import { BridgeMetrics } from './metrics.js';
import { OutboundHttp } from './outbound/outbound-http.js';
import { AgentDirectory } from './store/agent-directory.js';
import { LineGroupDirectory } from './store/line-group-directory.js';
import { IssueStore } from './store/issue-store.js';
import { createRedis, waitUntilReady } from './store/redis-connection.js';
import { RedisHealth } from './store/redis-health.js';
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
  /** The read-only token of the /api/ endpoints (GET and HEAD only); see http/api-auth.ts. */
  readonly apiReadToken?: string | undefined;
  /** SLA_BRIDGE_ICAL_SECRET: signs the iCalendar feed URLs; without it the feeds are off. */
  readonly icalSecret?: string | undefined;
  /** Which proxies' X-Forwarded-* headers to believe (express's `trust proxy`); unset: none. */
  readonly trustProxy?: TrustProxy | undefined;
  /** How many wrong API tokens a client may send in what window (src/app/http/login-throttle.ts); the default otherwise. */
  readonly loginThrottle?: LoginThrottleOptions | undefined;
  /** How chat messages and write-backs leave the bridge; tests shorten its retry delays. */
  readonly http?: OutboundHttp;
  /** How chat messages are retried (as delayed jobs); tests shorten the waits. */
  readonly chatRetry?: Partial<ChatRetryPolicy>;
  /** Webhooks handled at once while the workers share the process (role `all`; 0: no limit): http/webhook-gate.ts. */
  readonly webhooksInFlight?: number;
  /** How long `close()` waits for in-flight jobs before dropping them (they are retried later). */
  readonly shutdownTimeoutMs?: number;
}

export type ReloadOutcome =
  | { readonly applied: false; readonly reason: string }
  | { readonly applied: true; readonly files: FileChanges; readonly replanned?: ReplanResult };

export interface RunningBridge {
  /** Where the HTTP server listens; undefined for a worker-only bridge. */
  readonly url: string | undefined;
  readonly store: IssueStore;
  readonly queue: Queue<DeliveryJob>;
  /**
   * Loads the config again with `load` and puts it in force, or, when `load` throws (a
   * ConfigError), keeps the config in force and logs why in one line. Answers once the open
   * issues the new config changes are re-planned (see jobs/replan.ts); reloads run one at a time.
   */
  reload(load: () => SlaConfig): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

/** Every problem of a refused config on one line: a log line per reload, whatever it found. */
function oneLine(error: unknown): string {
  return error instanceof ConfigError ? error.problems.map(formatProblem).join('; ') : error instanceof Error ? error.message : String(error);
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
  if (options.icalSecret !== undefined) checkIcalSecret(options.icalSecret);
  const { connectors, logger } = options;
  const live = new LiveConfig(options.config);
  // Every component reads the config through this view: see live-config.ts for why.
  const config = live.view;
  checkPrefix(prefix, options.redis);
  const requestRedis = createRedis(options.redis, 'request');
  try {
    await waitUntilReady(requestRedis, options.redis);
  } catch (error) {
    requestRedis.disconnect();
    throw error;
  }
  const ingest = new Queue<DeliveryJob>(INGEST_QUEUE, { streams: QUEUE_STREAMS, connection: requestRedis, prefix, skipWaitingForReady: true });
  ingest.on('error', () => undefined);
  const store = new IssueStore(requestRedis, prefix);
  const http = options.http ?? new OutboundHttp({ logger: logger.child({ component: 'http' }) });
  const timerCounter = new Queue(TIMER_QUEUE, { streams: QUEUE_STREAMS, connection: requestRedis, prefix, skipWaitingForReady: true });
  timerCounter.on('error', () => undefined);
  const metrics = new BridgeMetrics(() => timerCounter.getDelayedCount());
  metrics.configLoadedAt(now());
  const health = new RedisHealth(requestRedis, logger);
  health.start();
  const agents = new AgentDirectory({ sources: config.sources, connectors, read: trackerRead(http), redis: requestRedis, prefix, now, logger, metrics });
  await agents.start();
  const lineGroups = new LineGroupDirectory({ contracts: config.contracts, sources: config.sources, connectors, read: trackerRead(http), redis: requestRedis, prefix, now, logger });
  await lineGroups.start();

  const workers = role !== 'api' ? await startWorkers({ config, connectors, redis: options.redis, prefix, ingest, http, agents, concurrency: options.workerConcurrency ?? 8, ingestConcurrency: options.workerConcurrency ?? (role === 'worker' ? INGEST_CONCURRENCY : undefined), chatRetry: options.chatRetry, now, logger, metrics, health }) : undefined;
  const served =
    role !== 'worker'
      ? await startHttp({
          config,
          connectors,
          redis: requestRedis,
          prefix,
          ingest,
          store,
          agents,
          health,
          waitReplicas: options.redis.kind === 'cluster' ? 0 : (options.redis.waitReplicas ?? 0),
          http,
          apiToken: options.apiToken,
          apiReadToken: options.apiReadToken,
          icalSecret: options.icalSecret,
          trustProxy: options.trustProxy,
          loginThrottle: options.loginThrottle,
          webhooksInFlight: role === 'all' ? (options.webhooksInFlight ?? SERVE_WEBHOOKS_IN_FLIGHT) : options.webhooksInFlight,
          port: options.port ?? 8080,
          host: options.host ?? '127.0.0.1',
          now,
          logger,
          metrics,
        })
      : undefined;

  // Read at close: a reload may have added chat queues.
  const openQueues = () => [ingest, timerCounter, ...(workers?.queues ?? []), ...(served?.queues ?? [])];
  const connections = [requestRedis, ...(workers?.connections ?? [])];
  const configLog = logger.child({ component: 'config' });

  const reloadOnce = async (load: () => SlaConfig): Promise<ReloadOutcome> => {
    let next: SlaConfig;
    try {
      next = load();
    } catch (error) {
      const reason = oneLine(error);
      metrics.configReload('refused');
      configLog.error(`config reload refused, the config loaded before stays in force: ${reason}`, { dir: live.current.dir });
      return { applied: false, reason };
    }
    const previous = live.replace(next);
    metrics.configReload('applied');
    metrics.configLoadedAt(now());
    const files = fileChanges(previous, next);
    const unchanged = files.added.length + files.removed.length + files.changed.length === 0;
    configLog.info(unchanged ? 'config reloaded: no file changed' : 'config reloaded', { dir: next.dir, ...files, sources: [...next.sources.keys()] });
    if (unchanged) return { applied: true, files };
    try {
      await agents.reconfigure();
      await lineGroups.reconfigure();
      if (!workers) return { applied: true, files };
      await workers.reschedule();
      const replanned = await replanOpenIssues(workers.work, changedSources(previous, next));
      configLog.log(replanned.failed > 0 ? 'warn' : 'info', 'open issues re-planned for the reloaded config', { ...replanned });
      if (replanned.failed === 0) await notePlannedConfig(requestRedis, prefix, next);
      return { applied: true, files, replanned };
    } catch (error) {
      // The new config is in force regardless; an issue not re-planned is computed anew by its next event or timer.
      configLog.warn('the reloaded config is in force, but re-planning the open issues failed', { error: (error as Error).message });
      return { applied: true, files };
    }
  };
  // A config edited while the bridge was stopped re-plans as a reload would; reloads wait for it.
  const replanAtStart = async () => {
    try {
      const outcome = await replanIfConfigChanged(workers!.work, requestRedis, prefix, live.current);
      // A new deployment has nothing to re-plan, and nothing to say.
      if (!outcome.changed || (outcome.replanned.open === 0 && outcome.replanned.failed === 0)) return;
      const { replanned, files } = outcome;
      configLog.log(replanned.failed > 0 ? 'warn' : 'info', 'open issues re-planned for a config that changed since they were planned', { ...(files ?? { planned: 'unknown' }), ...replanned });
    } catch (error) {
      configLog.warn('re-planning the open issues for the config at start failed; each is computed anew by its next event or timer', { error: (error as Error).message });
    }
  };
  let reloading: Promise<unknown> = workers ? replanAtStart() : Promise.resolve();
  // Started once the open issues are planned with the config in force; webhooks are taken meanwhile.
  await reloading;
  logger.info('bridge started', { component: 'bridge', role, url: served?.url, redis: describeRedisTarget(options.redis), sources: [...config.sources.keys()] });

  return {
    url: served?.url,
    store,
    queue: ingest,
    reload(load) {
      const outcome = reloading.then(() => reloadOnce(load));
      reloading = outcome;
      return outcome;
    },
    async close() {
      // Stop accepting first, then let in-flight jobs finish, then drop the connections.
      const server = served?.server;
      if (server) {
        served?.streams.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      await settle(reloading, options.shutdownTimeoutMs ?? 10_000);
      await agents.close();
      await lineGroups.close();
      health.stop();
      // With Redis gone no job can finish; waiting for them would wait for Redis forever.
      const redisUp = requestRedis.status === 'ready';
      await Promise.all(
        (workers?.workers ?? []).map(async (worker) => {
          if (!(await settle(worker.close(!redisUp), options.shutdownTimeoutMs ?? 10_000))) await settle(worker.disconnect(), 1_000);
        }),
      );
      for (const openQueue of openQueues()) if (!(await settle(openQueue.close(), 2_000))) await settle(openQueue.disconnect(), 1_000);
      for (const connection of connections) connection.disconnect();
      logger.info('bridge stopped', { component: 'bridge' });
    },
  };
}
