/**
 * Reconciliation's one question: which of the events a tracker's REST API tells does the bridge
 * not have yet? The webhook path and the REST path describe the same facts with slightly different
 * times (Jira stamps a webhook when it is raised, its changelog when the change is saved; MantisBT's
 * history keeps seconds), so an event counts as known when the log holds the same fact within
 * `toleranceMs`. Each known event stands for one told event only: a status that went X, Y, X, Y
 * with the last webhook lost still misses its last Y.
 */
import { trackerTime } from './clock-skew.js';
import type { IssueEvent } from './issue-event.js';

export const MATCH_TOLERANCE_MS = 60_000;

/**
 * The event without its time: what must be equal for two events to be the same fact. Labels are a
 * set (trackers list them in their own order, which the clock never reads).
 */
function fact(event: IssueEvent): string {
  // Who reported, wrote or changed it only webhooks tell (authorized contacts, sign-off): not part of the fact.
  const { at: _at, stampedAt: _stampedAt, reporter: _reporter, author: _author, keywords: _keywords, toAgent: _toAgent, byAgent: _byAgent, ...rest } = event as IssueEvent & {
    reporter?: unknown;
    author?: unknown;
    keywords?: unknown;
    toAgent?: unknown;
    byAgent?: unknown;
  };
  const labels = 'labels' in rest ? { labels: [...(rest.labels as string[])].sort() } : {};
  return JSON.stringify({ ...rest, ...labels }, Object.keys(rest).sort());
}


/**
 * Creation is one fact per issue whatever fields it carries: a real `created` is missed only when
 * the log has none (a synthetic one stands in until the real one arrives); a synthetic one only
 * when the log has no `created` at all.
 */
function creationMissed(known: readonly IssueEvent[], told: IssueEvent & { type: 'created' }): boolean {
  return !known.some((event) => event.type === 'created' && (told.synthetic || !event.synthetic));
}

/** The told events the known log does not hold, in the order they were told. */
export function missedEvents(known: readonly IssueEvent[], told: readonly IssueEvent[], toleranceMs = MATCH_TOLERANCE_MS): IssueEvent[] {
  const unmatched = new Map<string, IssueEvent[]>();
  for (const event of known) {
    if (event.type === 'created') continue;
    const key = fact(event);
    const twins = unmatched.get(key);
    if (twins) twins.push(event);
    else unmatched.set(key, [event]);
  }
  // Known events by the tracker's stamp, which is what its API tells again: an event the bridge
  // took as happening on arrival (its stamp was in the bridge's future) is still the same fact.
  for (const twins of unmatched.values()) twins.sort((a, b) => trackerTime(a) - trackerTime(b));
  const missed = new Set<number>();
  // Told events oldest first, each taking the earliest twin in its window: with windows of one
  // width that pairs as many as any pairing can, so a second run over its own result adds nothing.
  const oldestFirst = told.map((event, index) => ({ event, index })).sort((a, b) => a.event.at - b.event.at || a.index - b.index);
  for (const { event, index } of oldestFirst) {
    if (event.type === 'created') {
      if (creationMissed(known, event)) missed.add(index);
      continue;
    }
    const twins = unmatched.get(fact(event)) ?? [];
    // Twins too old for this event are too old for every later one.
    while (twins.length > 0 && trackerTime(twins[0]!) < event.at - toleranceMs) twins.shift();
    if (twins.length > 0 && trackerTime(twins[0]!) <= event.at + toleranceMs) twins.shift();
    else missed.add(index);
  }
  return told.filter((_, index) => missed.has(index));
}
