/**
 * Jira write-back: one `PUT /rest/api/2/issue/{id}` with the changed fields, and a comment when the
 * issue becomes breached.
 *
 * API v2, not v3: Data Center has only v2, and on Cloud v2 takes the same `fields` and a comment
 * body as plain text where v3 wants Atlassian Document Format. The issue is addressed by its id,
 * which survives a move to another project; the key does not.
 *
 * The fields must be on the issue's edit screen, or Jira answers 400 ("cannot be set. It is not on
 * the appropriate screen"). The PUT raises a jira:issue_updated webhook whose changelog names only
 * these fields, which the connector ignores: the echo changes no clock and shows the fields as
 * written (../shared/owned-fields.ts), so it asks for no write. A person's edit of them shows
 * otherwise, and the fields are written again.
 */
import type { Source } from '../../src/config/source.js';
import type { Instant } from '../../src/domain/business-calendar.js';
import { MINUTE_MS } from '../../src/domain/duration.js';
import { METRICS } from '../../src/domain/metric.js';
import type { IssueRef, TrackerRefusal } from '../connector.js';
import { canonicalInstant, fieldsToWrite, type OwnedField, type ShownFields } from '../shared/owned-fields.js';
import { JSON_HEADERS, breachStarted, breachText, inZone, lastWritten, requireApiToken } from '../shared/write-back-requests.js';
import type { OutboundRequest } from '../outbound-request.js';
import type { WriteBackConfig } from '../../src/config/write-back-config.js';
import type { WriteBackFields } from '../../src/domain/write-back-fields.js';
import { parseJiraDateTime } from './jira-date-time.js';

/**
 * Jira's date-time input: ISO 8601 with milliseconds and the offset without a colon (`+0100`).
 * Whole minutes, the precision of Jira's date-time pickers, rounded down so the field never shows a
 * deadline later than the real one: what Jira stores is then exactly what was sent.
 */
export function jiraDateTime(deadline: Instant | null, zone: string): string | null {
  return deadline === null ? null : inZone(Math.floor(deadline / MINUTE_MS) * MINUTE_MS, zone).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");
}

/** `duedate` is a plain date: the deadline's day where the contract's calendar is. */
export function jiraDate(deadline: Instant | null, zone: string): string | null {
  return deadline === null ? null : inZone(deadline, zone).toFormat('yyyy-MM-dd');
}

/**
 * Jira Cloud API tokens belong to an account and go as Basic with its e-mail address (`api.user`);
 * Data Center personal access tokens (8.14+) identify their user themselves and go as Bearer.
 */
export function jiraAuthorization(source: Source): string {
  const token = requireApiToken(source);
  if (!source.apiUser) return `Bearer ${token}`;
  return `Basic ${Buffer.from(`${source.apiUser}:${token}`, 'utf8').toString('base64')}`;
}

/**
 * The owned fields as Jira holds them: a date-time field is an instant (every user sees it in their
 * own zone, so the offset sent does not matter), the due date a day in the contract's zone.
 */
export function jiraOwnedFields(config: WriteBackConfig, fields: WriteBackFields): OwnedField<string | null>[] {
  const owned: OwnedField<string | null>[] = [];
  for (const metric of METRICS) {
    const field = config.fields[metric];
    const deadline = fields.deadlines[metric];
    if (field !== undefined) owned.push({ key: field, value: jiraDateTime(deadline, fields.zone), canonical: canonicalInstant(deadline, MINUTE_MS) });
  }
  if (config.due_date) {
    const day = jiraDate(fields.nearest, fields.zone);
    owned.push({ key: 'duedate', value: day, canonical: day });
  }
  return owned;
}

const JIRA_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What an issue's `fields` (as a webhook carries them) show of the owned fields. A field the payload
 * leaves out (Cloud's trimmed comment issue) or holds in a form Jira never writes is not shown.
 */
export function jiraShownFields(config: WriteBackConfig, issueFields: Readonly<Record<string, unknown>>): ShownFields {
  const shown: Record<string, string | null> = {};
  for (const metric of METRICS) {
    const field = config.fields[metric];
    if (field === undefined || !Object.hasOwn(issueFields, field)) continue;
    const value = issueFields[field];
    if (value === null) shown[field] = null;
    else if (typeof value === 'string' && parseJiraDateTime(value) !== undefined) shown[field] = canonicalInstant(parseJiraDateTime(value)!, MINUTE_MS);
  }
  if (config.due_date && Object.hasOwn(issueFields, 'duedate')) {
    const value = issueFields['duedate'];
    if (value === null || (typeof value === 'string' && JIRA_DATE.test(value))) shown['duedate'] = value;
  }
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
  // null clears a field in Jira, which is what a met or paused metric shows.
  const fields: Record<string, string | null> = {};
  for (const { key, value } of fieldsToWrite(jiraOwnedFields(config, desired), jiraOwnedFields(config, lastWritten(previous)), shown)) fields[key] = value;
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (Object.keys(fields).length === 0 && !comment) return [];

  const headers = { Authorization: jiraAuthorization(source), ...JSON_HEADERS };
  const issueUrl = `${source.baseUrl}/rest/api/2/issue/${encodeURIComponent(issue.id)}`;
  const requests: OutboundRequest[] = [];
  if (Object.keys(fields).length > 0) {
    requests.push({
      method: 'PUT',
      url: issueUrl,
      headers,
      body: JSON.stringify({ fields }),
      description: `jira ${source.id}: SLA fields of ${issue.key}`,
    });
  }
  if (comment) {
    requests.push({
      method: 'POST',
      url: `${issueUrl}/comment`,
      headers,
      body: JSON.stringify({ body: breachText(issue.key, desired) }),
      description: `jira ${source.id}: breach comment on ${issue.key}`,
    });
  }
  return requests;
}

/**
 * Jira answers an edit of an issue that does not exist (or that the token's user may no longer
 * see) with 404 and `{"errorMessages":["Issue does not exist or you do not have permission to see it."]}`.
 */
export function jiraIssueGone({ status, data }: TrackerRefusal): boolean {
  const messages = (data as { errorMessages?: unknown } | null)?.errorMessages;
  return status === 404 && Array.isArray(messages) && messages.some((message) => typeof message === 'string' && /does not exist/i.test(message));
}
