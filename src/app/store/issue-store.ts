/**
 * Per-issue storage in Redis: the event log (in arrival order, each event stored once), the last
 * computed SLA state, and a lock so that one issue is applied by one worker at a time.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import type { IssueRef } from '../../../connectors/connector.js';
import type { ShownFields } from '../../../connectors/shared/owned-fields.js';
import { type WriteBackFields, writeBackFieldsSchema } from '../../domain/write-back-fields.js';
import { issueEventSchema, type IssueEvent } from '../../domain/issue-event.js';
import type { IssueSla } from '../../domain/sla-clock.js';


export interface StoredEvent {
  /** Unique per event: a re-delivered webhook yields the same ids and is stored once. */
  readonly id: string;
  readonly event: IssueEvent;
}

export interface IssueState {
  readonly source: string;
  readonly issue: IssueRef;
  readonly sla: IssueSla;
  /** The `now` the state was computed for. */
  readonly computedAt: number;
  readonly eventCount: number;
}

// Appends each event whose id is new, keeping arrival order; returns how many were new.
const APPEND_EVENTS = `
local added = 0
for i = 1, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[i + 1])
    added = added + 1
  end
end
return added`;

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Deletes the key only while it holds what the caller read, so a value stored since stays.
const DELETE_IF_SAME = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Counts the restores of one wanted state (ARGV[1]) within a window of ARGV[2] ms from the first:
// another wanted state, or the window's end, starts the count again.
const COUNT_RESTORE = `
if redis.call('HGET', KEYS[1], 'wanted') ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'wanted', ARGV[1], 'count', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)`;

const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 20;

export class IssueStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(source: string, issueId: string, part: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:${part}`;
  }

  async appendEvents(source: string, issue: IssueRef, events: readonly StoredEvent[]): Promise<number> {
    const args = events.flatMap(({ id, event }) => [id, JSON.stringify(event)]);
    const added = (await this.redis.eval(
      APPEND_EVENTS,
      2,
      this.key(source, issue.id, 'event-ids'),
      this.key(source, issue.id, 'events'),
      ...args,
    )) as number;
    const ref = this.key(source, issue.id, 'ref');
    const transaction = this.redis.multi().sadd(`${this.prefix}:issues`, JSON.stringify([source, issue.id]));
    if (issue.partial) {
      // A ref that knows only the id may start the ref of an issue not seen before, but must not
      // blank the key, title and url of one that is known: HSETNX only fills what is empty.
      transaction.hsetnx(ref, 'key', issue.key);
    } else {
      transaction
        .hset(ref, { key: issue.key, title: issue.title ?? '', url: issue.url ?? '' })
        // People ask by key (MB-42); a moved issue's old key keeps pointing at it.
        .hset(`${this.prefix}:issue-keys:${source}`, issue.key, issue.id);
    }
    await transaction.exec();
    return added;
  }

  /** The issue id behind a key (or an id itself), if the bridge has heard of the issue. */
  async resolveIssueId(source: string, keyOrId: string): Promise<string | undefined> {
    const id = await this.redis.hget(`${this.prefix}:issue-keys:${source}`, keyOrId);
    if (id) return id;
    return (await this.redis.exists(this.key(source, keyOrId, 'state'))) === 1 ? keyOrId : undefined;
  }

  /** Every issue the bridge keeps state for, as [source, issue id]. */
  async listIssues(): Promise<[string, string][]> {
    return (await this.redis.smembers(`${this.prefix}:issues`)).map((member) => JSON.parse(member) as [string, string]);
  }

  async loadStates(issues: readonly (readonly [string, string])[]): Promise<IssueState[]> {
    if (issues.length === 0) return [];
    const texts = await this.redis.mget(issues.map(([source, issueId]) => this.key(source, issueId, 'state')));
    return texts.flatMap((text) => (text ? [JSON.parse(text) as IssueState] : []));
  }

  async loadEvents(source: string, issueId: string): Promise<IssueEvent[]> {
    const raw = await this.redis.lrange(this.key(source, issueId, 'events'), 0, -1);
    return raw.map((text) => issueEventSchema.parse(JSON.parse(text)));
  }

  async loadRef(source: string, issueId: string): Promise<IssueRef> {
    const ref = await this.redis.hgetall(this.key(source, issueId, 'ref'));
    return { id: issueId, key: ref.key ?? issueId, title: ref.title || undefined, url: ref.url || undefined };
  }

  async saveState(state: IssueState): Promise<void> {
    await this.redis.set(this.key(state.source, state.issue.id, 'state'), JSON.stringify(state));
  }

  async loadState(source: string, issueId: string): Promise<IssueState | undefined> {
    const text = await this.redis.get(this.key(source, issueId, 'state'));
    return text ? (JSON.parse(text) as IssueState) : undefined;
  }

  async loadWritten(source: string, issueId: string): Promise<WriteBackFields | undefined> {
    const text = await this.redis.get(this.key(source, issueId, 'written'));
    return text ? writeBackFieldsSchema.parse(JSON.parse(text)) : undefined;
  }

  async saveWritten(source: string, issueId: string, written: WriteBackFields): Promise<void> {
    await this.redis.set(this.key(source, issueId, 'written'), JSON.stringify(written));
  }

  /**
   * What the latest delivery showed of the fields write-back owns, replacing what an earlier one
   * showed; answers the stored text, which `clearShown` takes back.
   */
  async saveShown(source: string, issueId: string, shown: ShownFields): Promise<string> {
    const text = JSON.stringify(shown);
    await this.redis.set(this.key(source, issueId, 'shown'), text);
    return text;
  }

  async loadShown(source: string, issueId: string): Promise<{ readonly text: string; readonly shown: ShownFields } | undefined> {
    const text = await this.redis.get(this.key(source, issueId, 'shown'));
    return text ? { text, shown: JSON.parse(text) as ShownFields } : undefined;
  }

  /** Forgets what a delivery showed once the bridge has written over it, unless a newer delivery showed something since. */
  async clearShown(source: string, issueId: string, text: string): Promise<void> {
    await this.redis.eval(DELETE_IF_SAME, 1, this.key(source, issueId, 'shown'), text);
  }

  /** One more restore of owned fields someone else changed, for the wanted state `wanted`; answers how many within `windowMs`. */
  async countRestore(source: string, issueId: string, wanted: string, windowMs: number): Promise<number> {
    return (await this.redis.eval(COUNT_RESTORE, 1, this.key(source, issueId, 'restores'), wanted, windowMs)) as number;
  }

  async restoresOf(source: string, issueId: string, wanted: string): Promise<number> {
    const [stored, count] = await this.redis.hmget(this.key(source, issueId, 'restores'), 'wanted', 'count');
    return stored === wanted ? Number(count ?? 0) : 0;
  }

  /** The issue's event log and the delivery ids it was told, as stored, read at one instant. */
  async readLog(source: string, issueId: string): Promise<{ readonly events: string[]; readonly eventIds: string[] }> {
    const [events, eventIds] = ((await this.redis.multi().lrange(this.key(source, issueId, 'events'), 0, -1).smembers(this.key(source, issueId, 'event-ids')).exec()) ?? []).map(
      ([error, value]) => {
        if (error) throw error;
        return value as string[];
      },
    );
    return { events: events ?? [], eventIds: eventIds ?? [] };
  }

  /**
   * Replaces the issue's event log and its delivery ids at once (retention's compacted log, an
   * imported one), and forgets what the last delivery showed. Call with the issue's lock held.
   */
  async replaceLog(source: string, issueId: string, events: readonly IssueEvent[], eventIds: readonly string[] = []): Promise<void> {
    const eventsKey = this.key(source, issueId, 'events');
    const idsKey = this.key(source, issueId, 'event-ids');
    const transaction = this.redis.multi().del(eventsKey, idsKey, this.key(source, issueId, 'shown'));
    if (events.length > 0) transaction.rpush(eventsKey, ...events.map((event) => JSON.stringify(event)));
    if (eventIds.length > 0) transaction.sadd(idsKey, ...eventIds);
    await transaction.exec();
  }

  /** The keys (current and former) that name the issue, from `issue-keys`. */
  async keysOf(source: string): Promise<Map<string, string[]>> {
    const byId = new Map<string, string[]>();
    for (const [key, id] of Object.entries(await this.redis.hgetall(`${this.prefix}:issue-keys:${source}`))) byId.set(id, [...(byId.get(id) ?? []), key]);
    return byId;
  }

  /** Makes an issue known under its ref and every key that named it (an import). */
  async restoreRef(source: string, issue: IssueRef, keys: readonly string[]): Promise<void> {
    const transaction = this.redis
      .multi()
      .sadd(`${this.prefix}:issues`, JSON.stringify([source, issue.id]))
      .hset(this.key(source, issue.id, 'ref'), { key: issue.key, title: issue.title ?? '', url: issue.url ?? '' });
    for (const key of new Set([issue.key, ...keys])) transaction.hset(`${this.prefix}:issue-keys:${source}`, key, issue.id);
    await transaction.exec();
  }

  /**
   * Runs `work` while holding one of the issue's locks, waiting for another worker to finish with
   * it: `lock` guards the SLA state, `write-back-lock` the tracker writes (slow, so kept apart).
   */
  async withIssueLock<T>(source: string, issueId: string, work: () => Promise<T>, lock: 'lock' | 'write-back-lock' = 'lock'): Promise<T> {
    const lockKey = this.key(source, issueId, lock);
    const token = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await this.redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`issue ${source}/${issueId} stayed locked for ${LOCK_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lockKey, token);
    }
  }
}
