/**
 * The hours cards' state in Redis, under the bridge's prefix: per contract the calls of its
 * issues (`hours:<contract>:calls`, one field per issue holding its calls as JSON), which issue
 * counts for which contract (`hours:issue-contract`, so a call moves with its issue), and the
 * warnings already handed over (`hours:<contract>:warned`). The balance is always computed from the
 * calls and the contract's purchases, never kept as a running number that could drift.
 */
import { sortedByCard } from '../../domain/hours-calls.js';
import type { HoursCard } from '../../domain/hours-card.js';
import type { HoursCall } from '../../domain/hours-ledger.js';
import type { RedisClient } from '../store/redis-connection.js';

export class HoursStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private callsKey(contract: string): string {
    return `${this.prefix}:hours:${contract}:calls`;
  }

  private warnedKey(contract: string): string {
    return `${this.prefix}:hours:${contract}:warned`;
  }

  /** Where the contract an issue's calls are filed under is kept (hash key and field), for a caller that reads it with other things. */
  filedAt(source: string, issueId: string): readonly [string, string] {
    return [this.indexKey, `${source}:${issueId}`];
  }

  private get indexKey(): string {
    return `${this.prefix}:hours:issue-contract`;
  }

  /**
   * Files the issue's calls under `contract` (none: under no contract), taking them off the
   * contract it counted for before.
   */
  async saveIssueCalls(source: string, issueId: string, contract: string | undefined, calls: readonly HoursCall[], filedUnder?: string | null): Promise<void> {
    const field = `${source}:${issueId}`;
    // `filedUnder`: the index's field as the caller read it under the issue's lock (`filedAt`), one round trip fewer.
    const before = filedUnder === undefined ? await this.redis.hget(this.indexKey, field) : filedUnder;
    // Nothing filed before and nothing to file (a contract without a card, every timer of most
    // issues): no MULTI, which ioredis builds at a cost (the scripts copied into it).
    if (!before && !(contract && calls.length > 0)) return;
    const multi = this.redis.multi();
    if (before && before !== contract) multi.hdel(this.callsKey(before), field);
    if (contract && calls.length > 0) {
      multi.hset(this.callsKey(contract), field, JSON.stringify(calls));
      multi.hset(this.indexKey, field, contract);
    } else {
      if (contract) multi.hdel(this.callsKey(contract), field);
      multi.hdel(this.indexKey, field);
    }
    await multi.exec();
  }

  /** With `card`, each call sorted into card or included work by the card in force (`sortedByCard`). */
  async loadCalls(contract: string, card?: HoursCard): Promise<HoursCall[]> {
    const all = await this.redis.hgetall(this.callsKey(contract));
    const calls = Object.keys(all)
      .sort()
      .flatMap((field) => JSON.parse(all[field]!) as HoursCall[]);
    return card ? sortedByCard(card, calls) : calls;
  }

  async wasWarned(contract: string, warningId: string): Promise<boolean> {
    return (await this.redis.sismember(this.warnedKey(contract), warningId)) === 1;
  }

  async markWarned(contract: string, warningId: string): Promise<void> {
    await this.redis.sadd(this.warnedKey(contract), warningId);
  }

  async warned(contract: string): Promise<string[]> {
    return (await this.redis.smembers(this.warnedKey(contract))).sort();
  }
}
