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
 * these fields, which the connector ignores: the echo changes no clock and so asks for no write.
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

/** Jira's date-time input: ISO 8601 with milliseconds and the offset without a colon (`+0100`). */
export function jiraDateTime(deadline: Instant | null, zone: string): string | null {
  return deadline === null ? null : inZone(deadline, zone).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");
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

export function buildWriteBack(
  source: Source,
  config: WriteBackConfig,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
): OutgoingRequest[] {
  if (!config.enabled) return [];
  // null clears a field in Jira, which is what a met or paused metric shows.
  const fields: Record<string, string | null> = {};
  for (const { field, value } of changedMetricFields(config, desired, previous, jiraDateTime)) fields[field] = value;
  const dueDate = changedDueDate(config, desired, previous, jiraDate);
  if (dueDate) fields['duedate'] = dueDate.value;
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (Object.keys(fields).length === 0 && !comment) return [];

  const headers = { Authorization: jiraAuthorization(source), ...JSON_HEADERS };
  const issueUrl = `${source.baseUrl}/rest/api/2/issue/${encodeURIComponent(issue.id)}`;
  const requests: OutgoingRequest[] = [];
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
