import express from 'express';
import { trackerConnectors } from '../../connectors/registry.js';
import { startBridge, type BridgeRole } from '../app/bridge.js';
import type { TrustProxy } from '../app/http/http-app.js';
import { createLogger } from '../app/logger.js';
import path from 'node:path';
import { startEmbeddedRedis } from '../app/store/embedded-redis.js';
import { embeddedAppendFsync } from './bridge-redis.js';
import { keyPrefix, redisTargetFromEnv, urlTarget } from '../app/store/redis-target.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { projectRoot } from '../project-root.js';
import { UsageError } from './cli-io.js';
import { readOnlyApiToken } from './api-read-token.js';
import { icalSecretProblem } from '../app/ical/feed-token.js';

export interface ServeOptions {
  readonly config: string;
  readonly role: string;
}

const ROLES: readonly BridgeRole[] = ['api', 'worker', 'all'];

/** SLA_BRIDGE_TRUST_PROXY as express takes it: true or false, a hop count, or addresses and subnets. */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  if (!value) return undefined;
  const parsed = value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value;
  try {
    express().set('trust proxy', parsed);
  } catch (error) {
    throw new UsageError(`SLA_BRIDGE_TRUST_PROXY: "${value}" is not true, a hop count or a list of proxy addresses (${(error as Error).message})`);
  }
  return parsed;
}

/**
 * SLA_BRIDGE_WEBHOOKS_IN_FLIGHT: how many webhooks one process handles at once (0: no limit). Unset,
 * a `serve` of every role keeps the measured default and `--role api` has no limit.
 */
export function parseWebhooksInFlight(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 10_000) throw new UsageError(`SLA_BRIDGE_WEBHOOKS_IN_FLIGHT: "${value}" is not a whole number from 0 (no limit) to 10000`);
  return Number(value);
}

/**
 * Runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight jobs and exits. SIGHUP
 * loads the config directory again, as `sla-bridge validate` checks it, and puts it in force if it
 * is valid (RunningBridge.reload).
 */
export async function serveCommand(options: ServeOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!ROLES.includes(options.role as BridgeRole)) throw new UsageError(`--role: "${options.role}" is not a role (use ${ROLES.join(', ')})`);
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`PORT: "${env.PORT}" is not a port number`);
  const trustProxy = parseTrustProxy(env.SLA_BRIDGE_TRUST_PROXY);
  const webhooksInFlight = parseWebhooksInFlight(env.SLA_BRIDGE_WEBHOOKS_IN_FLIGHT);
  const apiReadToken = readOnlyApiToken(env);
  const icalProblem = env.SLA_BRIDGE_ICAL_SECRET ? icalSecretProblem(env.SLA_BRIDGE_ICAL_SECRET) : undefined;
  if (icalProblem) throw new UsageError(icalProblem);
  const target = redisTargetFromEnv(env);
  const prefix = keyPrefix(env, target);
  const appendFsync = embeddedAppendFsync(env, target !== undefined);
  // The one way the config is loaded, at start and on every SIGHUP; `validate` loads it the same way.
  const load = () => loadBridgeConfig(options.config, env);
  const config = load();
  // A SIGHUP during startup is kept for when the bridge runs: without a handler it would end the process.
  let reloadAsked = false;
  let reload = () => void (reloadAsked = true);
  process.on('SIGHUP', () => reload());
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'info', format: env.LOG_FORMAT === 'json' || !process.stdout.isTTY ? 'json' : 'pretty' });
  // Without a Redis named in the environment the bridge runs its own redis-server, so a new user
  // needs nothing else.
  const embedded = target
    ? undefined
    : await startEmbeddedRedis({ dataDir: env.SLA_BRIDGE_DATA_DIR ?? path.join(projectRoot(), '.data', 'redis'), appendFsync, logger }).catch((error: Error) => {
        throw new UsageError(error.message);
      });
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge({
      config,
      connectors: trackerConnectors,
      redis: target ?? urlTarget(embedded!.url),
      logger,
      role: options.role as BridgeRole,
      port,
      host: env.HOST ?? '127.0.0.1',
      prefix,
      apiToken: env.SLA_BRIDGE_API_TOKEN || undefined,
      apiReadToken,
      icalSecret: env.SLA_BRIDGE_ICAL_SECRET || undefined,
      trustProxy,
      ...(webhooksInFlight === undefined ? {} : { webhooksInFlight }),
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  let stopping = false;
  reload = () => {
    if (stopping) return;
    logger.info('SIGHUP: reloading the config', { component: 'config', dir: options.config });
    void bridge.reload(load);
  };
  if (reloadAsked) reload();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`, { component: 'bridge' });
    const shutdown = async () => {
      await bridge.close();
      await embedded?.stop();
    };
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { component: 'bridge', error: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
