/** How a source's configuration reads tracker values: shared by every tracker connector. */
import type { Source } from '../../src/config/source.js';
import type { Priority } from '../../src/domain/priority.js';

/** The first tracker value (priority name, severity, label) that the source maps, else its default. */
export function priorityFrom(source: Source, values: readonly (string | null | undefined)[]): Priority {
  for (const value of values) {
    const mapped = value ? source.priority.map.get(value.toLowerCase()) : undefined;
    if (mapped) return mapped;
  }
  return source.priority.default;
}

/** The environment named by a field value or by a mapped label; null when neither says. */
export function environmentFrom(source: Source, labels: readonly string[], fieldValue?: string | null): string | null {
  if (fieldValue) return fieldValue;
  for (const label of labels) {
    const environment = source.environment.labels.get(label.toLowerCase());
    if (environment) return environment;
  }
  return null;
}

export interface TrackerUser {
  readonly names?: readonly (string | null | undefined)[];
  readonly email?: string | null | undefined;
}

/** An agent by name or e-mail (`agents.users`, `agents.domains`); trackers add their own rules. */
export function isAgent(source: Source, user: TrackerUser): boolean {
  const { users, domains } = source.agents;
  if (user.names?.some((name) => name && users.has(name.toLowerCase()))) return true;
  const email = user.email?.toLowerCase();
  return email !== undefined && (users.has(email) || domains.some((domain) => email.endsWith(`@${domain}`)));
}

export const isResolvedStatus = (source: Source, status: string) => source.statuses.resolved.has(status.toLowerCase());
export const isPausedStatus = (source: Source, status: string) => source.statuses.paused.has(status.toLowerCase());

/**
 * The bridge's own API user (`api.user`): its breach comments are written by the bridge, not a
 * reaction of the provider, so they must not meet a metric.
 */
export function isBridgeUser(source: Source, user: TrackerUser): boolean {
  const bridge = source.apiUser?.toLowerCase();
  if (!bridge) return false;
  return (user.names?.some((name) => name?.toLowerCase() === bridge) ?? false) || user.email?.toLowerCase() === bridge;
}
