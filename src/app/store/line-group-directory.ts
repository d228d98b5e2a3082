/**
 * The members of the tracker groups support lines name (`group:<name>` in a line's `members:`).
 * Read from each tracker the line's contract covers, through its REST API (the source's `api`
 * settings), when the bridge starts, every `LINE_GROUP_REFRESH_MS` and after a config reload; each
 * read is handed to the line (src/domain/line-members.ts), which is what conditions, the line an
 * issue is with and escalation ask.
 *
 * The last list read per source and group is kept in Redis (`<prefix>:line-group-members:<source>:<group>`,
 * JSON `{ members, readAt }`): a bridge that starts while the tracker is away goes on with it. A
 * failed read keeps the list it had (in memory and in Redis) and is logged; a line never loses its
 * members because the tracker could not be read.
 */
import type { ConnectorRegistry, TrackerRead } from '../../../connectors/connector.js';
import type { Source } from '../../config/source.js';
import type { Contract } from '../../domain/contract.js';
import { LineMembers, type GroupMember } from '../../domain/line-members.js';
import type { Logger } from '../logger.js';
import type { RedisClient } from './redis-connection.js';

export const LINE_GROUP_REFRESH_MS = 10 * 60_000;
/** How long start and a reload wait for the reads before going on with what is kept. */
export const LINE_GROUP_WAIT_MS = 5_000;

interface Kept {
  readonly members: readonly GroupMember[];
  readonly readAt: number;
}

export interface LineGroupDirectoryDeps {
  /** The config in force (the live view: a reload is seen through the same maps). */
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly read: TrackerRead;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly now: () => number;
  readonly logger: Logger;
  readonly waitMs?: number;
}

interface GroupRef {
  readonly source: Source;
  readonly group: string;
}

const refKey = (source: string, group: string) => `${source}\u0000${group}`;

export class LineGroupDirectory {
  /** The members read last, by source and group. */
  private readonly known = new Map<string, readonly GroupMember[]>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: LineGroupDirectoryDeps) {
    this.log = deps.logger.child({ component: 'line-groups' });
  }

  /** Every line that names tracker groups, with the groups to read for it in the sources its contract covers. */
  private lines(): { members: LineMembers; refs: GroupRef[] }[] {
    const found: { members: LineMembers; refs: GroupRef[] }[] = [];
    for (const contract of this.deps.contracts.values()) {
      const sources = [...new Set(contract.covers.map((coverage) => coverage.source))].flatMap((id) => this.deps.sources.get(id) ?? []);
      for (const members of contract.lines?.values() ?? []) {
        if (!(members instanceof LineMembers) || members.groups.length === 0) continue;
        const refs = sources.filter((source) => this.deps.connectors[source.kind]?.groupMembers).flatMap((source) => members.groups.map((group) => ({ source, group })));
        found.push({ members, refs });
      }
    }
    return found;
  }

  /** Takes the lists kept in Redis, then reads the groups (waiting at most `waitMs`), and again every `refreshMs`. */
  async start(refreshMs = LINE_GROUP_REFRESH_MS): Promise<void> {
    await this.loadKept();
    await this.waitFor(this.refresh());
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  /** After a config reload: the new contracts' lines get what is known at once, then the groups are read again. */
  async reconfigure(): Promise<void> {
    await this.loadKept();
    await this.waitFor(this.refresh());
  }

  /** Reads every named group again; one refresh at a time. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const refreshing = this.readAll().finally(() => {
      if (this.refreshing === refreshing) this.refreshing = undefined;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  private async waitFor(reads: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reads, new Promise((resolve) => (timer = setTimeout(resolve, this.deps.waitMs ?? LINE_GROUP_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private key(ref: GroupRef): string {
    return `${this.deps.prefix}:line-group-members:${ref.source.id}:${ref.group}`;
  }

  private async loadKept(): Promise<void> {
    const lines = this.lines();
    const refs = uniqueRefs(lines.flatMap((line) => line.refs)).filter((ref) => !this.known.has(refKey(ref.source.id, ref.group)));
    await Promise.all(
      refs.map(async (ref) => {
        try {
          const text = await this.deps.redis.get(this.key(ref));
          const kept = text === null ? undefined : (JSON.parse(text) as Kept);
          if (kept && Array.isArray(kept.members)) this.known.set(refKey(ref.source.id, ref.group), kept.members);
        } catch (error) {
          this.log.warn('could not load the kept members of a support line group', { source: ref.source.id, group: ref.group, error: (error as Error).message });
        }
      }),
    );
    this.apply(lines);
  }

  private async readAll(): Promise<void> {
    const lines = this.lines();
    await Promise.all(uniqueRefs(lines.flatMap((line) => line.refs)).map((ref) => this.readGroup(ref)));
    this.apply(lines);
  }

  private async readGroup(ref: GroupRef): Promise<void> {
    const id = refKey(ref.source.id, ref.group);
    let members: readonly GroupMember[];
    try {
      members = await this.deps.connectors[ref.source.kind]!.groupMembers!(ref.source, ref.group, this.deps.read);
    } catch (error) {
      const kept = this.known.has(id) ? 'the members read before stay in the line' : 'only the users the line lists are in it until a read succeeds';
      this.log.warn(`could not read a support line group's members; ${kept}`, { source: ref.source.id, group: ref.group, error: (error as Error).message });
      return;
    }
    const before = this.known.get(id);
    this.known.set(id, members);
    if (!before || !sameMembers(before, members)) this.log.info('support line group members read', { source: ref.source.id, group: ref.group, members: members.length });
    try {
      await this.deps.redis.set(this.key(ref), JSON.stringify({ members, readAt: this.deps.now() } satisfies Kept));
    } catch (error) {
      this.log.warn('could not keep a support line group\'s members in Redis', { source: ref.source.id, group: ref.group, error: (error as Error).message });
    }
  }

  /** Hands every line the members known of its groups; a line none of whose groups is known yet keeps what it has. */
  private apply(lines: readonly { members: LineMembers; refs: readonly GroupRef[] }[]): void {
    for (const { members, refs } of lines) {
      const lists = refs.flatMap((ref) => this.known.get(refKey(ref.source.id, ref.group)) ?? []);
      if (refs.some((ref) => this.known.has(refKey(ref.source.id, ref.group)))) members.useGroupMembers(lists);
    }
  }
}

function uniqueRefs(refs: readonly GroupRef[]): GroupRef[] {
  const seen = new Map<string, GroupRef>();
  for (const ref of refs) seen.set(refKey(ref.source.id, ref.group), ref);
  return [...seen.values()];
}

function sameMembers(a: readonly GroupMember[], b: readonly GroupMember[]): boolean {
  return a.length === b.length && a.every((member, index) => member.id === b[index]!.id);
}
