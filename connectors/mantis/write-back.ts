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
 * MantisBT 2.28 raises no plugin event for a REST update, so the PATCH is not echoed; a person's
 * edit in the web UI is (EVENT_UPDATE_BUG), and its edit page re-saves every date custom field it
 * shows at local midnight of its day: the plugin's payload then shows the owned fields changed and
 * the bridge writes them again (../shared/owned-fields.ts). The note is private: the connector
 * counts only public notes as reactions, so the bridge's own note can never meet a metric.
 */
import type { Source } from '../../src/config/source.js';
import type { Instant } from '../../src/domain/business-calendar.js';
import { SECOND_MS } from '../../src/domain/duration.js';
import { METRICS } from '../../src/domain/metric.js';
import type { IssueRef, TrackerRefusal } from '../connector.js';
import { canonicalInstant, fieldsToWrite, type OwnedField, type ShownFields } from '../shared/owned-fields.js';
import { JSON_HEADERS, breachStarted, breachText, inZone, lastWritten, requireApiToken } from '../shared/write-back-requests.js';
import type { OutboundRequest } from '../outbound-request.js';
import type { WriteBackConfig } from '../../src/config/write-back-config.js';
import type { WriteBackFields } from '../../src/domain/write-back-fields.js';

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

/** The due date's key among the custom fields' names: MantisBT keeps both in whole seconds. */
const DUE_DATE = '(due date)';

/** The owned fields as MantisBT holds them: custom fields by name, and the due date. */
export function mantisOwnedFields(config: WriteBackConfig, fields: WriteBackFields): OwnedField<string>[] {
  const owned: OwnedField<string>[] = [];
  for (const metric of METRICS) {
    const field = config.fields[metric];
    const value = mantisTimestamp(fields.deadlines[metric]);
    if (field !== undefined) owned.push({ key: field, value, canonical: value === '' ? null : value });
  }
  if (config.due_date) owned.push({ key: DUE_DATE, value: mantisDueDate(fields.nearest, fields.zone), canonical: canonicalInstant(fields.nearest, SECOND_MS) });
  return owned;
}

/**
 * What the plugin's issue shows of the owned fields: custom field values by name (epoch seconds,
 * "" or null when empty) and `due_date` in ms (null for none; left out by plugins before 1.1).
 */
export function mantisShownFields(config: WriteBackConfig, issue: { readonly custom_fields: Readonly<Record<string, string | null>>; readonly due_date?: number | null | undefined }): ShownFields {
  const shown: Record<string, string | null> = {};
  for (const metric of METRICS) {
    const field = config.fields[metric];
    if (field === undefined || !Object.hasOwn(issue.custom_fields, field)) continue;
    const value = issue.custom_fields[field] ?? null;
    shown[field] = value === '' ? null : value;
  }
  if (config.due_date && issue.due_date !== undefined) shown[DUE_DATE] = canonicalInstant(issue.due_date, SECOND_MS);
  return shown;
}

export function buildWriteBack(
  source: Source,
  config: WriteBackConfig,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  shown?: ShownFields,
): OutboundRequest[] {
  if (!config.enabled) return [];
  const changed = fieldsToWrite(mantisOwnedFields(config, desired), mantisOwnedFields(config, lastWritten(previous)), shown);
  const fields = changed.filter((field) => field.key !== DUE_DATE);
  const dueDate = changed.find((field) => field.key === DUE_DATE);
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (fields.length === 0 && !dueDate && !comment) return [];

  const headers = { Authorization: mantisAuthorization(source), ...JSON_HEADERS };
  const issueUrl = `${source.baseUrl}/api/rest/issues/${encodeURIComponent(issue.id)}`;
  const requests: OutboundRequest[] = [];
  if (fields.length > 0 || dueDate) {
    const patch: { custom_fields?: unknown[]; due_date?: string } = {};
    if (fields.length > 0) patch.custom_fields = fields.map(({ key, value }) => ({ field: { name: key }, value }));
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

/** MantisBT's error code for a bug id it does not have (core/constant_inc.php). */
const ERROR_BUG_NOT_FOUND = 1100;

/**
 * MantisBT answers a PATCH of a deleted issue with 404 and its error as JSON: the code 1100 with
 * "Issue #42 not found.", or a fault "Issue '42' does not exist." from its SOAP layer.
 */
export function mantisIssueGone({ status, data }: TrackerRefusal): boolean {
  if (status !== 404 || data === null || typeof data !== 'object') return false;
  const { code, message } = data as { code?: unknown; message?: unknown };
  return code === ERROR_BUG_NOT_FOUND || (typeof message === 'string' && /^issue\b.*\b(not found|does not exist)/i.test(message));
}
