/**
 * MantisBT write-back: one `PATCH /api/rest/issues/{id}` with the changed custom fields and due
 * date, and a private note when the issue becomes breached.
 *
 * MantisBT merges the patch over the whole issue (issues_rest.php, rest_issue_update) and sets only
 * the custom fields it lists, so fields left out keep their values. A date custom field holds a
 * Unix timestamp in seconds, sent as a string; its UI shows the date only. `null` is refused there
 * ("Invalid Custom field specification": the value must be set), so a field is cleared with "".
 * `due_date` goes through strtotime(): an ISO date-time with offset sets it, "" clears it, and it
 * is silently left alone unless the token's user reaches `due_date_update_threshold`.
 *
 * The saved update fires EVENT_UPDATE_BUG, so the SlaBridge plugin echoes it as issue_updated
 * with no change the clock uses. The note is private: the connector counts only public notes as
 * reactions, so the bridge's own note can never meet a metric.
 */
import type { Source } from '../../src/config/source.js';
import type { Instant } from '../../src/domain/business-calendar.js';
import type { IssueRef } from '../connector.js';
import {
  breachStarted,
  breachText,
  changedDueDate,
  changedMetricFields,
  inZone,
  JSON_HEADERS,
  requireApiToken,
  type OutgoingRequest,
  type WriteBackConfig,
  type WriteBackFields,
} from '../shared/write-back-types.js';

/** A date custom field's value: epoch seconds as a string, "" for none. */
export function mantisTimestamp(deadline: Instant | null): string {
  return deadline === null ? '' : String(Math.floor(deadline / 1000));
}

/** The due date as ISO 8601 with the zone's offset, to the second (MantisBT stores seconds). */
export function mantisDueDate(deadline: Instant | null, zone: string): string {
  return deadline === null ? '' : inZone(deadline, zone).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

/**
 * The bare token: MantisBT 2.28 compares the whole header with its tokens, so `Bearer <token>`
 * (preferred from 2.29, which still takes the bare one) would be refused there.
 */
export function mantisAuthorization(source: Source): string {
  return requireApiToken(source);
}

export function buildWriteBack(
  source: Source,
  config: WriteBackConfig,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
): OutgoingRequest[] {
  if (!config.enabled) return [];
  const fields = changedMetricFields(config, desired, previous, (deadline) => mantisTimestamp(deadline));
  const dueDate = changedDueDate(config, desired, previous, mantisDueDate);
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (fields.length === 0 && !dueDate && !comment) return [];

  const headers = { Authorization: mantisAuthorization(source), ...JSON_HEADERS };
  const issueUrl = `${source.baseUrl}/api/rest/issues/${encodeURIComponent(issue.id)}`;
  const requests: OutgoingRequest[] = [];
  if (fields.length > 0 || dueDate) {
    const patch: { custom_fields?: unknown[]; due_date?: string } = {};
    if (fields.length > 0) patch.custom_fields = fields.map(({ field, value }) => ({ field: { name: field }, value }));
    if (dueDate) patch.due_date = dueDate.value;
    requests.push({
      method: 'PATCH',
      url: issueUrl,
      headers,
      body: JSON.stringify(patch),
      description: `mantis ${source.id}: SLA fields of issue ${issue.key}`,
    });
  }
  if (comment) {
    requests.push({
      method: 'POST',
      url: `${issueUrl}/notes`,
      headers,
      body: JSON.stringify({ text: breachText(issue.key, desired), view_state: { name: 'private' } }),
      description: `mantis ${source.id}: breach note on issue ${issue.key}`,
    });
  }
  return requests;
}
