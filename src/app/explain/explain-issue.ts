/**
 * An issue's deadline explanation from what the bridge keeps in Redis: its event log, the
 * notification labels its timers marked sent, and its journal (messages and write-backs), run
 * through the pure explanation (src/domain/deadline-explanation.ts) at `now`. The API and
 * `sla-bridge explain` both call this.
 */
import type { Channel } from '../../config/channel.js';
import type { Contract } from '../../domain/contract.js';
import { explainDeadlines, type ChannelRoute, type Explanation } from '../../domain/deadline-explanation.js';
import { METRICS, type Metric } from '../../domain/metric.js';
import { IssueJournal } from '../store/issue-journal.js';
import type { IssueStore } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';

export interface ExplainParts {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly store: IssueStore;
  readonly contracts: () => Iterable<Contract>;
  readonly channels: () => ReadonlyMap<string, Channel>;
  readonly fallbackChannel: () => Channel;
}

const route = (channel: Channel): ChannelRoute => ({ id: channel.id, kind: channel.kind, quietHours: channel.quietHours });

/** Where a contract's warnings and breaches go, as the notifier routes them (../jobs/notify.ts). */
function routesOf(parts: ExplainParts) {
  return (contract: Contract) => {
    const pick = (ids: readonly string[] | undefined) => {
      const found = (ids ?? []).flatMap((id) => parts.channels().get(id) ?? []);
      return (found.length > 0 ? found : [parts.fallbackChannel()]).map(route);
    };
    return { warnings: pick(contract.notify?.warnings), breaches: pick(contract.notify?.breaches) };
  };
}

/** The labels the timers marked sent, per metric (the set SlaTimers keeps: ../jobs/sla-timers.ts). */
async function sentLabels(redis: RedisClient, prefix: string, source: string, issueId: string): Promise<Partial<Record<Metric, string[]>>> {
  const sent: Partial<Record<Metric, string[]>> = {};
  for (const metric of METRICS) {
    const labels = await redis.smembers(`${prefix}:issue:${source}:${issueId}:sent:${metric}`);
    if (labels.length > 0) sent[metric] = labels;
  }
  return sent;
}

/** Undefined when the bridge has never heard of the issue. */
export async function explainIssue(parts: ExplainParts, source: string, keyOrId: string, now: number): Promise<Explanation | undefined> {
  const issueId = await parts.store.resolveIssueId(source, keyOrId);
  if (!issueId) return undefined;
  const { events, issue } = await parts.store.loadLogAndRef(source, issueId);
  if (events.length === 0) return undefined;
  const [sent, journal] = await Promise.all([sentLabels(parts.redis, parts.prefix, source, issueId), new IssueJournal(parts.redis, parts.prefix).list(source, issueId)]);
  return explainDeadlines({ source, key: issue.key, events, contracts: parts.contracts(), now, sent, journal, routes: routesOf(parts) });
}
