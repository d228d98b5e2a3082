/**
 * Authorized contacts: the customer's named employees who may report issues (Open2Bizz 3.6 and 7:
 * at most three; Mega Bite: one key employee). An issue reported by anyone else is still tracked,
 * but flagged, and per contract its clock either runs as usual or waits until an agent accepts it.
 */
import { z } from 'zod';

/** Who reported an issue, as the tracker names them: logins or account ids, and an e-mail address when shown. */
export const reporterSchema = z.object({
  names: z.array(z.string().min(1)).default([]),
  email: z.string().min(1).optional(),
});
export type Reporter = z.output<typeof reporterSchema>;

/** `as_usual`: the clock starts at creation; `on_acceptance`: when an agent accepts the issue. */
export const UNLISTED_CLOCKS = ['as_usual', 'on_acceptance'] as const;
export type UnlistedClock = (typeof UNLISTED_CLOCKS)[number];

export interface AuthorizedContacts {
  readonly max: number;
  /** Per source id: the lower-cased names and e-mail addresses of every listed person. */
  readonly bySource: ReadonlyMap<string, ReadonlySet<string>>;
  readonly unlistedClock: UnlistedClock;
}

export interface ContactCheck {
  /** How the reporter is shown: the e-mail address (a Jira accountId says nothing to a manager), else the first name; null when the tracker did not say. */
  readonly reporter: string | null;
  /** Null when the reporter is unknown (a state built from a delivery that did not name them). */
  readonly listed: boolean | null;
  /** The clock of this issue waits for an agent's acceptance. */
  readonly waitsForAcceptance: boolean;
}

/** Whether two namings are the same person: a login, account id or e-mail address in common, in any case. */
export function samePerson(one: Reporter | undefined, other: Reporter | undefined): boolean {
  if (!one || !other) return false;
  const ids = (person: Reporter) => [...person.names, ...(person.email ? [person.email] : [])].map((id) => id.toLowerCase());
  const theirs = new Set(ids(other));
  return ids(one).some((id) => theirs.has(id));
}

export function reporterLabel(reporter: Reporter | undefined): string | null {
  return reporter?.email ?? reporter?.names[0] ?? null;
}

/** Whether the reporter is one of the contract's authorized contacts for that source. */
export function checkContact(contacts: AuthorizedContacts, source: string, reporter: Reporter | undefined): ContactCheck {
  const label = reporterLabel(reporter);
  if (!reporter || label === null) return { reporter: null, listed: null, waitsForAcceptance: false };
  const listedIds = contacts.bySource.get(source) ?? new Set<string>();
  const ids = [...reporter.names, ...(reporter.email ? [reporter.email] : [])].map((id) => id.toLowerCase());
  const listed = ids.some((id) => listedIds.has(id));
  return { reporter: label, listed, waitsForAcceptance: !listed && contacts.unlistedClock === 'on_acceptance' };
}
