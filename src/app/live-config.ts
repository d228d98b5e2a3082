/**
 * The config of a running bridge, which `sla-bridge serve` replaces on SIGHUP.
 *
 * How a new config reaches the components: they are not restarted. Every component gets `view`,
 * a SlaConfig whose maps read the config in force each time they are used. Restarting them would
 * cost more and gain nothing:
 * - closing a BullMQ worker waits for its jobs in flight (a reconcile run reads a tracker for
 *   minutes, a chat message may be in its retries), or, forced, leaves them stalled until BullMQ's
 *   stalled-job check hands them out again, about 30 s later;
 * - closing the HTTP server refuses the trackers' connections in between;
 * - no component derives anything from the config that would need rebuilding: they look up
 *   sources, contracts and channels per request or job.
 * So a request or job that starts after the swap uses the new config, and one in flight goes on,
 * reading whatever is in force when it looks. The issue's SLA computation reads the contracts
 * while it holds the issue's lock (jobs/issue-work.ts), which is what makes the re-planning after
 * a swap final (jobs/replan.ts): every computation that gets the lock after it uses the new config.
 */
import type { SlaConfig } from '../config/load-config.js';

/** A ReadonlyMap that is always the map `read` answers now. */
class LiveMap<K, V> implements ReadonlyMap<K, V> {
  constructor(private readonly read: () => ReadonlyMap<K, V>) {}

  get size(): number {
    return this.read().size;
  }

  get(key: K): V | undefined {
    return this.read().get(key);
  }

  has(key: K): boolean {
    return this.read().has(key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.read().forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  entries() {
    return this.read().entries();
  }

  keys() {
    return this.read().keys();
  }

  values() {
    return this.read().values();
  }

  [Symbol.iterator]() {
    return this.read()[Symbol.iterator]();
  }
}

export class LiveConfig {
  private config: SlaConfig;
  /** The config in force whenever it is read; hand this to the components. */
  readonly view: SlaConfig;

  constructor(initial: SlaConfig) {
    this.config = initial;
    const holder = this;
    const live = <K, V>(pick: (config: SlaConfig) => ReadonlyMap<K, V>): ReadonlyMap<K, V> => new LiveMap(() => pick(holder.config));
    this.view = {
      get dir() {
        return holder.config.dir;
      },
      calendars: live((config) => config.calendars),
      contracts: live((config) => config.contracts),
      sources: live((config) => config.sources),
      channels: live((config) => config.channels),
      teams: live((config) => config.teams ?? new Map()),
      get fallbackChannel() {
        return holder.config.fallbackChannel;
      },
      get bridge() {
        return holder.config.bridge;
      },
      files: live((config) => config.files),
    };
  }

  /** The config in force, as one unchanging snapshot. */
  get current(): SlaConfig {
    return this.config;
  }

  /** Puts `next` in force at once and answers the config it replaced. */
  replace(next: SlaConfig): SlaConfig {
    const previous = this.config;
    this.config = next;
    return previous;
  }
}

export interface FileChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** Which files of the config directory a reload added, removed or changed, by path inside it. */
export function fileChanges(previous: Pick<SlaConfig, 'files'>, next: Pick<SlaConfig, 'files'>): FileChanges {
  const names = [...new Set([...previous.files.keys(), ...next.files.keys()])].sort();
  return {
    added: names.filter((name) => !previous.files.has(name)),
    removed: names.filter((name) => !next.files.has(name)),
    changed: names.filter((name) => previous.files.has(name) && next.files.has(name) && previous.files.get(name) !== next.files.get(name)),
  };
}
