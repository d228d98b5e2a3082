/**
 * Per issue, what the bridge did about it (src/domain/issue-journal.ts): a Redis list of the
 * latest records, newest last, cut to `JOURNAL_LENGTH` at every append so it stays small. A record
 * appended twice (a retried job) shows twice; the explanation says what happened, not a count.
 */
import { journalRecordSchema, type JournalRecord } from '../../domain/issue-journal.js';
import type { RedisClient } from './redis-connection.js';

/** Enough for every warning, breach, repeat and write-back of a long-lived issue. */
export const JOURNAL_LENGTH = 200;

// Append and cut in one script: a MULTI costs ioredis a copy of every script defined on the
// connection (a hundred and more with BullMQ's), at every chat message sent (perf).
const APPEND = `redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return 1`;
const APPEND_COMMAND = 'slaJournalAppend';
type Appender = { [APPEND_COMMAND]: (key: string, record: string, length: string) => Promise<number> };

export class IssueJournal {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!(APPEND_COMMAND in redis)) redis.defineCommand(APPEND_COMMAND, { numberOfKeys: 1, lua: APPEND });
  }

  private key(source: string, issueId: string): string {
    return `${this.prefix}:issue:${source}:${issueId}:journal`;
  }

  async append(source: string, issueId: string, record: JournalRecord): Promise<void> {
    const key = this.key(source, issueId);
    await (this.redis as unknown as Appender)[APPEND_COMMAND](key, JSON.stringify(journalRecordSchema.parse(record)), String(JOURNAL_LENGTH));
  }

  /** An imported issue's records, where it has none yet (the import writes an issue only once). */
  async restore(source: string, issueId: string, records: readonly JournalRecord[]): Promise<void> {
    const key = this.key(source, issueId);
    if (records.length === 0 || (await this.redis.exists(key)) === 1) return;
    await this.redis.rpush(key, ...records.map((record) => JSON.stringify(record)));
  }

  /** The records, oldest first; one that no longer parses (written by another version) is left out. */
  async list(source: string, issueId: string): Promise<JournalRecord[]> {
    const texts = await this.redis.lrange(this.key(source, issueId), 0, -1);
    return texts.flatMap((text) => {
      try {
        const parsed = journalRecordSchema.safeParse(JSON.parse(text));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}

/** Appends without failing the job that did the work: the record is an explanation, the work is done. */
export async function journalQuietly(journal: IssueJournal | undefined, source: string, issueId: string, record: JournalRecord, onError: (error: Error) => void): Promise<void> {
  if (!journal) return;
  try {
    await journal.append(source, issueId, record);
  } catch (error) {
    onError(error as Error);
  }
}
