/** The monthly report's section on authorized contacts: the issues reported by someone unlisted. */
import type { Contract } from './contract.js';
import type { IssueSla } from './sla-clock.js';

export interface UnlistedReport {
  readonly source: string;
  readonly key: string;
  readonly title?: string | undefined;
  readonly url?: string | undefined;
  readonly reporter: string;
}

export interface ContactsSection {
  readonly max: number;
  /** Issues of the month whose reporter the tracker named and the contract does not list. */
  readonly unlisted: number;
  /** Issues whose reporter the bridge does not know (stored before it read reporters). */
  readonly unknownReporter: number;
  readonly unlistedIssues: readonly UnlistedReport[];
}

interface MonthIssue {
  readonly source: string;
  readonly issue: { readonly key: string; readonly title?: string | undefined; readonly url?: string | undefined };
  readonly sla: Extract<IssueSla, { covered: true }>;
}

/** `{ contacts }` to spread into the report, or nothing for a contract that lists no contacts. */
export function contactsReport(contract: Contract, inMonth: readonly MonthIssue[]): { contacts?: ContactsSection } {
  if (!contract.contacts) return {};
  const unlistedIssues = inMonth.flatMap((entry) =>
    entry.sla.contact?.listed === false && entry.sla.contact.reporter
      ? [{ source: entry.source, key: entry.issue.key, title: entry.issue.title, url: entry.issue.url, reporter: entry.sla.contact.reporter }]
      : [],
  );
  const unknownReporter = inMonth.filter((entry) => !entry.sla.contact || entry.sla.contact.listed === null).length;
  return { contacts: { max: contract.contacts.max, unlisted: unlistedIssues.length, unknownReporter, unlistedIssues } };
}
