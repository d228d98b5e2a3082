/**
 * SEQUENCE, CREATED and LAST-MODIFIED of each feed event, kept in Redis per issue, so that a
 * client sees an event change exactly when its content changes (a moved deadline, a new warning
 * instant, a new title) and not whenever the state is recomputed. Shared by every feed the issue
 * appears in, so its contract feed and its assignee's feed agree.
 *
 * Each issue's record is one hash (field: metric, value: fingerprint, sequence, created, modified),
 * bumped in one script, so two clients fetching at once cannot both count a change. It expires a
 * while after the issue last appeared in a feed: a closed issue's revisions do not stay forever.
 */
import type { RedisClient } from '../store/redis-connection.js';
import type { DeadlineEvent } from './deadline-events.js';
import { eventFingerprint, type EventRevision } from './feed-calendar.js';

const KEEP_SECONDS = 400 * 86_400;

// KEYS[1]: the issue's hash. ARGV[1]: now (ms), ARGV[2]: TTL (s), then pairs of field and fingerprint.
// Returns sequence, created, modified per pair. Timestamps pass through as strings: Lua's numbers
// would print large ones in exponent form.
const BUMP_REVISIONS = `
local out = {}
for i = 3, #ARGV, 2 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  local fp, seq, created, modified
  if old then fp, seq, created, modified = string.match(old, '^(%S+) (%d+) (%d+) (%d+)$') end
  if not fp then
    seq, created, modified = '0', ARGV[1], ARGV[1]
  elseif fp ~= ARGV[i + 1] then
    seq, modified = tostring(tonumber(seq) + 1), ARGV[1]
  end
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ' ' .. seq .. ' ' .. created .. ' ' .. modified)
  out[#out + 1] = seq
  out[#out + 1] = created
  out[#out + 1] = modified
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return out`;

type WithScript = RedisClient & { slaIcalRevisions(key: string, ...args: (string | number)[]): Promise<string[]> };

export class FeedRevisions {
  private readonly redis: WithScript;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    if (!('slaIcalRevisions' in redis)) redis.defineCommand('slaIcalRevisions', { numberOfKeys: 1, lua: BUMP_REVISIONS });
    this.redis = redis as WithScript;
  }

  private key(source: string, issueId: string): string {
    return `${this.prefix}:ical-revisions:${encodeURIComponent(source)}:${encodeURIComponent(issueId)}`;
  }

  /** The revision of every event, bumped where its content differs from what was served before. */
  async revise(events: readonly DeadlineEvent[], now: number): Promise<Map<string, EventRevision>> {
    const byIssue = new Map<string, DeadlineEvent[]>();
    for (const event of events) {
      const key = this.key(event.source, event.issueId);
      byIssue.set(key, [...(byIssue.get(key) ?? []), event]);
    }
    const revisions = new Map<string, EventRevision>();
    await Promise.all(
      [...byIssue].map(async ([key, issueEvents]) => {
        const answer = await this.redis.slaIcalRevisions(key, Math.floor(now), KEEP_SECONDS, ...issueEvents.flatMap((event) => [event.metric, eventFingerprint(event)]));
        issueEvents.forEach((event, index) => {
          const [sequence, createdAt, modifiedAt] = answer.slice(index * 3, index * 3 + 3).map(Number);
          revisions.set(event.uid, { sequence: sequence!, createdAt: createdAt!, modifiedAt: modifiedAt! });
        });
      }),
    );
    return revisions;
  }
}
