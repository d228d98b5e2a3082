/**
 * Which Redis the bridge talks to: one server by URL, a master found through Redis Sentinel, or a
 * Redis Cluster. Read once from the environment, so every command (serve, report, demo) connects
 * the same way; `createRedis` turns it into connections.
 */

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/** How many replicas must confirm a delivery before the tracker hears 202 (REDIS_WAIT_REPLICAS). */
interface ReplicaWait {
  readonly waitReplicas?: number | undefined;
}

export type RedisTarget =
  | ({ readonly kind: 'url'; readonly url: string; readonly password?: string | undefined; readonly db?: number | undefined } & ReplicaWait)
  | ({
      readonly kind: 'sentinel';
      readonly sentinels: readonly RedisAddress[];
      /** The master group name the sentinels monitor (`sentinel monitor <name> ...`). */
      readonly masterName: string;
      readonly password?: string | undefined;
      readonly sentinelPassword?: string | undefined;
      readonly db?: number | undefined;
    } & ReplicaWait)
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisAddress[]; readonly password?: string | undefined };

/** Every variable `redisTargetFromEnv` reads: child processes in tests start without them. */
export const REDIS_ENV_VARIABLES = [
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_MASTER',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_CLUSTER_NODES',
  'REDIS_PASSWORD',
  'REDIS_DB',
  'REDIS_WAIT_REPLICAS',
] as const;

export function isRedisVariable(name: string): boolean {
  return (REDIS_ENV_VARIABLES as readonly string[]).includes(name);
}

/** Bad Redis settings in the environment; the message names the variable. */
export class RedisTargetError extends Error {
  override readonly name = 'RedisTargetError';
}

export function urlTarget(url: string): RedisTarget {
  return { kind: 'url', url };
}

function parseAddresses(variable: string, value: string): RedisAddress[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new RedisTargetError(`${variable}: lists no host:port`);
  return items.map((item) => {
    // `[::1]:26379` for IPv6, `host:port` otherwise.
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(item);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65_535) throw new RedisTargetError(`${variable}: "${item}" is not host:port`);
    return { host: match[1] ?? match[2]!, port };
  });
}

function parseWaitReplicas(value: string): number {
  if (!/^\d{1,3}$/.test(value)) throw new RedisTargetError(`REDIS_WAIT_REPLICAS: "${value}" is not a number of replicas (0, 1, ...)`);
  return Number(value);
}

function parseDb(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new RedisTargetError(`REDIS_DB: "${value}" is not a database number (0, 1, ...)`);
  return Number(value);
}

/**
 * The Redis the environment names, or undefined when it names none (the bridge then runs its own).
 * Exactly one of REDIS_URL, REDIS_SENTINELS (with REDIS_SENTINEL_MASTER) and REDIS_CLUSTER_NODES.
 */
export function redisTargetFromEnv(env: NodeJS.ProcessEnv): RedisTarget | undefined {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const chosen = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter(set);
  if (chosen.length > 1) throw new RedisTargetError(`${chosen.join(' and ')}: set only one of them`);
  const password = env.REDIS_PASSWORD || undefined;
  const db = set('REDIS_DB') ? parseDb(env.REDIS_DB!.trim()) : undefined;
  const waitReplicas = set('REDIS_WAIT_REPLICAS') ? parseWaitReplicas(env.REDIS_WAIT_REPLICAS!.trim()) : undefined;
  const kind = chosen[0];
  if (kind !== 'REDIS_SENTINELS') {
    for (const name of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD']) {
      if (set(name)) throw new RedisTargetError(`${name}: only used with REDIS_SENTINELS, which is not set`);
    }
  }
  if (kind === undefined) {
    const stray = password !== undefined ? 'REDIS_PASSWORD' : db !== undefined ? 'REDIS_DB' : waitReplicas !== undefined ? 'REDIS_WAIT_REPLICAS' : undefined;
    if (stray) throw new RedisTargetError(`${stray}: set without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES`);
    return undefined;
  }
  if (kind === 'REDIS_URL') {
    const url = env.REDIS_URL!.trim();
    // A socket path is what ioredis takes besides URLs.
    if (url.startsWith('/')) return { kind: 'url', url, password, db, waitReplicas };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RedisTargetError('REDIS_URL: not a URL (use redis://[:password@]host:port[/db] or rediss://...)');
    }
    if (!['redis:', 'rediss:', 'unix:'].includes(parsed.protocol)) {
      throw new RedisTargetError('REDIS_URL: not a redis:// URL (use redis://[:password@]host:port[/db], or rediss:// for TLS)');
    }
    return { kind: 'url', url, password, db, waitReplicas };
  }
  if (kind === 'REDIS_SENTINELS') {
    const sentinels = parseAddresses('REDIS_SENTINELS', env.REDIS_SENTINELS!);
    const masterName = (env.REDIS_SENTINEL_MASTER ?? '').trim();
    if (masterName === '') throw new RedisTargetError('REDIS_SENTINEL_MASTER: not set; name the master group the sentinels monitor');
    return { kind: 'sentinel', sentinels, masterName, password, sentinelPassword: env.REDIS_SENTINEL_PASSWORD || undefined, db, waitReplicas };
  }
  if (db !== undefined && db !== 0) throw new RedisTargetError(`REDIS_DB: "${db}" is not possible on a Redis Cluster (only database 0)`);
  // WAIT goes to one node, and ioredis sends a keyless command to any node of a Cluster.
  if (waitReplicas) throw new RedisTargetError('REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES');
  return { kind: 'cluster', nodes: parseAddresses('REDIS_CLUSTER_NODES', env.REDIS_CLUSTER_NODES!), password };
}

const addresses = (list: readonly RedisAddress[]) => list.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(',');

/** For log lines and errors: where the bridge connects, never with a password. */
export function describeRedisTarget(target: RedisTarget): string {
  switch (target.kind) {
    case 'url': {
      if (target.url.startsWith('/')) return `socket ${target.url}`;
      try {
        const url = new URL(target.url);
        if (url.password) url.password = '***';
        if (url.searchParams.has('password')) url.searchParams.set('password', '***');
        return url.toString().replace(/\/$/, '');
      } catch {
        return 'REDIS_URL';
      }
    }
    case 'sentinel':
      return `master "${target.masterName}" through sentinels ${addresses(target.sentinels)}`;
    case 'cluster':
      return `cluster nodes ${addresses(target.nodes)}`;
  }
}

/**
 * On a Cluster every key must land in one hash slot: BullMQ's scripts and the issue store's
 * scripts and transactions touch several keys at once. A prefix with a hash tag (`{sla}`) does it.
 */
export const CLUSTER_DEFAULT_PREFIX = '{sla}';

export function hasHashTag(prefix: string): boolean {
  return /^[^{]*\{[^}]+\}/.test(prefix);
}

/** SLA_BRIDGE_PREFIX, or its default for the target; a Cluster prefix without a hash tag is refused. */
export function keyPrefix(env: NodeJS.ProcessEnv, target: RedisTarget | undefined): string {
  const prefix = env.SLA_BRIDGE_PREFIX || (target?.kind === 'cluster' ? CLUSTER_DEFAULT_PREFIX : 'sla');
  checkPrefix(prefix, target, 'SLA_BRIDGE_PREFIX');
  return prefix;
}

export function checkPrefix(prefix: string, target: RedisTarget | undefined, name = 'prefix'): void {
  if (target?.kind === 'cluster' && !hasHashTag(prefix)) {
    throw new RedisTargetError(`${name}: "${prefix}" has no hash tag; on a Redis Cluster use one like "{${prefix}}" so all keys share a slot`);
  }
}
