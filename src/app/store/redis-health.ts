/**
 * Whether Redis can take the bridge's writes, said once when it changes. Redis refuses writes, and
 * PING with them, when it cannot persist: `-MISCONF Errors writing to the AOF file: No space left
 * on device` (a full or read-only disk under append-only persistence), or `-MISCONF ... unable to
 * persist to disk` (an RDB snapshot failed and `stop-writes-on-bgsave-error` is on). Reads still
 * work, and Redis takes writes again by itself once it can write: it retries the AOF every second,
 * a failed snapshot 5 s later if changes are pending (else at the next BGSAVE).
 *
 * Meanwhile every component fails on its own (a webhook is answered 503, each BullMQ worker's loop
 * errors ten times a second): they report the error here instead of logging it, and this logs one
 * line when Redis stops taking writes, saying why, and one when it takes them again.
 */
import type { Logger } from '../logger.js';
import { withTimeout, type RedisClient } from './redis-connection.js';

export type RedisCondition =
  | { readonly state: 'ok' }
  /** Redis answers but refuses writes (MISCONF; READONLY from a replica). */
  | { readonly state: 'cannot-write'; readonly reason: string }
  | { readonly state: 'unreachable'; readonly reason: string };

const CHECK_EVERY_MS = 2_000;
const PING_TIMEOUT_MS = 1_000;

/** Errors that mean Redis is away or cannot connect, whoever raised them (ioredis, the bridge's timeouts). */
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection is closed|Stream isn't writeable|enableOfflineQueue|took longer than|max retries per request|LOADING|CLUSTERDOWN|MASTERDOWN/i;

/** What an error says about Redis: a refusal to write, Redis away, or nothing about Redis (undefined). */
export function redisCondition(error: unknown): RedisCondition | undefined {
  const message = error instanceof Error ? error.message : String(error);
  // MISCONF messages run on (RDB: three more sentences; scripts: "script: <sha>, on @user_script:1."): the first says it.
  if (/^(ERR )?MISCONF /.test(message)) return { state: 'cannot-write', reason: firstSentence(message.replace(/^ERR /, '')) };
  if (/^READONLY /.test(message)) return { state: 'cannot-write', reason: firstSentence(message) };
  if (UNREACHABLE.test(message)) return { state: 'unreachable', reason: message };
  return undefined;
}

/** The first sentence, without its full stop, so that it reads well inside a line. */
function firstSentence(message: string): string {
  const scriptless = message.replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.$/, '');
  const end = scriptless.search(/\.(\s|$)/);
  return end === -1 ? scriptless : scriptless.slice(0, end);
}

export class RedisHealth {
  private current: RedisCondition = { state: 'ok' };
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<RedisCondition> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly logger: Logger,
    private readonly everyMs = CHECK_EVERY_MS,
  ) {}

  /** The bridge checked Redis when it started: it is ok until a check says otherwise. */
  start(): void {
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get condition(): RedisCondition {
    return this.current;
  }

  /** PINGs Redis (which answers MISCONF while it cannot write) and records what it says; one check at a time. */
  check(): Promise<RedisCondition> {
    this.checking ??= this.ping().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /**
   * A component's failed Redis call: when it says Redis cannot write or is away, Redis is checked
   * at once (so the line comes now, not at the next check) and the caller need not log it.
   */
  report(error: unknown): boolean {
    if (!redisCondition(error)) return false;
    void this.check();
    return true;
  }

  private async ping(): Promise<RedisCondition> {
    let next: RedisCondition;
    try {
      const answer = await withTimeout(this.redis.ping(), PING_TIMEOUT_MS, 'a Redis PING');
      next = answer === 'PONG' ? { state: 'ok' } : { state: 'unreachable', reason: `PING answered ${answer}` };
    } catch (error) {
      next = redisCondition(error) ?? { state: 'unreachable', reason: (error as Error).message };
    }
    this.record(next);
    return next;
  }

  private record(next: RedisCondition): void {
    const previous = this.current;
    this.current = next;
    if (next.state === previous.state && (next.state === 'ok' || (previous.state !== 'ok' && next.reason === previous.reason))) return;
    const log = this.logger.child({ component: 'redis' });
    const reason = next.state === 'ok' ? '' : next.reason.replace(/\.$/, '');
    if (next.state === 'cannot-write') log.error(`Redis refuses writes: ${reason}; webhooks are answered 503 and jobs wait until it can write again`);
    else if (next.state === 'unreachable') log.error(`Redis unreachable: ${reason}; webhooks are answered 503 and jobs wait until it is back`);
    else log.info(`Redis takes writes again (it was ${previous.state === 'cannot-write' ? 'refusing writes' : 'unreachable'})`);
  }
}
