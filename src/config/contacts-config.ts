/** A contract's `contacts:` as the clock reads them: per source, every listed name and address. */
import type { AuthorizedContacts } from '../domain/contacts-rule.js';
import type { ContractFile } from './schema.js';

export function compileContacts(file: NonNullable<ContractFile['contacts']>): AuthorizedContacts {
  const bySource = new Map<string, Set<string>>();
  for (const person of file.people) {
    for (const [source, ids] of Object.entries(person.ids)) {
      const listed = bySource.get(source) ?? new Set<string>();
      for (const id of ids) listed.add(id.toLowerCase());
      bySource.set(source, listed);
    }
  }
  return { max: file.max, bySource, unlistedClock: file.unlisted_clock };
}
