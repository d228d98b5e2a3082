/**
 * Agents named by group (GitLab `agents.groups`, GitHub `agents.teams`): whether a comment is an
 * agent's is decided while its webhook is answered, and a webhook must not wait for the tracker's
 * API. So each bridge reads the groups' members ahead, when it starts and every
 * `AGENT_REFRESH_MS`, and hands `normalize` and the readers a source whose `agents.users` holds
 * them as well as the configured users.
 *
 * The last list read is kept in Redis (`<prefix>:agent-members:<source>`, JSON `{ users, readAt }`):
 * a bridge that restarts while the tracker's API is away goes on with it instead of taking every
 * agent for a customer. A failed read keeps the list it had and is logged; the next one tries again.
 */
import type { ConnectorRegistry, TrackerRead } from '../../../connectors/connector.js';
import type { Source } from '../../config/source.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import type { RedisClient } from './redis-connection.js';

export const AGENT_REFRESH_MS = 10 * 60_000;
/**
 * How long a webhook waits for its source's first read when no list is kept: GitLab and GitHub
 * give up on a delivery after 10 s, so past this it is decided with `agents.users` alone.
 */
export const FIRST_READ_WAIT_MS = 5_000;

interface Members {
  readonly users: readonly string[];
  readonly readAt: number;
}

export interface AgentDirectoryDeps {
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly read: TrackerRead;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics?: BridgeMetrics;
  readonly firstReadWaitMs?: number;
}

export class AgentDirectory {
  /** The members read last, lower-cased, by source id. */
  private readonly members = new Map<string, readonly string[]>();
  /** A source with its members among `agents.users`, built once per source object and list. */
  private readonly merged = new WeakMap<Source, { readonly members: readonly string[]; readonly source: Source }>();
  private readonly firstRead = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly deps: AgentDirectoryDeps) {}

  /** The sources whose connector reads agent members, as the config in force has them. */
  private grouped(): Source[] {
    return [...this.deps.sources.values()].filter((source) => this.deps.connectors[source.kind]?.agentMembers !== undefined);
  }

  /** Takes the lists kept in Redis, then reads every source's groups, and again every `refreshMs`. */
  async start(refreshMs = AGENT_REFRESH_MS): Promise<void> {
    await this.readFirst(this.grouped());
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  /**
   * After a config reload: forgets the members of sources that no longer read any, and reads the
   * groups of every source that does, since they may name other groups now. Waits for the reads
   * at most `FIRST_READ_WAIT_MS`; until a read succeeds, the list read before stays in use.
   */
  async reconfigure(): Promise<void> {
    const grouped = this.grouped();
    const ids = new Set(grouped.map((source) => source.id));
    for (const id of this.members.keys()) if (!ids.has(id)) this.members.delete(id);
    const known = grouped.filter((source) => this.members.has(source.id));
    await this.readFirst(grouped.filter((source) => !this.members.has(source.id)));
    const reads = this.track(Promise.all([this.refreshing, ...known.map((source) => this.refreshSource(source))]).then(() => undefined));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reads, new Promise((resolve) => (timer = setTimeout(resolve, this.deps.firstReadWaitMs ?? FIRST_READ_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Kept lists first; then one read per source, which `sourceFor` waits for while no list is kept. */
  private async readFirst(sources: readonly Source[]): Promise<void> {
    await Promise.all(sources.map((source) => this.loadKept(source)));
    const reads = sources.map((source) => {
      const read = this.refreshSource(source).finally(() => this.firstRead.delete(source.id));
      this.firstRead.set(source.id, read);
      return read;
    });
    this.track(Promise.all([this.refreshing, ...reads]).then(() => undefined));
  }

  /**
   * The source as `normalize` and the readers need it: with its groups' members among
   * `agents.users`. Without a kept list it waits for the source's first read since `start`, at
   * most `FIRST_READ_WAIT_MS`, so a webhook answered right after startup already counts them.
   */
  async sourceFor(source: Source): Promise<Source> {
    const firstRead = this.firstRead.get(source.id);
    if (!this.members.has(source.id) && firstRead) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([firstRead, new Promise((resolve) => (timer = setTimeout(resolve, this.deps.firstReadWaitMs ?? FIRST_READ_WAIT_MS)))]);
      clearTimeout(timer);
    }
    const members = this.members.get(source.id);
    if (!members) return source;
    const cached = this.merged.get(source);
    if (cached?.members === members) return cached.source;
    const users = new Set([...source.agents.users, ...members]);
    const withMembers: Source = { ...source, agents: { ...source.agents, users } };
    this.merged.set(source, { members, source: withMembers });
    return withMembers;
  }

  /** Reads every source's groups again; one refresh at a time. */
  refresh(): Promise<void> {
    return this.refreshing ?? this.track(Promise.all(this.grouped().map((source) => this.refreshSource(source))).then(() => undefined));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  private track(refreshing: Promise<void>): Promise<void> {
    this.refreshing = refreshing;
    void refreshing.finally(() => {
      if (this.refreshing === refreshing) this.refreshing = undefined;
    });
    return refreshing;
  }

  private key(source: Source): string {
    return `${this.deps.prefix}:agent-members:${source.id}`;
  }

  private async loadKept(source: Source): Promise<void> {
    try {
      const text = await this.deps.redis.get(this.key(source));
      const kept = text === null ? undefined : (JSON.parse(text) as Members);
      if (kept && Array.isArray(kept.users)) this.use(source, kept.users);
    } catch (error) {
      this.deps.logger.warn('could not load the kept agent members', { component: 'agents', source: source.id, error: (error as Error).message });
    }
  }

  private async refreshSource(source: Source): Promise<void> {
    const { logger, metrics } = this.deps;
    let users: readonly string[] | undefined;
    try {
      users = await this.deps.connectors[source.kind]!.agentMembers!(source, this.deps.read);
    } catch (error) {
      metrics?.agentMembersRead(source.id, 'failed');
      const kept = this.members.has(source.id) ? 'the last list read stays in use' : 'only agents.users count as agents until a read succeeds';
      logger.warn(`could not read the agent groups' members; ${kept}`, { component: 'agents', source: source.id, error: (error as Error).message });
      return;
    }
    if (users === undefined) return;
    metrics?.agentMembersRead(source.id, 'ok', users.length);
    const before = this.members.get(source.id);
    this.use(source, users);
    const after = this.members.get(source.id)!;
    const seen = new Set(before);
    if (!before || before.length !== after.length || after.some((user) => !seen.has(user))) {
      logger.info('agent members read', { component: 'agents', source: source.id, members: users.length });
    }
    try {
      await this.deps.redis.set(this.key(source), JSON.stringify({ users, readAt: this.deps.now() } satisfies Members));
    } catch (error) {
      logger.warn('could not keep the agent members in Redis', { component: 'agents', source: source.id, error: (error as Error).message });
    }
  }

  private use(source: Source, members: readonly string[]): void {
    const users = new Set<string>();
    for (const member of members) if (typeof member === 'string' && member !== '') users.add(member.toLowerCase());
    this.members.set(source.id, [...users]);
  }
}
