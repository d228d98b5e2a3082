/**
 * Per-issue storage in Redis: the event log (in arrival order, each event stored once), the last
 * computed SLA state, and a lock so that one issue is applied by one worker at a time.
 *
 * Every write here may reach Redis twice: after a reconnect ioredis sends again the commands that
 * got no answer (see redis-connection.ts), and a command Redis ran just before the connection
 * dropped is then run a second time. So each one gives the same result when repeated: appends are
 * keyed by event id, locks by an owner token, restore counts by the write-back that restored.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import type { IssueRef } from '../../../connectors/connector.js';
import type { ShownFields } from '../../../connectors/shared/owned-fields.js';
import { type WriteBackFields, writeBackFieldsSchema } from '../../domain/write-back-fields.js';
import { issueEventSchema, type IssueEvent } from '../../domain/issue-event.js';
import type { IssueSla } from '../../domain/sla-clock.js';
import { isAtRisk, soonestDeadline } from '../../domain/issue-standing.js';
import { stateChangedMessage, stateChannel } from './state-changes.js';
import { decodeState, encodeState } from './compact-state.js';
import { decodeEvent, encodeEvent } from './compact-event.js';
import { LIST_INDEX_IF_SAME_LUA, LIST_INDEX_VERSION, LIST_PAGE_LUA, PLACE_IN_LISTS_LUA, dimensionSuffixes, listEntry, listIndexKeys, placeArgs, type ListDimensions } from './issue-list-index.js';


export interface StoredEvent {
  /** Unique per event: a re-delivered webhook yields the same ids and is stored once. */
  readonly id: string;
  readonly event: IssueEvent;
  /**
   * Another id this event stands for once stored: a real `created` claims `created:synthetic`, so
   * the stand-in later deliveries bring along is not stored after it.
   */
  readonly claims?: string;
}

/** What `applyUnderLock` read and appended, under the lock, in the same call. */
export interface AppliedEvents {
  /** How many of the events were new. */
  readonly added: number;
  /** The whole log, the new events included. */
  readonly events: IssueEvent[];
  readonly issue: IssueRef;
  /** The hash fields asked for (`alsoRead`), in order; null for a missing one. */
  readonly read: (string | null)[];
}

export interface IssueState {
  readonly source: string;
  readonly issue: IssueRef;
  readonly sla: IssueSla;
  /** The `now` the state was computed for. */
  readonly computedAt: number;
  readonly eventCount: number;
}

// The ref hash stays in Redis's compact listpack only while every field and value is at most 64
// bytes (hash-max-listpack-value); one longer turns the whole hash into a hashtable, 219 and 294
// bytes more per issue as measured (README, Performance). So a longer title or link is kept in 64-byte pieces (`title`, then
// `title:1`, `title:2`...: a first piece of exactly 64 bytes may have more), and a longer event id
// (GitLab's `body:<sha256>` without an Idempotency-Key) by a digest, `#~<24 hex of its SHA-1>`.
const REF_LUA = `
local PIECE = 64
local function idField(id)
  if #id < PIECE then return '#' .. id end
  return '#~' .. string.sub(redis.sha1hex(id), 1, 24)
end
-- The field/value pairs that hold value under name, appended to out; answers how many pieces.
local function piecesOf(name, value, out)
  out[#out + 1] = name
  out[#out + 1] = string.sub(value, 1, PIECE)
  local count = 1
  while count * PIECE < #value do
    out[#out + 1] = name .. ':' .. count
    out[#out + 1] = string.sub(value, count * PIECE + 1, (count + 1) * PIECE)
    count = count + 1
  end
  return count
end
-- A value as its pieces hold it (nil when there is none): the first one, and while a piece is
-- whole, the next ones, read 15 at a time.
local function joined(ref, name, first)
  if not first or #first < PIECE then return first end
  local parts = { first }
  local from = 1
  while true do
    local names = {}
    for k = from, from + 14 do names[#names + 1] = name .. ':' .. k end
    local got = redis.call('HMGET', ref, unpack(names))
    for k = 1, 15 do
      if not got[k] then return table.concat(parts) end
      parts[#parts + 1] = got[k]
    end
    from = from + 15
  end
end
-- Redis never turns a hash back into a listpack, so a ref an earlier version made a hashtable (a
-- title, link or event id over 64 bytes, kept whole) is written again, once, as soon as all of it
-- fits: its title and link are pieces by now (wasWhole: they were whole before this write), a
-- whole long id becomes its digest (still found: isNewEvent looks for both). Only a ref that held
-- such a value is rewritten, so one that is a hashtable for its number of fields (a server set
-- below the default) is not rewritten at every write; nor is one of more than 512 fields, which
-- Redis's default hash-max-listpack-entries (Debian's redis.conf too) keeps a hashtable anyway.
-- (A script may not read CONFIG, so the bound is the default, not the server's own setting.)
local function compact(ref, wasWhole)
  if redis.call('OBJECT', 'ENCODING', ref) ~= 'hashtable' or redis.call('HLEN', ref) > 512 then return end
  local all = redis.call('HGETALL', ref)
  local shortened = wasWhole
  for i = 1, #all, 2 do
    if #all[i] > PIECE and string.sub(all[i], 1, 1) == '#' then
      all[i] = idField(string.sub(all[i], 2))
      shortened = true
    end
    if #all[i] > PIECE or #all[i + 1] > PIECE then return end
  end
  if not shortened then return end
  redis.call('DEL', ref)
  redis.call('HSET', ref, unpack(all))
end
local function readRef(ref)
  local got = redis.call('HMGET', ref, 'key', 'title', 'url')
  return { got[1], joined(ref, 'title', got[2]), joined(ref, 'url', got[3]) }
end
-- Key, title and link written (with extra field/value pairs), the pieces of a longer title or
-- link before them taken away.
local function writeRef(ref, key, title, url, extra)
  local old = redis.call('HMGET', ref, 'title', 'url')
  local pairs_out = { 'key', key }
  local titles = piecesOf('title', title, pairs_out)
  local urls = piecesOf('url', url, pairs_out)
  for i = 1, #extra do pairs_out[#pairs_out + 1] = extra[i] end
  local stale = {}
  for i, name in ipairs({ 'title', 'url' }) do
    if old[i] and #old[i] == PIECE then
      local from = i == 1 and titles or urls
      local k = from
      while redis.call('HEXISTS', ref, name .. ':' .. k) == 1 do
        stale[#stale + 1] = name .. ':' .. k
        k = k + 1
      end
    end
  end
  if #stale > 0 then redis.call('HDEL', ref, unpack(stale)) end
  redis.call('HSET', ref, unpack(pairs_out))
  compact(ref, (old[1] and #old[1] > PIECE) or (old[2] and #old[2] > PIECE) or false)
end`;

// Whether an event id is new to the issue, recording it if so. The ids are fields `#<id>` of the
// issue's ref hash (one key fewer per issue than a set of their own); `legacy`: the issue also has
// the set of ids a bridge before this one kept (`<issue>:event-ids`), still read until its log is
// replaced (retention, an import). A long id an earlier version kept whole is found as well.
const EVENT_ID_LUA = `${REF_LUA}
local function isNewEvent(ids, ref, legacy, id)
  if legacy and redis.call('SISMEMBER', ids, id) == 1 then return false end
  local field = idField(id)
  if field ~= '#' .. id and redis.call('HEXISTS', ref, '#' .. id) == 1 then return false end
  return redis.call('HSETNX', ref, field, '1') == 1
end
-- Appends each event of ARGV (in threes from ARGV[from]: id, event, claimed id or '') whose id is
-- new; answers how many, and the ids claimed as (field, '1') pairs for placeRef.
local function appendNew(ids, events, ref, from)
  local legacy = redis.call('EXISTS', ids) == 1
  local added = 0
  local claimed = {}
  for i = from, #ARGV, 3 do
    if isNewEvent(ids, ref, legacy, ARGV[i]) then
      redis.call('RPUSH', events, ARGV[i + 1])
      added = added + 1
      if ARGV[i + 2] ~= '' then claimed[#claimed + 1] = idField(ARGV[i + 2]); claimed[#claimed + 1] = '1' end
    end
  end
  return added, claimed
end
-- The ref in place (a partial one only fills an empty key; a whole one also the issue keys hash)
-- and the ids claimed (field, '1' pairs), in one HSET where it can.
local function placeRef(ref, keys, partial, key, title, url, issueId, claimed)
  if partial == '1' then
    redis.call('HSETNX', ref, 'key', key)
    if #claimed > 0 then redis.call('HSET', ref, unpack(claimed)) end
  else
    writeRef(ref, key, title, url, claimed)
    redis.call('HSET', keys, key, issueId)
  end
end`;

// Appends each event whose id is new, keeping arrival order, and records the id it claims (ARGV
// in threes from ARGV[7]: id, event, claimed id or ''); puts the issue (ARGV[1]) in the list of
// issues and its ref in place: a partial ref (ARGV[2] = '1') only fills an empty key. Returns how
// many events were new. KEYS: event ids, events, issues, ref, issue keys of the source.
const APPEND_EVENTS = `${EVENT_ID_LUA}
local added, claimed = appendNew(KEYS[1], KEYS[2], KEYS[4], 7)
redis.call('SADD', KEYS[3], ARGV[1])
placeRef(KEYS[4], KEYS[5], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], claimed)
return added`;

// A delivery's whole read-and-append in one call, so applying one costs one round trip before the
// computation instead of four: takes the issue's lock (as ACQUIRE_LOCK; 0 when another holds it,
// and nothing else is done), appends the events and places the ref (as APPEND_EVENTS), stores what
// the delivery showed (KEYS[7], ARGV[9] unless ''), then answers how many events were new, the
// whole log, the ref, and the hash fields asked for (ARGV[10] of them: KEYS[8..] with the fields
// ARGV[11..]; false for a missing one). Events in threes after the fields, as in APPEND_EVENTS.
const APPLY_UNDER_LOCK = `${EVENT_ID_LUA}
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local reads = tonumber(ARGV[10])
local added, claimed = appendNew(KEYS[2], KEYS[3], KEYS[5], 11 + reads)
redis.call('SADD', KEYS[4], ARGV[3])
placeRef(KEYS[5], KEYS[6], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], claimed)
if ARGV[9] ~= '' then redis.call('SET', KEYS[7], ARGV[9]) end
local fields = {}
for i = 1, reads do fields[i] = redis.call('HGET', KEYS[7 + i], ARGV[10 + i]) end
return { added, redis.call('LRANGE', KEYS[3], 0, -1), readRef(KEYS[5]), fields }`;

// The event log (KEYS[1]) and the ref (KEYS[2]) in one call.
const LOG_AND_REF = `${REF_LUA}
return { redis.call('LRANGE', KEYS[1], 0, -1), readRef(KEYS[2]) }`;

// The ref's key, title and link (KEYS[1]), as HMGET key title url would answer them.
const READ_REF = `${REF_LUA}
return readRef(KEYS[1])`;

// The ref's key, title and link (ARGV[1..3]) written, as a delivery writes them (an import).
const WRITE_REF = `${REF_LUA}
writeRef(KEYS[1], ARGV[1], ARGV[2], ARGV[3], {})
return 1`;

// The log (KEYS[1]) and the event ids: the set an earlier version kept (KEYS[2]) and the ref's
// (KEYS[3]) fields, which the caller sorts out.
const READ_LOG = `return { redis.call('LRANGE', KEYS[1], 0, -1), redis.call('SMEMBERS', KEYS[2]), redis.call('HKEYS', KEYS[3]) }`;

// A log (KEYS[1]) replaced whole: the ARGV[1] events after it, then the event ids; the ids before
// go, in either layout (the set KEYS[2], the ref's fields in KEYS[4]), and what the last delivery
// showed (KEYS[3]).
const REPLACE_LOG = `${REF_LUA}
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
for _, field in ipairs(redis.call('HKEYS', KEYS[4])) do
  if string.sub(field, 1, 1) == '#' then redis.call('HDEL', KEYS[4], field) end
end
local count = tonumber(ARGV[1])
for i = 2, count + 1 do redis.call('RPUSH', KEYS[1], ARGV[i]) end
for i = count + 2, #ARGV do redis.call('HSET', KEYS[4], idField(ARGV[i]), '1') end
return 1`;

// The event logs of KEYS, one list each, for reading many issues in one round trip.
const EVENT_LOGS = `
local logs = {}
for i = 1, #KEYS do logs[i] = redis.call('LRANGE', KEYS[i], 0, -1) end
return logs`;

// Takes the lock when it is free or already holds the caller's token (ARGV[1]): a re-sent
// acquire whose first copy took the lock then succeeds instead of waiting for its own lock.
const ACQUIRE_LOCK = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

// The heartbeat: extends the lock only while it holds the caller's token.
const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Saves the state, fenced by the issue's lock when the caller holds it (ARGV[1] its token, '' when
// it holds none): a worker whose lock expired (Redis away longer than the lock's TTL) must not
// overwrite the state the next holder computed from a longer log. With it, the issue's place in
// the at-risk index (KEYS[3]: member ARGV[3] at score ARGV[4], or out of it when ARGV[4] is ''),
// in the list indexes (KEYS[4] and the membership hash KEYS[5]; ARGV[7] on, ./issue-list-index.ts)
// and the word on the state-changes channel (ARGV[5], message ARGV[6]; ./state-changes.ts).
const SAVE_STATE = `${PLACE_IN_LISTS_LUA}
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[3]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
placeInLists(KEYS[4], KEYS[5], 7)
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1`;

// The index built from states read earlier (ARGV in threes: the state as read, member, score or
// ''): each entry only while the state is still the one read (KEYS[i]), so a state saved since,
// which placed itself, is not undone. KEYS[#KEYS] is the index.
const INDEX_IF_SAME = `
local index = KEYS[#KEYS]
for i = 1, #KEYS - 1 do
  local at = (i - 1) * 3
  if redis.call('GET', KEYS[i]) == ARGV[at + 1] then
    if ARGV[at + 3] == '' then redis.call('ZREM', index, ARGV[at + 2]) else redis.call('ZADD', index, ARGV[at + 3], ARGV[at + 2]) end
  end
end
return 1`;

// Deletes the key only while it holds what the caller read, so a value stored since stays.
const DELETE_IF_SAME = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Counts the restores of one wanted state (ARGV[1]) within a window of ARGV[2] ms from the first:
// another wanted state, or the window's end, starts the count again. Each restore is a field named
// by its id (ARGV[3]), so a restore counted twice (a re-sent command, a retried job) counts once.
const COUNT_RESTORE = `
if redis.call('HGET', KEYS[1], 'wanted') ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'wanted', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
redis.call('HSET', KEYS[1], 'restore:' .. ARGV[3], 1)
local count = redis.call('HLEN', KEYS[1]) - 1
-- 'count': how a bridge before restore ids counted, in a window still open at an upgrade.
local legacy = redis.call('HGET', KEYS[1], 'count')
if legacy then count = count - 1 + tonumber(legacy) end
return count`;

/**
 * The scripts, sent once per connection and then called by their SHA1 (ioredis `defineCommand`:
 * EVALSHA, and EVAL again only when Redis answers NOSCRIPT, e.g. after a restart), instead of
 * their whole text on every call. Named `sla…`, apart from BullMQ's commands on the same connection.
 * Several commands go in one script rather than a MULTI or pipeline: ioredis copies every script
 * defined on a connection (BullMQ's 60-odd) into each pipeline it makes, 40-70 us here, more than
 * the round trip saves.
 */
const SCRIPTS = {
  slaAppendEvents: { numberOfKeys: 5, lua: APPEND_EVENTS },
  slaApplyUnderLock: { lua: APPLY_UNDER_LOCK },
  slaLogAndRef: { numberOfKeys: 2, lua: LOG_AND_REF },
  slaReadRef: { numberOfKeys: 1, lua: READ_REF, readOnly: true },
  slaWriteRef: { numberOfKeys: 1, lua: WRITE_REF },
  slaReadLog: { numberOfKeys: 3, lua: READ_LOG, readOnly: true },
  slaReplaceLog: { numberOfKeys: 4, lua: REPLACE_LOG },
  slaAcquireLock: { numberOfKeys: 1, lua: ACQUIRE_LOCK },
  slaExtendLock: { numberOfKeys: 1, lua: EXTEND_LOCK },
  slaReleaseLock: { numberOfKeys: 1, lua: RELEASE_LOCK },
  slaSaveState: { numberOfKeys: 5, lua: SAVE_STATE },
  slaListPage: { lua: LIST_PAGE_LUA },
  slaListIndexIfSame: { lua: LIST_INDEX_IF_SAME_LUA },
  slaDeleteIfSame: { numberOfKeys: 1, lua: DELETE_IF_SAME },
  slaCountRestore: { numberOfKeys: 1, lua: COUNT_RESTORE },
  slaIndexIfSame: { lua: INDEX_IF_SAME },
  slaEventLogs: { lua: EVENT_LOGS, readOnly: true },
} as const;

type Script = (...keysAndArgs: (string | number | Buffer)[]) => Promise<unknown>;
// ioredis defines each script twice: `name` answers strings, `nameBuffer` Buffers (the event logs
// hold deflated events, which a string would garble).
type Scripts = { readonly [name in keyof typeof SCRIPTS]: Script } & { readonly [name in keyof typeof SCRIPTS as `${name}Buffer`]: Script };
/** Bumped when what the index holds changes: a bridge then builds it anew from the states. */
const AT_RISK_INDEX_VERSION = '1';
const INDEX_BATCH = 500;

/** The client with the scripts defined on it (once per connection: several stores share one). */
function withScripts(redis: RedisClient): RedisClient & Scripts {
  for (const [name, script] of Object.entries(SCRIPTS)) if (!(name in redis)) redis.defineCommand(name, script);
  return redis as RedisClient & Scripts;
}


/**
 * How long an issue's lock outlives a worker that died holding it. The holder renews it every
 * `ISSUE_LOCK_RENEW_MS` while its work runs (tracker writes may take a minute of retries), so the
 * TTL only has to cover a missed renewal or two: a stalled event loop or a slow Redis of up to 2 s
 * keeps the lock, and a dead worker's issues are free 3 s after its last renewal. The BullMQ job
 * locks use the same figure (WORKER_RECOVERY in ../jobs/pipeline.ts), so the job and its issue
 * come back together.
 */
export const ISSUE_LOCK_TTL_MS = 3_000;
export const ISSUE_LOCK_RENEW_MS = 1_000;
/** Longer than the TTL: a waiter outlasts a dead holder's lock. */
const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 20;

/**
 * The issue's lock expired or was taken over while the work ran (Redis was away longer than the
 * TTL): what the work computed may be older than what the new holder saves, so the job fails and
 * is retried from the log.
 */
export class IssueLockLost extends Error {
  override readonly name = 'IssueLockLost';
}

interface Lease {
  readonly token: string;
  lost: boolean;
}

/** The issue's member of the at-risk index and its score (the soonest deadline), or '' when it is not at risk. */
function indexEntry(state: IssueState): [string, string] {
  const member = JSON.stringify([state.source, state.issue.id]);
  return [member, isAtRisk(state.sla, state.computedAt) ? String(soonestDeadline(state.sla)) : ''];
}

const parseEvent = (stored: Buffer): IssueEvent => issueEventSchema.parse(JSON.parse(decodeEvent(stored)));

/** A hash field read as a Buffer, as text. */
const asText = (value: Buffer | null): string | null => (value === null ? null : value.toString('utf8'));

/** The ref's fields as HMGET key title url answers them. */
function refFields([key, title, url]: readonly (string | null)[]): Record<string, string> {
  return { ...(key ? { key } : {}), ...(title ? { title } : {}), ...(url ? { url } : {}) };
}

function refFrom(issueId: string, ref: Record<string, string>): IssueRef {
  return { id: issueId, key: ref.key ?? issueId, title: ref.title || undefined, url: ref.url || undefined };
}

export class IssueStore {
  /** The issue locks this process holds, by lock key: what fences `saveState`. */
  private readonly held = new Map<string, Lease>();

  private readonly redis: RedisClient & Scripts;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.redis = withScripts(redis);
  }

  private key(source: string, issueId: string, part: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:${part}`;
  }

  /** The events whose ids are new, the issue's ref and its place in the list of issues: one script, one round trip. */
  async appendEvents(source: string, issue: IssueRef, events: readonly StoredEvent[]): Promise<number> {
    return (await this.redis.slaAppendEvents(
      this.key(source, issue.id, 'event-ids'),
      this.key(source, issue.id, 'events'),
      `${this.prefix}:issues`,
      this.key(source, issue.id, 'ref'),
      // People ask by key (MB-42); a moved issue's old key keeps pointing at it.
      `${this.prefix}:issue-keys:${source}`,
      JSON.stringify([source, issue.id]),
      issue.partial ? '1' : '0',
      issue.key,
      issue.title ?? '',
      issue.url ?? '',
      issue.id,
      ...events.flatMap(({ id, event, claims }) => [id, encodeEvent(event), claims ?? '']),
    )) as number;
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
    const texts = await this.redis.mgetBuffer(issues.map(([source, issueId]) => this.key(source, issueId, 'state')));
    return texts.flatMap((text) => (text ? [JSON.parse(decodeState(text)) as IssueState] : []));
  }

  /** The states of many issues in one MGET, in the order asked; undefined for an issue without one. */
  async loadStatesInOrder(issues: readonly (readonly [string, string])[]): Promise<(IssueState | undefined)[]> {
    if (issues.length === 0) return [];
    const texts = await this.redis.mgetBuffer(issues.map(([source, issueId]) => this.key(source, issueId, 'state')));
    return texts.map((text) => (text ? (JSON.parse(decodeState(text)) as IssueState) : undefined));
  }

  async loadEvents(source: string, issueId: string): Promise<IssueEvent[]> {
    return (await this.redis.lrangeBuffer(this.key(source, issueId, 'events'), 0, -1)).map(parseEvent);
  }

  /** The event logs of many issues (a batch: one round trip), in the order asked; an unknown issue's is empty. */
  async loadEventLogs(issues: readonly (readonly [string, string])[]): Promise<IssueEvent[][]> {
    if (issues.length === 0) return [];
    const logs = (await this.redis.slaEventLogsBuffer(issues.length, ...issues.map(([source, issueId]) => this.key(source, issueId, 'events')))) as Buffer[][];
    return logs.map((raw) => raw.map(parseEvent));
  }

  async loadRef(source: string, issueId: string): Promise<IssueRef> {
    return refFrom(issueId, refFields((await this.redis.slaReadRef(this.key(source, issueId, 'ref'))) as (string | null)[]));
  }

  /** The event log and the ref together: one round trip. */
  async loadLogAndRef(source: string, issueId: string): Promise<{ readonly events: IssueEvent[]; readonly issue: IssueRef }> {
    const [raw, fields] = (await this.redis.slaLogAndRefBuffer(this.key(source, issueId, 'events'), this.key(source, issueId, 'ref'))) as [Buffer[], (Buffer | null)[]];
    return { events: raw.map(parseEvent), issue: refFrom(issueId, refFields(fields.map(asText))) };
  }

  /** Saves the state, and its place in the at-risk and list indexes; under the issue's lock only while the lock is still this holder's (else `IssueLockLost`). */
  async saveState(state: IssueState): Promise<void> {
    const stateKey = this.key(state.source, state.issue.id, 'state');
    const lockKey = this.key(state.source, state.issue.id, 'lock');
    const [member, score] = indexEntry(state);
    const lease = this.held.get(lockKey);
    const lists = listIndexKeys(this.prefix);
    const saved = await this.redis.slaSaveState(
      lockKey,
      stateKey,
      this.atRiskKey(),
      lists.all,
      lists.of,
      lease?.token ?? '',
      encodeState(JSON.stringify(state)),
      member,
      score,
      stateChannel(this.prefix),
      stateChangedMessage(state),
      ...placeArgs(member, listEntry(state.source, state.sla)),
    );
    if (lease && saved !== 1) {
      lease.lost = true;
      throw new IssueLockLost(`issue ${state.source}/${state.issue.id}: the lock expired before its state was saved`);
    }
  }

  /**
   * One page of the listed issues (those `listEntry` lists; with `atRisk`, those at risk), narrowed
   * by `dimensions`, soonest deadline first, ties by member: from the indexes, reading only the
   * page's states. Undefined while another process builds the indexes: the caller reads every
   * state instead.
   */
  async listPage(dimensions: ListDimensions, offset: number, limit: number | undefined, atRisk = false): Promise<{ readonly total: number; readonly states: IssueState[] } | undefined> {
    const found = await this.listMembers(dimensions, offset, limit === undefined ? -1 : offset + limit - 1, atRisk);
    if (!found) return undefined;
    const states = await this.loadStates(found.members.map((member) => JSON.parse(member) as [string, string]));
    return { total: found.total, states };
  }

  /** The members of a list by rank (`stop` -1: to the end), from the indexes; undefined while they are built elsewhere. */
  async listMembers(dimensions: ListDimensions, start: number, stop: number, atRisk = false): Promise<{ readonly total: number; readonly members: string[] } | undefined> {
    if (!(await this.listIndexReady())) return undefined;
    if (atRisk && !(await this.atRiskIndexReady())) return undefined;
    const lists = listIndexKeys(this.prefix);
    // A dimension's set holds only listed issues: the list of all is needed only without one.
    const narrowing = dimensionSuffixes(dimensions).map((name) => `${lists.all}:${name}`);
    const sets = atRisk ? [this.atRiskKey(), ...narrowing] : narrowing.length > 0 ? narrowing : [lists.all];
    const [members, total] = (await this.redis.slaListPage(sets.length + 1, ...sets, lists.scratch(randomUUID()), String(start), String(stop))) as [string[], number];
    return { total, members };
  }

  private async listIndexReady(): Promise<boolean> {
    const lists = listIndexKeys(this.prefix);
    if ((await this.redis.get(lists.version)) === LIST_INDEX_VERSION) return true;
    // One builder at a time; the mark expires should the builder die.
    if ((await this.redis.set(lists.building, '1', 'PX', 60_000, 'NX')) !== 'OK') return false;
    try {
      const issues = await this.listIssues();
      for (let start = 0; start < issues.length; start += INDEX_BATCH) {
        const batch = issues.slice(start, start + INDEX_BATCH);
        const keys = batch.map(([source, issueId]) => this.key(source, issueId, 'state'));
        // As stored (either form): the script compares it byte for byte.
        const texts = await this.redis.mgetBuffer(keys);
        const present = texts.flatMap((text, index) => (text ? [{ key: keys[index]!, text }] : []));
        if (present.length === 0) continue;
        const args = present.flatMap(({ text }) => {
          const state = JSON.parse(decodeState(text)) as IssueState;
          return [text, ...placeArgs(JSON.stringify([state.source, state.issue.id]), listEntry(state.source, state.sla))];
        });
        await this.redis.slaListIndexIfSame(present.length + 2, ...present.map(({ key }) => key), lists.all, lists.of, ...args);
        // A page of states parsed per turn: the API's event loop is not held for the whole build.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await this.redis.set(lists.version, LIST_INDEX_VERSION);
      return true;
    } finally {
      await this.redis.del(lists.building);
    }
  }

  private atRiskKey(): string {
    return `${this.prefix}:index:at-risk`;
  }

  private async atRiskIndexReady(): Promise<boolean> {
    const versionKey = `${this.atRiskKey()}:version`;
    if ((await this.redis.get(versionKey)) === AT_RISK_INDEX_VERSION) return true;
    // One builder at a time; the mark expires should the builder die.
    if ((await this.redis.set(`${this.atRiskKey()}:building`, '1', 'PX', 60_000, 'NX')) !== 'OK') return false;
    try {
      const issues = await this.listIssues();
      for (let start = 0; start < issues.length; start += INDEX_BATCH) {
        const batch = issues.slice(start, start + INDEX_BATCH);
        const keys = batch.map(([source, issueId]) => this.key(source, issueId, 'state'));
        // As stored (either form): the script compares it byte for byte.
        const texts = await this.redis.mgetBuffer(keys);
        const present = texts.flatMap((text, index) => (text ? [{ key: keys[index]!, text }] : []));
        if (present.length === 0) continue;
        const args = present.flatMap(({ text }) => [text, ...indexEntry(JSON.parse(decodeState(text)) as IssueState)]);
        await this.redis.slaIndexIfSame(present.length + 1, ...present.map(({ key }) => key), this.atRiskKey(), ...args);
      }
      await this.redis.set(versionKey, AT_RISK_INDEX_VERSION);
      return true;
    } finally {
      await this.redis.del(`${this.atRiskKey()}:building`);
    }
  }

  async loadState(source: string, issueId: string): Promise<IssueState | undefined> {
    const text = await this.redis.getBuffer(this.key(source, issueId, 'state'));
    return text ? (JSON.parse(decodeState(text)) as IssueState) : undefined;
  }

  async loadWritten(source: string, issueId: string): Promise<WriteBackFields | undefined> {
    const text = await this.redis.get(this.key(source, issueId, 'written'));
    return text ? writeBackFieldsSchema.parse(JSON.parse(text)) : undefined;
  }

  /** What the tracker shows now that a write-back went through; ends the write `saveWriting` began. */
  async saveWritten(source: string, issueId: string, written: WriteBackFields): Promise<void> {
    await this.redis.multi().set(this.key(source, issueId, 'written'), JSON.stringify(written)).del(this.key(source, issueId, 'writing')).exec();
  }

  /**
   * What a write-back is about to send, kept until `saveWritten`: found by the next write-back, it
   * says a write went out that may or may not have reached the tracker (its worker died).
   */
  async saveWriting(source: string, issueId: string, writing: WriteBackFields): Promise<void> {
    await this.redis.set(this.key(source, issueId, 'writing'), JSON.stringify(writing));
  }

  async loadWriting(source: string, issueId: string): Promise<WriteBackFields | undefined> {
    const text = await this.redis.get(this.key(source, issueId, 'writing'));
    return text ? writeBackFieldsSchema.parse(JSON.parse(text)) : undefined;
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
    await this.redis.slaDeleteIfSame(this.key(source, issueId, 'shown'), text);
  }

  /**
   * One more restore of owned fields someone else changed, for the wanted state `wanted`, named by
   * `restoreId` (the same restore counted again counts once); answers how many within `windowMs`.
   */
  async countRestore(source: string, issueId: string, wanted: string, windowMs: number, restoreId: string): Promise<number> {
    return (await this.redis.slaCountRestore(this.key(source, issueId, 'restores'), wanted, windowMs, restoreId)) as number;
  }

  async restoresOf(source: string, issueId: string, wanted: string): Promise<number> {
    const fields = await this.redis.hgetall(this.key(source, issueId, 'restores'));
    if (fields.wanted !== wanted) return 0;
    return Object.keys(fields).filter((field) => field.startsWith('restore:')).length + Number(fields.count ?? 0);
  }

  /** The issue's event log (each event's JSON text) and the delivery ids it was told, read at one instant. */
  async readLog(source: string, issueId: string): Promise<{ readonly events: string[]; readonly eventIds: string[] }> {
    const [events, legacyIds, refKeys] = (await this.redis.slaReadLogBuffer(this.key(source, issueId, 'events'), this.key(source, issueId, 'event-ids'), this.key(source, issueId, 'ref'))) as [Buffer[], Buffer[], Buffer[]];
    const ids = refKeys.map((field) => field.toString('utf8')).filter((field) => field.startsWith('#')).map((field) => field.slice(1));
    return { events: events.map(decodeEvent), eventIds: [...new Set([...legacyIds.map((id) => id.toString('utf8')), ...ids])] };
  }

  /**
   * Replaces the issue's event log and its delivery ids at once (retention's compacted log, an
   * imported one), and forgets what the last delivery showed. Call with the issue's lock held.
   */
  async replaceLog(source: string, issueId: string, events: readonly IssueEvent[], eventIds: readonly string[] = []): Promise<void> {
    await this.redis.slaReplaceLog(
      this.key(source, issueId, 'events'),
      this.key(source, issueId, 'event-ids'),
      this.key(source, issueId, 'shown'),
      this.key(source, issueId, 'ref'),
      String(events.length),
      ...events.map(encodeEvent),
      ...eventIds,
    );
  }

  /** The keys (current and former) that name the issue, from `issue-keys`. */
  async keysOf(source: string): Promise<Map<string, string[]>> {
    const byId = new Map<string, string[]>();
    for (const [key, id] of Object.entries(await this.redis.hgetall(`${this.prefix}:issue-keys:${source}`))) byId.set(id, [...(byId.get(id) ?? []), key]);
    return byId;
  }

  /** Makes an issue known under its ref and every key that named it (an import). */
  async restoreRef(source: string, issue: IssueRef, keys: readonly string[]): Promise<void> {
    await this.redis.slaWriteRef(this.key(source, issue.id, 'ref'), issue.key, issue.title ?? '', issue.url ?? '');
    const transaction = this.redis.multi().sadd(`${this.prefix}:issues`, JSON.stringify([source, issue.id]));
    for (const key of new Set([issue.key, ...keys])) transaction.hset(`${this.prefix}:issue-keys:${source}`, key, issue.id);
    await transaction.exec();
  }

  /**
   * Runs `work` while holding one of the issue's locks, waiting for another worker to finish with
   * it: `lock` guards the SLA state, `write-back-lock` the tracker writes (slow, so kept apart).
   * The lock carries a token of this call, is renewed while `work` runs, and is released only if it
   * still holds the token. Lost meanwhile: `IssueLockLost`, after `work` ends.
   */
  async withIssueLock<T>(source: string, issueId: string, work: () => Promise<T>, lock: 'lock' | 'write-back-lock' = 'lock'): Promise<T> {
    const lockKey = this.key(source, issueId, lock);
    return this.underLock(source, issueId, lock, async (token) => ((await this.redis.slaAcquireLock(lockKey, token, ISSUE_LOCK_TTL_MS)) === 1 ? true : undefined), work);
  }

  /**
   * A delivery applied under the issue's lock (`withIssueLock` with `appendEvents`, `saveShown` and
   * `loadLogAndRef` done as the lock is taken, in one script): `work` gets how many events were
   * new, the whole log, the ref, and the hash fields of `alsoRead` (e.g. the hours index), so that
   * applying a delivery reads Redis once before its computation.
   */
  async applyUnderLock<T>(
    source: string,
    issue: IssueRef,
    events: readonly StoredEvent[],
    extra: { readonly shown?: string | undefined; readonly alsoRead?: readonly (readonly [key: string, field: string])[] },
    work: (applied: AppliedEvents) => Promise<T>,
  ): Promise<T> {
    const alsoRead = extra.alsoRead ?? [];
    const keys = [
      this.key(source, issue.id, 'lock'),
      this.key(source, issue.id, 'event-ids'),
      this.key(source, issue.id, 'events'),
      `${this.prefix}:issues`,
      this.key(source, issue.id, 'ref'),
      `${this.prefix}:issue-keys:${source}`,
      this.key(source, issue.id, 'shown'),
      ...alsoRead.map(([key]) => key),
    ];
    const args = [
      JSON.stringify([source, issue.id]),
      issue.partial ? '1' : '0',
      issue.key,
      issue.title ?? '',
      issue.url ?? '',
      issue.id,
      extra.shown ?? '',
      String(alsoRead.length),
      ...alsoRead.map(([, field]) => field),
      ...events.flatMap(({ id, event, claims }) => [id, encodeEvent(event), claims ?? '']),
    ];
    let applied: AppliedEvents | undefined;
    return this.underLock(
      source,
      issue.id,
      'lock',
      async (token) => {
        const reply = (await this.redis.slaApplyUnderLockBuffer(keys.length, ...keys, token, ISSUE_LOCK_TTL_MS, ...args)) as 0 | [number, Buffer[], (Buffer | null)[], (Buffer | null)[]];
        if (reply === 0) return undefined;
        const [added, raw, pairs, read] = reply;
        applied = { added, events: raw.map(parseEvent), issue: refFrom(issue.id, refFields(pairs.map(asText))), read: read.map(asText) };
        return true;
      },
      () => work(applied!),
    );
  }

  /**
   * Runs `work` holding the issue's `lock`, taken by `acquire` (with this call's token; undefined
   * while another holds it, then tried again every LOCK_POLL_MS up to LOCK_WAIT_MS).
   */
  private async underLock<T>(source: string, issueId: string, lock: 'lock' | 'write-back-lock', acquire: (token: string) => Promise<true | undefined>, work: () => Promise<T>): Promise<T> {
    const lockKey = this.key(source, issueId, lock);
    const lease: Lease = { token: randomUUID(), lost: false };
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await acquire(lease.token)) === undefined) {
      if (Date.now() > deadline) throw new Error(`issue ${source}/${issueId} stayed locked for ${LOCK_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    this.held.set(lockKey, lease);
    const stopHeartbeat = this.heartbeat(lockKey, lease);
    try {
      const result = await work();
      if (lease.lost) throw new IssueLockLost(`issue ${source}/${issueId}: the ${lock} expired while the work ran`);
      return result;
    } finally {
      stopHeartbeat();
      if (this.held.get(lockKey) === lease) this.held.delete(lockKey);
      await this.redis.slaReleaseLock(lockKey, lease.token);
    }
  }

  /** Renews the lock every `ISSUE_LOCK_RENEW_MS`, one renewal at a time; a renewal that finds the lock gone marks the lease lost. */
  private heartbeat(lockKey: string, lease: Lease): () => void {
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing || lease.lost) return;
      renewing = true;
      this.redis
        .slaExtendLock(lockKey, lease.token, ISSUE_LOCK_TTL_MS)
        .then(
          (extended) => {
            if (extended !== 1) lease.lost = true;
          },
          // Redis unreachable: the next beat tries again; if it stays away past the TTL, the
          // renewal after it comes back finds the lock gone.
          () => undefined,
        )
        .finally(() => (renewing = false));
    }, ISSUE_LOCK_RENEW_MS);
    timer.unref();
    return () => clearInterval(timer);
  }
}
