/**
 * Word of saved issue states across processes: `IssueStore.saveState` publishes a small message on
 * `<prefix>:state-changed` in the same script or transaction that saves the state, so a `--role
 * worker` process's saves reach the `--role api` processes that serve the dashboards. Plain
 * PUBLISH rather than keyspace notifications: those need `notify-keyspace-events` set on the
 * server, which a managed Redis may not allow, and would fire for every key the bridge writes.
 */
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

export const stateChannel = (prefix: string) => `${prefix}:state-changed`;

/** What a dashboard needs to know that something changed: which issue, nothing of its content. */
export interface StateChanged {
  readonly source: string;
  readonly issueId: string;
  readonly key: string;
}

export const stateChangedMessage = (state: { readonly source: string; readonly issue: { readonly id: string; readonly key: string } }): string => JSON.stringify({ source: state.source, issueId: state.issue.id, key: state.issue.key } satisfies StateChanged);

export type StateChangeListener = (change: StateChanged | 'resync') => void;

/**
 * One subscriber connection per process, opened for the first listener and closed with the last,
 * shared by every dashboard stream. After a reconnect (ioredis subscribes again by itself) the
 * listeners get `resync`: messages published while the connection was away are lost, so the
 * dashboards read everything once.
 */
export class StateChanges {
  private subscriber: RedisClient | undefined;
  private subscribed: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<StateChangeListener>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** `subscribed` settles once Redis confirmed the subscription: saves from then on are heard. */
  listen(listener: StateChangeListener): { readonly subscribed: Promise<void>; stop(): void } {
    this.listeners.add(listener);
    if (!this.subscriber) this.subscriber = this.open();
    return {
      subscribed: this.subscribed,
      stop: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.close();
      },
    };
  }

  get listening(): number {
    return this.listeners.size;
  }

  close(): void {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.disconnect();
  }

  private open(): RedisClient {
    // The request connection fails fast while Redis is away; a subscriber should wait and come back.
    const subscriber =
      this.redis instanceof Cluster
        ? this.redis.duplicate(undefined, { enableOfflineQueue: true })
        : this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'sla-bridge-state-changes' });
    subscriber.on('error', () => undefined);
    let readyBefore = false;
    subscriber.on('ready', () => {
      if (readyBefore) this.tell('resync');
      readyBefore = true;
    });
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const change = JSON.parse(message) as StateChanged;
        if (typeof change.source === 'string' && typeof change.issueId === 'string') this.tell(change);
      } catch {
        // Not one of ours: nothing to tell.
      }
    });
    this.subscribed = subscriber.subscribe(stateChannel(this.prefix)).then(() => undefined);
    this.subscribed.catch(() => undefined);
    return subscriber;
  }

  private tell(change: StateChanged | 'resync'): void {
    for (const listener of this.listeners) listener(change);
  }
}
