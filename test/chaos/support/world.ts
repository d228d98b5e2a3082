/**
 * Everything one chaos scenario runs on, started fresh and torn down whatever happened: its own
 * redis-server (append-only, everysec unless told otherwise), the receiver (chat endpoint and stand-in Gitea), a config
 * directory, one `--role api` and one `--role worker` process of the built CLI, and a watch on the
 * bridge's Redis. `close()` kills every process the scenario started, living or not.
 */
import { expect } from 'chai';
import { ChaosRedis } from './chaos-redis.js';
import { BridgeProcess, ProcessRegistry } from './bridge-process.js';
import type { FaultPlan } from './faults.js';
import { startReceiver, type Receiver } from './receiver.js';
import { BridgeWatch, CHAOS_SECRETS, chaosConfig, PREFIX, removeConfig } from './scenario.js';

/** The status API's token; a secret like the ones in the config. */
export const API_TOKEN = 'chaos-status-api-token';

const SECRETS = [...CHAOS_SECRETS, API_TOKEN];

export interface WorldOptions {
  readonly faults?: FaultPlan;
  readonly appendFsync?: 'always' | 'everysec';
}

export class ChaosWorld {
  readonly registry = new ProcessRegistry();
  api: BridgeProcess | undefined;
  worker: BridgeProcess | undefined;

  private constructor(
    readonly redis: ChaosRedis,
    readonly receiver: Receiver,
    readonly configDir: string,
    readonly watch: BridgeWatch,
  ) {}

  /**
   * `faults`: how the receiver's chat endpoint and stand-in Gitea fail (none: they never do).
   * `appendFsync`: the Redis's sync policy (everysec unless a scenario needs every write synced).
   */
  static async start(options: WorldOptions = {}): Promise<ChaosWorld> {
    const redis = await ChaosRedis.start(options.appendFsync);
    const receiver = await startReceiver(options.faults);
    const world = new ChaosWorld(redis, receiver, chaosConfig(receiver.url), new BridgeWatch(redis.url));
    try {
      await Promise.all([world.startApi(), world.startWorker()]);
    } catch (error) {
      await world.close();
      throw error;
    }
    return world;
  }

  private get env(): Record<string, string> {
    return { REDIS_URL: this.redis.url, SLA_BRIDGE_PREFIX: PREFIX, PORT: '0', HOST: '127.0.0.1', SLA_BRIDGE_API_TOKEN: API_TOKEN };
  }

  /** The URL the sender posts to: the current api process's, none while it is dead. */
  readonly target = (): string | undefined => (this.api?.alive ? this.api.url : undefined);

  async startApi(): Promise<BridgeProcess> {
    this.api = await BridgeProcess.start('api', this.env, this.configDir, this.registry, SECRETS);
    return this.api;
  }

  async startWorker(): Promise<BridgeProcess> {
    this.worker = await BridgeProcess.start('worker', this.env, this.configDir, this.registry, SECRETS);
    return this.worker;
  }

  /** Every configured secret a process of this scenario printed (none, or the scenario fails). */
  leaks(): string[] {
    return this.registry.leaks();
  }

  /** GET or POST on the api process's status API, with its token. */
  async statusApi(method: 'GET' | 'POST', path: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${this.api!.url}${path}`, { method, headers: { authorization: `Bearer ${API_TOKEN}` } });
    return { status: response.status, text: await response.text() };
  }

  /** For a failure message: what the processes logged last. */
  logs(): string {
    return this.registry.tails();
  }

  async close(): Promise<void> {
    await this.registry.killAll();
    await this.watch.close();
    await this.receiver.close();
    await this.redis.remove();
    removeConfig(this.configDir);
  }
}

/**
 * A world for each test of the describe it is called in, torn down after the test whatever
 * happened: on a failure the processes' last lines are printed, and every test fails that let a
 * configured secret into what its processes printed.
 */
export function worldPerTest(): (options?: WorldOptions) => Promise<ChaosWorld> {
  let world: ChaosWorld | undefined;
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && world) console.log(world.logs());
    const leaks = world?.leaks() ?? [];
    await world?.close();
    world = undefined;
    expect(leaks, 'configured secrets in what the processes printed').to.deep.equal([]);
  });
  return async (options) => (world = await ChaosWorld.start(options));
}
