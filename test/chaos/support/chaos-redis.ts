/**
 * The chaos suite's redis-server: append-only with `appendfsync everysec` (what docker-compose.yml
 * and the bridge's own Redis run) or, for a scenario that must lose nothing it acknowledged, `always`,
 * in a temporary directory, on a port of its own that it keeps
 * across restarts, so that the bridge's connections come back to the same address. It can be shut
 * down cleanly (SHUTDOWN), killed (SIGKILL) and started again on the same port and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freeLoopbackPort } from '../../../src/app/store/embedded-redis.js';
import { waitFor } from '../../support/wait-for.js';

export class ChaosRedis {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly appendFsync: 'always' | 'everysec',
  ) {}

  static async start(appendFsync: 'always' | 'everysec' = 'everysec'): Promise<ChaosRedis> {
    const redis = new ChaosRedis(await freeLoopbackPort(), mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-chaos-redis-')), appendFsync);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts redis-server on the port and data directory it had, and waits until it answers. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.appendFsync, '--save', ''];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    await waitFor(`redis-server on port ${this.port} to answer (${this.output.trim().split('\n').slice(-2).join(' | ')})`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${this.output.trim().split('\n').slice(-3).join(' | ')}`);
      return (await this.ping()) && child;
    });
  }

  /** SHUTDOWN: Redis writes and syncs its append-only file, then exits. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const client = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.shutdown().catch(() => undefined);
    client.disconnect();
    await exited;
  }

  /** SIGKILL: no chance to write anything it has not written yet. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** For the after hooks: gone, with its data. */
  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
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
}
