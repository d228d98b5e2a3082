/**
 * Everything one chaos scenario runs on, started fresh and torn down whatever happened: its own
 * redis-server (append-only, everysec), the receiver (chat endpoint and stand-in Gitea), a config
 * directory, one `--role api` and one `--role worker` process of the built CLI, and a watch on the
 * bridge's Redis. `close()` kills every process the scenario started, living or not.
 */
import { ChaosRedis } from './chaos-redis.js';
import { BridgeProcess, ProcessRegistry } from './bridge-process.js';
import { startReceiver, type Receiver } from './receiver.js';
import { BridgeWatch, chaosConfig, PREFIX, removeConfig } from './scenario.js';

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

  static async start(): Promise<ChaosWorld> {
    const redis = await ChaosRedis.start();
    const receiver = await startReceiver();
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
    return { REDIS_URL: this.redis.url, SLA_BRIDGE_PREFIX: PREFIX, PORT: '0', HOST: '127.0.0.1' };
  }

  /** The URL the sender posts to: the current api process's, none while it is dead. */
  readonly target = (): string | undefined => (this.api?.alive ? this.api.url : undefined);

  async startApi(): Promise<BridgeProcess> {
    this.api = await BridgeProcess.start('api', this.env, this.configDir, this.registry);
    return this.api;
  }

  async startWorker(): Promise<BridgeProcess> {
    this.worker = await BridgeProcess.start('worker', this.env, this.configDir, this.registry);
    return this.worker;
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
