/**
 * The bridge's own redis-server, for a machine without REDIS_URL: loopback only, on a free port,
 * with append-only persistence under the data directory, stopped (and flushed) with the bridge.
 * Without a data directory it keeps nothing on disk: the test suite's throwaway servers.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export interface EmbeddedRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * When the append-only file reaches the disk. `everysec` (Redis's default): written to the file
 * (the kernel's cache) before Redis answers, synced once a second, so a crash of redis-server
 * alone loses nothing and a crash of the machine (power, kernel) up to a second of writes Redis
 * had answered. `always`: synced before Redis answers, nothing answered is lost, each write
 * waits for the disk.
 */
export const APPENDFSYNC_MODES = ['always', 'everysec'] as const;
export type AppendFsync = (typeof APPENDFSYNC_MODES)[number];

export const APPENDFSYNC_VARIABLE = 'SLA_BRIDGE_REDIS_APPENDFSYNC';

/** SLA_BRIDGE_REDIS_APPENDFSYNC; unset: undefined (everysec). Throws a message naming the variable. */
export function appendFsyncFromEnv(env: NodeJS.ProcessEnv): AppendFsync | undefined {
  const value = env[APPENDFSYNC_VARIABLE];
  if (value === undefined || value === '') return undefined;
  if (!(APPENDFSYNC_MODES as readonly string[]).includes(value)) throw new Error(`${APPENDFSYNC_VARIABLE}: "${value}" is not ${APPENDFSYNC_MODES.join(' or ')}`);
  return value as AppendFsync;
}

export interface EmbeddedRedisOptions {
  readonly dataDir?: string | undefined;
  /** Only with a data directory; default everysec. */
  readonly appendFsync?: AppendFsync | undefined;
  readonly logger?: Logger | undefined;
}

export async function startEmbeddedRedis({ dataDir, appendFsync, logger }: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const port = await freeLoopbackPort();
  const persistence = dataDir ? ['--dir', dataDir, '--appendonly', 'yes', '--appendfsync', appendFsync ?? 'everysec'] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', ...persistence], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'redis-server is not installed: run `apt-get install redis-server` (as root), or set REDIS_URL to a Redis you run'
            : `cannot start redis-server: ${error.message}`,
        ),
      ),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  logger?.info('started its own redis-server', { component: 'redis', url, dataDir, ...(dataDir ? { appendfsync: appendFsync ?? 'everysec' } : {}) });
  // Other commands (`report`) find the running server through this file.
  if (dataDir) writeFileSync(path.join(dataDir, URL_FILE), url);
  return {
    url,
    // SIGTERM makes redis-server flush the append-only file and exit.
    stop: () =>
      new Promise<void>((resolve) => {
        if (dataDir) rmSync(path.join(dataDir, URL_FILE), { force: true });
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const URL_FILE = 'redis.url';

/** The embedded server a running bridge keeps in `dataDir`, if it answers. */
export async function runningEmbeddedRedis(dataDir: string): Promise<string | undefined> {
  const file = path.join(dataDir, URL_FILE);
  if (!existsSync(file)) return undefined;
  const url = readFileSync(file, 'utf8').trim();
  return (await answers(url)) ? url : undefined;
}
