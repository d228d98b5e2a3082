/**
 * Requests the bridge gave up on, kept in Redis so an operator can see them and send them again.
 *
 * Layout: one hash per letter, `<prefix>:dead-letter:<id>`, holding everything needed to replay
 * (URL, method, headers, body) — credentials included, since Redis is the bridge's own store —
 * and a sorted set `<prefix>:dead-letters` of ids scored by creation time (ms). Views handed out
 * (`list`, `get`) are redacted.
 *
 * Bounded: adding beyond `maxLetters` (default 10 000) deletes the oldest letters in the same
 * script, so a chat service that is down for a week cannot fill Redis. Letters created in the same
 * millisecond have no defined order between them.
 *
 * Each write gives the same result when Redis runs it twice (ioredis re-sends unanswered commands
 * after a reconnect): a letter's id is chosen before it is stored, a replay's failure is recorded
 * once per replay, and the replay lock knows its own token.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import { createLogger, type Logger } from '../logger.js';
import type { HttpMethod, OutboundRequest } from '../../../connectors/outbound-request.js';
import { DeliveryFailure, type OutboundHttp, type OutboundResponse } from '../outbound/outbound-http.js';
import { logTarget, redactHeaders, redactUrl } from '../outbound/redact.js';

export const DEFAULT_MAX_DEAD_LETTERS = 10_000;
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1_000;

// Longer than a full retry run with the defaults (6 attempts of 10 s plus Retry-After waits of at
// most 60 s each); after that a crashed replayer's lock expires by itself.
const REPLAY_LOCK_MS = 15 * 60_000;

/** What `add` needs from the failure; a `DeliveryFailure` has it. */
export type FailureSummary = Pick<DeliveryFailure, 'permanent' | 'status' | 'code' | 'attempts' | 'reason'>;

/** A dead letter as the API may show it: the URL and headers redacted. */
export interface DeadLetterView {
  readonly id: string;
  readonly createdAt: number;
  readonly description: string;
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | object;
  /** The latest failure's. */
  readonly reason: string;
  readonly status?: number;
  readonly code?: string;
  readonly permanent: boolean;
  /** Attempts in all, the original delivery's and every replay's. */
  readonly attempts: number;
  readonly replays: number;
  readonly lastFailedAt: number;
}

export interface DeadLetterPage {
  /** Letters stored in all, for paging. */
  readonly total: number;
  readonly letters: readonly DeadLetterView[];
}

export interface DeadLetterStoreOptions {
  readonly maxLetters?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** No letter with this id (never was, replayed, removed, or trimmed). */
export class DeadLetterNotFound extends Error {
  override readonly name = 'DeadLetterNotFound';
  constructor(readonly id: string) {
    super(`no dead letter ${id}`);
  }
}

/** Another replay of this letter is under way; a second one would send the request twice. */
export class DeadLetterBusy extends Error {
  override readonly name = 'DeadLetterBusy';
  constructor(readonly id: string) {
    super(`dead letter ${id} is being replayed`);
  }
}

interface StoredLetter {
  readonly view: DeadLetterView;
  readonly request: OutboundRequest;
}

// Stores the letter, indexes it, and deletes the oldest letters beyond the bound; returns how many.
const ADD_LETTER = `
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess <= 0 then return 0 end
local oldest = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
for _, id in ipairs(oldest) do redis.call('DEL', ARGV[4] .. id) end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
return excess`;

// Only a letter that still exists is updated: one removed or trimmed during its replay stays gone.
// Once per replay (ARGV[7], the replay's lock token): a re-sent copy adds no attempts.
const RECORD_FAILURE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'lastReplay') == ARGV[7] then return 0 end
redis.call('HSET', KEYS[1], 'lastReplay', ARGV[7])
redis.call('HINCRBY', KEYS[1], 'attempts', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'replays', 1)
redis.call('HSET', KEYS[1], 'reason', ARGV[2], 'status', ARGV[3], 'code', ARGV[4], 'permanent', ARGV[5], 'lastFailedAt', ARGV[6])
return 1`;

// Free, or already the caller's (a re-sent acquire): taken. Another replay's: busy.
const ACQUIRE_LOCK = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

function wholeNumber(value: number, fallback: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(Math.max(Math.floor(value), min), max);
}

function optionalNumber(text: string | undefined): number | undefined {
  return text ? Number(text) : undefined;
}

export class DeadLetterStore {
  private readonly maxLetters: number;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: DeadLetterStoreOptions = {},
  ) {
    this.maxLetters = options.maxLetters ?? DEFAULT_MAX_DEAD_LETTERS;
    if (!Number.isInteger(this.maxLetters) || this.maxLetters < 1) throw new RangeError(`maxLetters must be a whole number ≥ 1, got ${this.maxLetters}`);
    this.now = options.now ?? Date.now;
    this.logger = (options.logger ?? createLogger({ silent: true })).child({ component: 'dead-letters' });
  }

  private letterKey(id: string): string {
    return `${this.prefix}:dead-letter:${id}`;
  }

  private get indexKey(): string {
    return `${this.prefix}:dead-letters`;
  }

  /** Stores the request `failure` gave up on; returns the letter's id. */
  async add(failure: FailureSummary, request: OutboundRequest): Promise<string> {
    const id = randomUUID();
    const createdAt = this.now();
    const body =
      request.body === undefined
        ? { bodyType: 'none', body: '' }
        : typeof request.body === 'string'
          ? { bodyType: 'text', body: request.body }
          : { bodyType: 'json', body: JSON.stringify(request.body) };
    const fields: Record<string, string> = {
      id,
      createdAt: String(createdAt),
      lastFailedAt: String(createdAt),
      description: request.description,
      method: request.method,
      url: request.url,
      headers: JSON.stringify(request.headers ?? {}),
      ...body,
      timeoutMs: request.timeoutMs === undefined ? '' : String(request.timeoutMs),
      reason: failure.reason,
      status: failure.status === undefined ? '' : String(failure.status),
      code: failure.code ?? '',
      permanent: failure.permanent ? '1' : '0',
      attempts: String(failure.attempts),
      replays: '0',
    };
    const trimmed = (await this.redis.eval(
      ADD_LETTER,
      2,
      this.letterKey(id),
      this.indexKey,
      String(createdAt),
      id,
      String(this.maxLetters),
      this.letterKey(''),
      ...Object.entries(fields).flat(),
    )) as number;
    if (trimmed > 0) this.logger.warn('dead-letter list full, dropped the oldest', { dropped: trimmed, maxLetters: this.maxLetters });
    return id;
  }

  /** Newest first. `limit` defaults to 50 and is capped at 1000. */
  async list(options: { readonly limit?: number; readonly offset?: number } = {}): Promise<DeadLetterPage> {
    const limit = wholeNumber(options.limit ?? DEFAULT_LIST_LIMIT, DEFAULT_LIST_LIMIT, 0, MAX_LIST_LIMIT);
    const offset = wholeNumber(options.offset ?? 0, 0, 0, Number.MAX_SAFE_INTEGER);
    const total = await this.redis.zcard(this.indexKey);
    // ZREVRANGE with stop = offset - 1 would read "to the end" when limit is 0.
    if (limit === 0) return { total, letters: [] };
    const ids = await this.redis.zrevrange(this.indexKey, offset, offset + limit - 1);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.letterKey(id));
    const results = (await pipeline.exec()) ?? [];
    const letters: DeadLetterView[] = [];
    for (const [error, hash] of results) {
      if (error) throw error;
      // A letter removed or replayed between the two reads comes back empty and is skipped.
      const letter = this.parse(hash as Record<string, string>);
      if (letter) letters.push(letter.view);
    }
    return { total, letters };
  }

  /** The letter, redacted, or undefined. */
  async get(id: string): Promise<DeadLetterView | undefined> {
    return (await this.load(id))?.view;
  }

  /** Deletes the letter; says whether there was one. */
  async remove(id: string): Promise<boolean> {
    const results = await this.redis.multi().del(this.letterKey(id)).zrem(this.indexKey, id).exec();
    return (results?.[0]?.[1] as number | undefined) === 1;
  }

  /**
   * Sends the stored request again (with `http`'s retries). Delivered: the letter is removed and
   * the response returned. Not delivered: the letter stays, with the attempts added and the new
   * reason, and the `DeliveryFailure` is rethrown. Throws `DeadLetterNotFound` for an unknown id
   * and `DeadLetterBusy` while another replay of the same letter runs.
   */
  async replay<T = unknown>(id: string, http: OutboundHttp): Promise<OutboundResponse<T>> {
    const lockKey = `${this.letterKey(id)}:replaying`;
    const token = randomUUID();
    if ((await this.redis.eval(ACQUIRE_LOCK, 1, lockKey, token, REPLAY_LOCK_MS)) !== 1) throw new DeadLetterBusy(id);
    try {
      const letter = await this.load(id);
      if (!letter) throw new DeadLetterNotFound(id);
      const log = { id, description: letter.view.description, target: logTarget(letter.request.url) };
      let response: OutboundResponse<T>;
      try {
        response = await http.send<T>(letter.request);
      } catch (error) {
        if (error instanceof DeliveryFailure) {
          await this.recordFailure(id, error, token);
          this.logger.warn('replay failed, letter kept', { ...log, reason: error.reason, attempts: error.attempts });
        }
        throw error;
      }
      await this.remove(id);
      this.logger.info('replayed dead letter', { ...log, status: response.status, attempts: response.attempts });
      return response;
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lockKey, token);
    }
  }

  private async recordFailure(id: string, failure: DeliveryFailure, replay: string): Promise<void> {
    await this.redis.eval(
      RECORD_FAILURE,
      1,
      this.letterKey(id),
      String(failure.attempts),
      failure.reason,
      failure.status === undefined ? '' : String(failure.status),
      failure.code ?? '',
      failure.permanent ? '1' : '0',
      String(this.now()),
      replay,
    );
  }

  private async load(id: string): Promise<StoredLetter | undefined> {
    return this.parse(await this.redis.hgetall(this.letterKey(id)));
  }

  private parse(hash: Record<string, string>): StoredLetter | undefined {
    if (!hash.id) return undefined;
    const headers = JSON.parse(hash.headers ?? '{}') as Record<string, string>;
    const body = hash.bodyType === 'json' ? (JSON.parse(hash.body ?? 'null') as object) : hash.bodyType === 'text' ? (hash.body ?? '') : undefined;
    const method = (hash.method ?? 'POST') as HttpMethod;
    const url = hash.url ?? '';
    const description = hash.description ?? '';
    const request: OutboundRequest = { url, method, headers, body, description, timeoutMs: optionalNumber(hash.timeoutMs) };
    const createdAt = Number(hash.createdAt);
    return {
      request,
      view: {
        id: hash.id,
        createdAt,
        description,
        method,
        url: redactUrl(url),
        headers: redactHeaders(headers),
        body,
        reason: hash.reason ?? '',
        status: optionalNumber(hash.status),
        code: hash.code || undefined,
        permanent: hash.permanent === '1',
        attempts: Number(hash.attempts ?? 0),
        replays: Number(hash.replays ?? 0),
        lastFailedAt: Number(hash.lastFailedAt ?? createdAt),
      },
    };
  }
}
