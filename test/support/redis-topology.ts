/**
 * Real multi-process Redis setups for the tests: a master with a replica watched by a sentinel,
 * and a three-master cluster. Every process is `redis-server` (sentinel is the same binary with
 * `--sentinel`) on free loopback ports, configured by a file in a temp directory, killed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freeLoopbackPort } from '../../src/app/store/embedded-redis.js';
import { waitFor } from './wait-for.js';

export interface RedisProcess {
  readonly port: number;
  /** A fresh client to this process; the caller disconnects it. */
  client(): Redis;
  stop(): Promise<void>;
}

function connect(port: number, password: string | undefined): Redis {
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
  client.on('error', () => undefined);
  return client;
}

/** Runs one command on a short-lived connection. */
export async function command(port: number, password: string | undefined, name: string, ...args: (string | number)[]): Promise<unknown> {
  const client = connect(port, password);
  try {
    await client.connect();
    return await client.call(name, ...args);
  } finally {
    client.disconnect();
  }
}

/** `command`, answered as bytes (for values stored in binary, such as an issue's compact state). */
export async function commandBuffer(port: number, password: string | undefined, name: string, ...args: (string | number)[]): Promise<unknown> {
  const client = connect(port, password);
  try {
    await client.connect();
    return await client.callBuffer(name, ...args);
  } finally {
    client.disconnect();
  }
}

/** Starts `redis-server <dir>/<name>.conf [--sentinel]` with `lines` and waits until it answers. */
async function startProcess(dir: string, name: string, lines: string[], options: { sentinel?: boolean; password?: string | undefined; port: number }): Promise<RedisProcess> {
  const conf = path.join(dir, `${name}.conf`);
  writeFileSync(conf, [`port ${options.port}`, 'bind 127.0.0.1', `dir ${dir}`, ...lines, ''].join('\n'));
  const child: ChildProcess = spawn('redis-server', [conf, ...(options.sentinel ? ['--sentinel'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  try {
    await waitFor(`${name} on port ${options.port} to answer`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      return (await command(options.port, options.password, 'PING')) === 'PONG';
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, client: () => connect(options.port, options.password), stop };
}

function tempDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `sla-bridge-${name}-`));
}

async function replicationInfo(port: number, password: string | undefined): Promise<Record<string, string>> {
  const text = String(await command(port, password, 'INFO', 'replication'));
  return Object.fromEntries(text.split('\r\n').flatMap((line) => (line.includes(':') ? [line.split(':', 2) as [string, string]] : [])));
}

export interface SentinelSetupOptions {
  /** requirepass of master and replica (and the sentinel's auth-pass for them). */
  readonly password?: string;
  /** requirepass of the sentinel itself. */
  readonly sentinelPassword?: string;
}

export interface SentinelSetup {
  readonly masterName: string;
  readonly sentinelPort: number;
  /** The port of the master the sentinel names now. */
  masterPort(): Promise<number>;
  /** Both data nodes: the first master and its replica. */
  readonly nodes: readonly RedisProcess[];
  /** Until the replica has everything the master has (replication is asynchronous). */
  waitForReplication(): Promise<void>;
  /** `SENTINEL FAILOVER`, retried while the sentinel has no replica it may promote yet. */
  failover(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A master, its replica and one sentinel (quorum 1). Returns once the sentinel knows the replica
 * well enough to promote it, so a failover can be forced at once.
 */
export async function startSentinelSetup(options: SentinelSetupOptions = {}): Promise<SentinelSetup> {
  const dir = tempDir('sentinel');
  const masterName = 'sla-master';
  const { password, sentinelPassword } = options;
  const auth = password ? [`requirepass ${password}`, `masterauth ${password}`] : [];
  // No 5 s wait before a full sync (the default gathers more replicas first): one replica, no waiting.
  const base = ['save ""', 'appendonly no', 'repl-diskless-sync-delay 0', ...auth];
  const processes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await startProcess(dir, 'master', base, { password, port: await freeLoopbackPort() });
    processes.push(master);
    const replica = await startProcess(dir, 'replica', [...base, `replicaof 127.0.0.1 ${master.port}`], { password, port: await freeLoopbackPort() });
    processes.push(replica);
    await waitFor('the replica to sync', async () => (await replicationInfo(replica.port, password)).master_link_status === 'up');
    const sentinelPort = await freeLoopbackPort();
    const sentinel = await startProcess(
      dir,
      'sentinel',
      [
        `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${masterName} 5000`,
        `sentinel failover-timeout ${masterName} 10000`,
        ...(password ? [`sentinel auth-pass ${masterName} ${password}`] : []),
        ...(sentinelPassword ? [`requirepass ${sentinelPassword}`] : []),
      ],
      { sentinel: true, password: sentinelPassword, port: sentinelPort },
    );
    processes.push(sentinel);
    await waitFor('the sentinel to see the replica', async () => {
      const replicas = (await command(sentinelPort, sentinelPassword, 'SENTINEL', 'REPLICAS', masterName)) as string[][];
      return replicas.some((fields) => {
        const info = Object.fromEntries(fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]]] : [])));
        return info.port === String(replica.port) && info.flags === 'slave' && info['master-link-status'] === 'ok';
      });
    });
    const masterPort = async () => Number(((await command(sentinelPort, sentinelPassword, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as string[])[1]);
    return {
      masterName,
      sentinelPort,
      masterPort,
      nodes: [master, replica],
      async waitForReplication() {
        const current = await masterPort();
        const other = processes.find((node) => node !== sentinel && node.port !== current)!;
        const offset = Number((await replicationInfo(current, password)).master_repl_offset);
        await waitFor('the replica to catch up', async () => Number((await replicationInfo(other.port, password)).slave_repl_offset) >= offset);
      },
      async failover() {
        await waitFor('the sentinel to accept SENTINEL FAILOVER', async () => (await command(sentinelPort, sentinelPassword, 'SENTINEL', 'FAILOVER', masterName)) === 'OK');
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface ClusterSetup {
  readonly nodes: readonly RedisProcess[];
  stop(): Promise<void>;
}

/** Three masters (no replicas), every slot assigned, `cluster_state:ok` on each before it returns. */
export async function startCluster(options: { password?: string } = {}): Promise<ClusterSetup> {
  const dir = tempDir('cluster');
  const { password } = options;
  const processes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of ['node-a', 'node-b', 'node-c']) {
      processes.push(
        await startProcess(
          dir,
          name,
          [
            'cluster-enabled yes',
            `cluster-config-file ${name}-nodes.conf`,
            // The bus port is chosen too: port + 10000 may be taken or out of range.
            `cluster-port ${await freeLoopbackPort()}`,
            'cluster-node-timeout 5000',
            'save ""',
            'appendonly no',
            ...(password ? [`requirepass ${password}`, `masterauth ${password}`] : []),
          ],
          { password, port: await freeLoopbackPort() },
        ),
      );
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...processes.map(({ port }) => `127.0.0.1:${port}`), '--cluster-yes', ...(password ? ['-a', password, '--no-auth-warning'] : [])],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${(created.stdout + created.stderr).trim().split('\n').slice(-3).join(' | ')}`);
    for (const node of processes) {
      await waitFor(`node ${node.port} to see the cluster ok`, async () => String(await command(node.port, password, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    }
    return { nodes: processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
