/**
 * A contract's recurring obligation: work the provider owes every period whether or not anyone
 * reports anything (Mega Bite's quarterly preventive maintenance, reading the backup logs every
 * working day). The bridge opens an issue for each period in the customer's tracker and the
 * report says whether it was done by the period's end.
 */
import type { BusinessCalendar, Instant } from './business-calendar.js';
import { applyFacts, type IssueFacts } from './issue-facts.js';
import { inEventOrder, type IssueEvent } from './issue-event.js';
import type { ObligationEvery, ObligationPeriod } from './obligation-period.js';

export interface Obligation {
  readonly id: string;
  readonly title: string;
  readonly every: ObligationEvery;
  /** Which days count and when a period opens and ends: the obligation's own, else the contract's. */
  readonly calendar: BusinessCalendar;
  /** Where the issue is opened: a source id and the tracker's project (Jira key, Gitea/GitHub `owner/repo`, ...). */
  readonly source: string;
  readonly project: string;
  readonly description?: string | undefined;
  readonly labels: readonly string[];
  /** Jira's issue type, MantisBT's category. */
  readonly issueType?: string | undefined;
  /** Business ms of the obligation's calendar before the deadline at which the managers are warned. */
  readonly warnBeforeMs?: number | undefined;
  /** As written in the contract (`2d`), for messages. */
  readonly warnBeforeText?: string | undefined;
}

/**
 * What the issue of one period carries so that a re-run (a second worker, a restart, a create
 * whose answer was lost) finds it instead of opening another: printable ASCII without spaces.
 */
export function obligationMarker(contractId: string, obligationId: string, periodKey: string): string {
  return `sla-bridge-obligation:${contractId}/${obligationId}/${periodKey}`;
}

/** The issue's title: the obligation's with the period, e.g. `Preventief onderhoud 2027-Q1`. */
export function obligationTitle(obligation: Obligation, period: ObligationPeriod): string {
  return `${obligation.title} ${period.key}`;
}

/** When the issue was last resolved, if its log ends resolved (and not deleted). */
export function resolvedAtOf(events: readonly IssueEvent[]): Instant | null {
  const facts = { resolved: false, deleted: false } as IssueFacts;
  let resolvedAt: Instant | null = null;
  for (const event of inEventOrder(events)) {
    const was = facts.resolved;
    applyFacts(facts, event);
    if (!was && facts.resolved) resolvedAt = event.at;
    if (!facts.resolved) resolvedAt = null;
  }
  return facts.deleted ? null : resolvedAt;
}

export type ObligationOutcome = 'done-on-time' | 'done-late' | 'open' | 'overdue' | 'not-opened';

/** One period's verdict at `now`; `opened` false means the bridge has no issue for it. */
export function obligationOutcome(period: ObligationPeriod, opened: boolean, resolvedAt: Instant | null, now: Instant): ObligationOutcome {
  if (resolvedAt !== null) return resolvedAt <= period.dueAt ? 'done-on-time' : 'done-late';
  if (!opened) return 'not-opened';
  return now >= period.dueAt ? 'overdue' : 'open';
}
