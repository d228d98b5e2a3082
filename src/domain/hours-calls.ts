/**
 * An issue's calls on an hours card: one call per issue (all time booked on it), or one per time
 * record when the contract says so. Whether they go on the card or are included in the tier
 * follows the issue's labels and component as they stand now.
 */
import { approvalOf } from './hours-approval.js';
import { workKindOf, type HoursCard } from './hours-card.js';
import type { HoursCall } from './hours-ledger.js';
import type { IssueEvent } from './issue-event.js';
import { applyFacts, chosenCreated, initialFacts } from './issue-facts.js';
import { inEventOrder } from './issue-event.js';
import { currentTimeRecords } from './time-record.js';

export interface CallIssue {
  readonly source: string;
  readonly id: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
}

export function callsOfIssue(card: HoursCard, issue: CallIssue, events: readonly IssueEvent[]): HoursCall[] {
  const records = currentTimeRecords(events);
  if (records.length === 0) return [];
  const ordered = inEventOrder(events);
  const created = chosenCreated(ordered);
  const facts = created ? initialFacts(created) : undefined;
  if (facts) for (const event of ordered) if (event.type !== 'created') applyFacts(facts, event);
  const kind = workKindOf(card, { labels: facts?.labels ?? [], component: facts?.component });
  const approval = card.approval ? approvalOf(card.approval, events) : undefined;
  const base = {
    source: issue.source,
    issueId: issue.id,
    issueKey: issue.key,
    title: issue.title,
    url: issue.url,
    kind,
    labels: [...(facts?.labels ?? [])],
    ...(facts?.component ? { component: facts.component } : {}),
    ...(approval ? { approval } : {}),
  };
  const byAuthor = (list: typeof records) => {
    const sums: Record<string, number> = {};
    for (const record of list) {
      const who = record.author ?? '(unknown)';
      sums[who] = (sums[who] ?? 0) + record.seconds;
    }
    return sums;
  };
  if (card.call === 'time_record') {
    return records.map((record) => ({ ...base, id: `${issue.source}:${issue.id}#${record.recordId}`, at: record.at, rawSeconds: record.seconds, byAuthor: byAuthor([record]) }));
  }
  return [{ ...base, id: `${issue.source}:${issue.id}`, at: records[0]!.at, rawSeconds: records.reduce((sum, record) => sum + record.seconds, 0), byAuthor: byAuthor(records) }];
}

/** The calls as the card in force sorts them: `work` rules changed by a reload apply at once. */
export function sortedByCard(card: HoursCard, calls: readonly HoursCall[]): HoursCall[] {
  return calls.map((call) => (call.labels ? { ...call, kind: workKindOf(card, { labels: call.labels, component: call.component }) } : call));
}
