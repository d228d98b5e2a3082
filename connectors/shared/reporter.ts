/** The reporter of an issue as every tracker's created event carries it (authorized contacts). */
import type { Reporter } from '../../src/domain/contacts-rule.js';
import type { TrackerUser } from './source-rules.js';

/** `{ reporter }` to spread into a created event, or nothing when the tracker named no one. */
export function trackerReporter(user: TrackerUser | null | undefined): { reporter?: Reporter } {
  if (!user) return {};
  const names = (user.names ?? []).filter((name): name is string => typeof name === 'string' && name.length > 0);
  // Gitea and GitLab hide addresses behind placeholders; those name no one.
  const email = user.email && user.email !== '[REDACTED]' && !/@noreply\./i.test(user.email) ? user.email : undefined;
  if (names.length === 0 && !email) return {};
  return { reporter: { names, ...(email ? { email } : {}) } };
}
