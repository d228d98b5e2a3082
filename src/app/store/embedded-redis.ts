/**
 * The bridge's own redis-server, for a machine without REDIS_URL: loopback only, on a free port,
 * with append-only persistence under the data directory, stopped (and flushed) with the bridge.
 * Without a data directory it keeps nothing on disk: the test suite's throwaway servers.
 *
 * A data directory that cannot be written stops the bridge at start, saying so. One that fills up
 * (or turns read-only) later makes Redis refuse writes until it can write again, which it notices
 * by itself (see redis-health.ts); its own warnings go to the bridge's log meanwhile.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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

/** Redis would stop at start with its own words for it; the bridge names the directory and the variable. */
function checkWritable(dataDir: string): void {
  const probe = path.join(dataDir, `.sla-bridge-write-check-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const why = (error as Error).message.replace(/, (open|mkdir) '.*'$/, '');
    throw new Error(`the data directory ${dataDir} of the bridge's own Redis is not writable (${why}): set SLA_BRIDGE_DATA_DIR to a writable directory, or REDIS_URL to a Redis you run`);
  }
}

/** The last lines redis-server wrote, for a failed start; the rest of its output is not kept. */
const KEPT_OUTPUT = 4_096;

/** `pid:role dd Mon yyyy hh:mm:ss.mmm # text`: `#` marks Redis's warnings. */
const REDIS_WARNING = /^\d+:[A-Z] .+? # (.*)$/;

/** Why redis-server stopped, from its output: its last warning, which says it, else its last lines. */
function lastWords(output: string): string {
  const lines = output.trim().split('\n');
  const warnings = lines.flatMap((line) => REDIS_WARNING.exec(line.trim())?.[1] ?? []).filter((text) => !text.startsWith('WARNING '));
  return warnings.at(-1) ?? lines.slice(-3).join(' | ');
}

export async function startEmbeddedRedis({ dataDir, appendFsync, logger }: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  if (dataDir) checkWritable(dataDir);
  const port = await freeLoopbackPort();
  const persistence = dataDir ? ['--dir', dataDir, '--appendonly', 'yes', '--appendfsync', appendFsync ?? 'everysec'] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', ...persistence], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let partial = '';
  let started = false;
  let stopping = false;
  const log = logger?.child({ component: 'redis-server' });
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    if (!started) output = (output + text).slice(-KEPT_OUTPUT);
    // Once it runs, its warnings (an AOF it cannot write, a failed snapshot) are all anyone sees of its log.
    const lines = (partial + text).split('\n');
    partial = lines.pop()!.slice(-KEPT_OUTPUT);
    if (!started || stopping) return;
    for (const line of lines) {
      const warning = REDIS_WARNING.exec(line.trim());
      if (warning) log?.warn(warning[1]!);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  child.once('exit', (code, signal) => {
    if (started && !stopping) log?.error(`redis-server exited (${signal ?? `code ${code}`}); the bridge cannot reach Redis until it is restarted`);
  });
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
      throw new Error(`redis-server did not start: ${lastWords(output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  started = true;
  logger?.info('started its own redis-server', { component: 'redis', url, dataDir, ...(dataDir ? { appendfsync: appendFsync ?? 'everysec' } : {}) });
  // Other commands (`report`) find the running server through this file.
  // Best effort: a full disk must not stop a bridge whose Redis runs.
  if (dataDir) {
    try {
      writeFileSync(path.join(dataDir, URL_FILE), url);
    } catch (error) {
      logger?.warn(`could not note the Redis address in ${URL_FILE}, so other commands will not find this Redis: ${(error as Error).message}`, { component: 'redis' });
    }
  }
  return {
    url,
    // SIGTERM makes redis-server flush the append-only file and exit.
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        try {
          if (dataDir) rmSync(path.join(dataDir, URL_FILE), { force: true });
        } catch {
          // A read-only directory: the stale address is checked before use (runningEmbeddedRedis).
        }
        if (child.exitCode !== null) return resolve();
        // Redis may refuse to stop while it cannot write its files: then it is killed, as a crash would.
        const kill = setTimeout(() => {
          logger?.warn(`redis-server did not stop within ${STOP_WAIT_MS / 1000} s; killed`, { component: 'redis' });
          child.kill('SIGKILL');
        }, STOP_WAIT_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

const URL_FILE = 'redis.url';
const STOP_WAIT_MS = 10_000;

/** The embedded server a running bridge keeps in `dataDir`, if it answers. */
export async function runningEmbeddedRedis(dataDir: string): Promise<string | undefined> {
  const file = path.join(dataDir, URL_FILE);
  if (!existsSync(file)) return undefined;
  const url = readFileSync(file, 'utf8').trim();
  return (await answers(url)) ? url : undefined;
}
