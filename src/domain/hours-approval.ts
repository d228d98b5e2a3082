/**
 * Whether the customer approved the hours booked on an issue, as the contract says approval shows
 * in the tracker: the issue moved into one of the approval statuses, or given one of the approval
 * labels, after the last change of its booked time. Time booked after an approval waits for
 * approval again, from that booking on: an issue left in the approval status approves nothing new.
 */
import type { ApprovalRule } from './hours-card.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import { applyFacts, chosenCreated, initialFacts, type IssueFacts } from './sla-clock.js';

export type Approval = { readonly state: 'approved'; readonly at: number } | { readonly state: 'pending'; readonly since: number };

function approves(rule: ApprovalRule, facts: IssueFacts): boolean {
  if (rule.by === 'status') return rule.statuses.some((status) => status.toLowerCase() === facts.status.toLowerCase());
  const labels = new Set(facts.labels.map((label) => label.toLowerCase()));
  return rule.labels.some((label) => labels.has(label.toLowerCase()));
}

/** Undefined when no time is booked on the issue. */
export function approvalOf(rule: ApprovalRule, events: readonly IssueEvent[]): Approval | undefined {
  const ordered = inEventOrder(events);
  const created = chosenCreated(ordered);
  if (!created) return undefined;
  const facts = initialFacts(created);
  let since: number | undefined;
  let approvedAt: number | undefined;
  for (const event of ordered) {
    if (event.type === 'created') continue;
    const before = approves(rule, facts);
    applyFacts(facts, event);
    if (event.type === 'time_logged') {
      since = event.at;
      approvedAt = undefined;
      continue;
    }
    if (since !== undefined && approvedAt === undefined && !before && approves(rule, facts)) approvedAt = event.at;
  }
  if (since === undefined) return undefined;
  return approvedAt !== undefined ? { state: 'approved', at: approvedAt } : { state: 'pending', since };
}
