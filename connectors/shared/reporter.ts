/** The reporter of an issue as the created events carry it (authorized contacts). */
import type { Reporter } from '../../src/domain/contacts-rule.js';
import type { TrackerUser } from './source-rules.js';

/** The tracker's user as a reporter; undefined when it names no one. */
export function trackerReporter(user: TrackerUser | null | undefined): Reporter | undefined {
  if (!user) return undefined;
  const names = (user.names ?? []).filter((name): name is string => typeof name === 'string' && name.length > 0);
  // Gitea's webhooks put a no-reply placeholder, GitLab's "[REDACTED]", where the address is private: those name no one.
  const email = user.email && user.email !== '[REDACTED]' && !/@noreply\./i.test(user.email) ? user.email : undefined;
  if (names.length === 0 && !email) return undefined;
  return { names, ...(email ? { email } : {}) };
}

/** The entries that are set, so that an optional key is absent rather than undefined. */
export function definedOnly<T extends Record<string, unknown>>(entries: T): { [K in keyof T]?: Exclude<T[K], undefined | null> } {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== null)) as { [K in keyof T]?: Exclude<T[K], undefined | null> };
}
