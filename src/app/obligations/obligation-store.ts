/**
 * What the bridge keeps of recurring obligations in Redis: per (contract, obligation) a hash from
 * period key to the issue opened for it, and a short-lived claim per period that only one worker
 * at a time may hold while it looks for or opens that period's issue.
 */
import { z } from 'zod';
import { rememberMark } from '../store/contract-marks.js';
import type { RedisClient } from '../store/redis-connection.js';

export const openedObligationSchema = z.strictObject({
  contract: z.string(),
  obligation: z.string(),
  period: z.strictObject({ key: z.string(), start: z.number(), end: z.number(), opensAt: z.number(), dueAt: z.number() }),
  source: z.string(),
  issue: z.strictObject({ id: z.string(), key: z.string(), title: z.string().optional(), url: z.string().optional() }),
  openedAt: z.number(),
  /** Found in the tracker by its marker (opened by an earlier attempt) rather than opened now. */
  found: z.boolean(),
});
export type OpenedObligation = z.infer<typeof openedObligationSchema>;

// Deletes the claim only when it is still the holder's: one that expired and was taken by another
// worker stays that worker's.
const RELEASE_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class ObligationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(contract: string, obligation: string): string {
    return `${this.prefix}:obligations:${contract}:${obligation}`;
  }

  private claimKey(contract: string, obligation: string, period: string): string {
    return `${this.prefix}:obligation-claim:${contract}:${obligation}:${period}`;
  }

  async opened(contract: string, obligation: string, period: string): Promise<OpenedObligation | undefined> {
    const text = await this.redis.hget(this.key(contract, obligation), period);
    return text ? openedObligationSchema.parse(JSON.parse(text)) : undefined;
  }

  /** Every period opened, by period key. */
  async all(contract: string, obligation: string): Promise<Map<string, OpenedObligation>> {
    const entries = await this.redis.hgetall(this.key(contract, obligation));
    return new Map(Object.entries(entries).map(([period, text]) => [period, openedObligationSchema.parse(JSON.parse(text))]));
  }

  async record(opened: OpenedObligation): Promise<void> {
    const key = this.key(opened.contract, opened.obligation);
    await this.redis.hset(key, opened.period.key, JSON.stringify(opened));
    await rememberMark(this.redis, this.prefix, key);
  }

  private toldKey(contract: string, obligation: string, period: string, check: string): string {
    return `${this.prefix}:obligation-told:${contract}:${obligation}:${period}:${check}`;
  }

  /** Whether a period's check has told the channels already. */
  async told(contract: string, obligation: string, period: string, check: string): Promise<boolean> {
    return (await this.redis.exists(this.toldKey(contract, obligation, period, check))) === 1;
  }

  async markTold(contract: string, obligation: string, period: string, check: string, ttlMs: number): Promise<void> {
    const key = this.toldKey(contract, obligation, period, check);
    await this.redis.set(key, '1', 'PX', Math.max(1, Math.round(ttlMs)));
    await rememberMark(this.redis, this.prefix, key);
  }

  /** SET NX with an expiry: a worker that dies holding it blocks the period only until then. */
  async claim(contract: string, obligation: string, period: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.claimKey(contract, obligation, period), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(contract: string, obligation: string, period: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE_CLAIM, 1, this.claimKey(contract, obligation, period), token);
  }
}
