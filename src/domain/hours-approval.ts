/**
 * Whether the customer approved the hours booked on an issue, as the contract says approval shows
 * in the tracker: the issue moved into one of the approval statuses, given one of the approval
 * labels, a custom field set to one of the approving values (a Jira select "Approved", a MantisBT
 * checkbox "Yes"), or a comment by its reporter holding the keyword, after the last change of its booked
 * time (the webhook path marks which keywords a comment holds, ../../connectors/shared/acceptance-marks.ts). Time booked after an approval waits for
 * approval again, from that booking on: an issue left in the approval status approves nothing new.
 */
import { samePerson } from './contacts-rule.js';
import type { Contract } from './contract.js';
import type { ApprovalRule } from './hours-card.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import { applyFacts, chosenCreated, initialFacts, type IssueFacts } from './issue-facts.js';

export type Approval = { readonly state: 'approved'; readonly at: number } | { readonly state: 'pending'; readonly since: number };

/** The state an approval by status or label is read from; a note approves as an event (`approvedBy`). */
function approves(rule: ApprovalRule, facts: IssueFacts): boolean {
  if (rule.by === 'reporter_note') return false;
  if (rule.by === 'status') return rule.statuses.some((status) => status.toLowerCase() === facts.status.toLowerCase());
  if (rule.by === 'field') return fieldHolds(facts.fields[rule.field], rule.values);
  const labels = new Set(facts.labels.map((label) => label.toLowerCase()));
  return rule.labels.some((label) => labels.has(label.toLowerCase()));
}

/** A field of several values (`a|b`, a multi-select or MantisBT checkboxes) approves when one of them does. */
function fieldHolds(text: string | null | undefined, values: readonly string[]): boolean {
  const held = new Set((text ?? '').split('|').map((value) => value.trim().toLowerCase()));
  return values.some((value) => held.has(value));
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
    if (since === undefined || approvedAt !== undefined) continue;
    const noted = rule.by === 'reporter_note' && event.type === 'commented' && (event.keywords ?? []).includes(rule.keyword) && samePerson(event.author, created.reporter);
    if (noted || (!before && approves(rule, facts))) approvedAt = event.at;
  }
  if (since === undefined) return undefined;
  return approvedAt !== undefined ? { state: 'approved', at: approvedAt } : { state: 'pending', since };
}

/** Every keyword an approval by note may use, lower-cased: looked for in comments on the webhook path. */
export function approvalKeywords(contracts: Iterable<Contract>): string[] {
  const keywords = new Set<string>();
  for (const contract of contracts) if (contract.hours?.approval?.by === 'reporter_note') keywords.add(contract.hours.approval.keyword);
  return [...keywords];
}
