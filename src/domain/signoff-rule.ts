/**
 * The customer's sign-off of a resolution (2Value: "terugkoppeling klant"): the time from the
 * issue being resolved to the customer's confirmation, and how often it was reopened. How the
 * confirmation shows is per contract: a status (MantisBT `closed`), a label, or a note of the
 * reporter's with a keyword. A reopening voids the resolution and its confirmation; the next
 * resolution waits for its own.
 */
import type { BusinessCalendar, Instant } from './business-calendar.js';
import { samePerson, type Reporter } from './contacts-rule.js';
import { durationToMs, formatDuration, type Duration } from './duration.js';
import type { IssueEvent } from './issue-event.js';

/** The facts the sign-off reads, before and after one event (the clock's own fold supplies them). */
export interface SignoffFacts {
  readonly status: string;
  readonly labels: readonly string[];
  readonly resolved: boolean;
}

export interface SignoffStep {
  readonly event: IssueEvent;
  readonly before: SignoffFacts;
  readonly after: SignoffFacts;
}

export type SignoffCondition =
  | { readonly kind: 'status'; readonly value: string }
  | { readonly kind: 'label'; readonly value: string }
  | { readonly kind: 'reporter_note'; readonly value: string };

export interface SignoffRule {
  /** Lower-cased values; any one confirms. */
  readonly confirmedBy: readonly SignoffCondition[];
  /** How long the confirmation may take, in business time of the contract's calendar. */
  readonly within?: Duration | undefined;
}

export interface SignoffStatus {
  /** `not_resolved`: nothing to confirm (yet, or since a reopening). */
  readonly state: 'not_resolved' | 'awaiting' | 'confirmed';
  readonly resolvedAt?: Instant;
  readonly confirmedAt?: Instant;
  readonly confirmedBy?: string;
  /** Business time from the resolution to the confirmation, or to `now` while awaiting it. */
  readonly elapsedMs?: number;
  readonly target?: { readonly text: string; readonly ms: number };
  /** The target passed before the confirmation (or before `now`). */
  readonly overdue?: boolean;
  /** How many times the issue was reopened after being resolved. */
  readonly reopened: number;
}

const describe = (condition: SignoffCondition) => `${condition.kind}:${condition.value}`;

function confirms(condition: SignoffCondition, { event, before, after }: SignoffStep, reporter: Reporter | undefined): boolean {
  switch (condition.kind) {
    case 'status':
      return after.status.toLowerCase() === condition.value && before.status.toLowerCase() !== condition.value;
    case 'label': {
      const has = (facts: SignoffFacts) => facts.labels.some((label) => label.toLowerCase() === condition.value);
      return has(after) && !has(before);
    }
    case 'reporter_note':
      return event.type === 'commented' && (event.keywords ?? []).includes(condition.value) && samePerson(event.author, reporter);
  }
}

/** What of a contract the sign-off reads (a Contract is one). */
export interface SignoffContract {
  readonly signoff?: SignoffRule | undefined;
  readonly calendar: BusinessCalendar;
}

/** Over the events after creation, in the order the clock applies them; `null` when the contract does not measure the sign-off. */
export function evaluateSignoff(contract: SignoffContract, steps: readonly SignoffStep[], reporter: Reporter | undefined, now: Instant): SignoffStatus | null {
  const rule = contract.signoff;
  if (!rule) return null;
  let resolvedAt: Instant | undefined;
  let confirmed: { at: Instant; by: string } | undefined;
  let reopened = 0;
  for (const step of steps) {
    const { event, before, after: facts } = step;
    if (!before.resolved && facts.resolved) {
      resolvedAt = event.at;
      confirmed = undefined;
    } else if (before.resolved && !facts.resolved) {
      reopened += 1;
      resolvedAt = undefined;
      confirmed = undefined;
    }
    if (resolvedAt !== undefined && !confirmed) {
      const condition = rule.confirmedBy.find((candidate) => confirms(candidate, step, reporter));
      if (condition) confirmed = { at: event.at, by: describe(condition) };
    }
  }
  if (resolvedAt === undefined) return { state: 'not_resolved', reopened };
  const calendar = contract.calendar;
  const until = confirmed?.at ?? Math.max(now, resolvedAt);
  const elapsedMs = calendar.between(resolvedAt, until);
  const target = rule.within ? { text: formatDuration(rule.within), ms: durationToMs(rule.within, calendar.dayMs, calendar.weekMs) } : undefined;
  return {
    state: confirmed ? 'confirmed' : 'awaiting',
    resolvedAt,
    ...(confirmed ? { confirmedAt: confirmed.at, confirmedBy: confirmed.by } : {}),
    elapsedMs,
    ...(target ? { target, overdue: elapsedMs > target.ms } : {}),
    reopened,
  };
}

/** Every keyword a sign-off by note may use, lower-cased: what the webhook path looks for in comments. */
export function signoffKeywords(contracts: Iterable<Pick<SignoffContract, 'signoff'>>): string[] {
  const keywords = new Set<string>();
  for (const contract of contracts) for (const condition of contract.signoff?.confirmedBy ?? []) if (condition.kind === 'reporter_note') keywords.add(condition.value);
  return [...keywords];
}
