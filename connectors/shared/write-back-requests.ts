/**
 * What every tracker's write-back builder needs besides its own rendering: the JSON headers, the
 * API token, the breach comment's words, and what the tracker holds of ours when we never wrote.
 * The builders are pure: they turn "what the tracker should show" and "what we last wrote" into
 * requests, and the caller sends them and stores `desired` as the new `previous` once every
 * request succeeded.
 */
import { DateTime } from 'luxon';
import type { Instant } from '../../src/domain/business-calendar.js';
import { NOTHING_TO_SHOW, type WriteBackFields } from '../../src/domain/write-back-fields.js';

export const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' } as const;

export function requireApiToken(source: { readonly id: string; readonly apiToken?: string | undefined }): string {
  if (!source.apiToken) throw new Error(`source ${source.id} has no api.token, which write-back and reconciliation need (they call the tracker's REST API)`);
  return source.apiToken;
}

/** A deadline in the zone; refuses an unknown zone rather than writing "Invalid DateTime". */
export function inZone(instant: Instant, zone: string): DateTime {
  const local = DateTime.fromMillis(instant, { zone });
  if (!local.isValid) throw new Error(`cannot show a deadline in zone "${zone}": ${local.invalidExplanation ?? local.invalidReason}`);
  return local;
}

/**
 * The breach flag went from false to true. Never written before means not seen before, not "was
 * fine": switching write-back on over a backlog of breached issues must not comment on each.
 */
export function breachStarted(desired: WriteBackFields, previous: WriteBackFields | undefined): boolean {
  return previous !== undefined && !previous.breached && desired.breached;
}

/** The breach comment, the same words on every tracker. */
export function breachText(issueKey: string, desired: WriteBackFields): string {
  const parts = desired.breachedMetrics.map((metric) => {
    const deadline = desired.deadlines[metric];
    if (deadline === null) return `${metric} was met after its deadline`;
    return `${metric} was due ${inZone(deadline, desired.zone).toFormat('yyyy-MM-dd HH:mm')} (${desired.zone}) and is still open`;
  });
  return `SLA breached on ${issueKey}: ${parts.join('; ')}.`;
}

/**
 * What the tracker holds of ours when we never wrote to it: nothing. So a first write sends only
 * what there is to show, and an issue no contract covers is never touched (its hand-set due date
 * included). The price: after the stored `previous` is lost, a stale value stays until it changes.
 */
export const lastWritten = (previous: WriteBackFields | undefined): WriteBackFields => previous ?? NOTHING_TO_SHOW;
