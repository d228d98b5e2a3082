/**
 * GitLab write-back: the issue's due date (the nearest open deadline's day) and the at-risk and
 * breached labels, in one `PUT /projects/:id/issues/:iid` (lib/api/issues.rb: `due_date` as
 * `YYYY-MM-DD`, null to clear; `add_labels` and `remove_labels` as comma-separated names, which
 * leave every other label alone and create a missing project label), plus a note on a breach.
 *
 * GitLab keeps only the day of a due date, so the builder sends the deadline's day in the
 * contract's zone and a deadline that moves within its day needs no request. The bridge's own
 * update comes back as an Issue Hook showing what it wrote, which asks for nothing (owned fields).
 */
import type { Instant } from '../../src/domain/business-calendar.js';
import type { Source } from '../../src/config/source.js';
import type { IssueRef, TrackerRefusal, WriteBackBuilder } from '../connector.js';
import { fieldsToWrite, type OwnedField, type ShownFields } from '../shared/owned-fields.js';
import { JSON_HEADERS, breachStarted, breachText, inZone, lastWritten, requireApiToken } from '../shared/write-back-requests.js';
import type { OutboundRequest } from '../outbound-request.js';
import type { WriteBackConfig } from '../../src/config/write-back-config.js';
import type { WriteBackFields } from '../../src/domain/write-back-fields.js';
import { encodedPath, gitlabIssueAddress } from './issue-ref.js';


/** The due date as GitLab keeps it: the deadline's day in the zone. */
export function gitlabDueDate(deadline: Instant | null, zone: string): string | null {
  return deadline === null ? null : inZone(deadline, zone).toISODate();
}

const DUE_DATE = 'due_date';
const labelKey = (label: string) => `label:${label}`;

/** The configured SLA labels, each with whether the issue should carry it. */
function slaLabels(config: WriteBackConfig, fields: WriteBackFields): [string, boolean][] {
  const flags: [string | undefined, boolean][] = [
    [config.labels.at_risk, fields.atRisk],
    [config.labels.breached, fields.breached],
  ];
  return flags.filter((flag): flag is [string, boolean] => flag[0] !== undefined);
}

/** The owned fields as GitLab holds them: the due date as its day, each SLA label on or off. */
export function gitlabOwnedFields(config: WriteBackConfig, fields: WriteBackFields): OwnedField<string | boolean | null>[] {
  const owned: OwnedField<string | boolean | null>[] = [];
  if (config.due_date) {
    const day = gitlabDueDate(fields.nearest, fields.zone);
    owned.push({ key: DUE_DATE, value: day, canonical: day });
  }
  for (const [label, on] of slaLabels(config, fields)) owned.push({ key: labelKey(label), value: on, canonical: on ? 'on' : null });
  return owned;
}

/**
 * What an issue in a payload shows of the owned fields: `due_date` (a day, or null) and the
 * labels, by title. A field the payload leaves out is not shown.
 */
export function gitlabShownFields(
  config: WriteBackConfig,
  issue: { readonly due_date?: string | null | undefined },
  labels: readonly string[] | undefined,
): ShownFields {
  const shown: Record<string, string | null> = {};
  if (config.due_date && issue.due_date !== undefined) {
    if (issue.due_date === null || /^\d{4}-\d{2}-\d{2}$/.test(issue.due_date)) shown[DUE_DATE] = issue.due_date;
  }
  if (labels !== undefined) {
    const names = new Set(labels);
    for (const label of [config.labels.at_risk, config.labels.breached]) if (label !== undefined) shown[labelKey(label)] = names.has(label) ? 'on' : null;
  }
  return shown;
}

const apiBase = (source: Source) => `${source.baseUrl}/api/v4`;

export const gitlabHeaders = (source: Source): Record<string, string> => ({ 'PRIVATE-TOKEN': requireApiToken(source), ...JSON_HEADERS });

export function buildWriteBack(
  source: Source,
  config: WriteBackConfig,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  shown?: ShownFields,
): OutboundRequest[] {
  if (!config.enabled) return [];
  const changed = fieldsToWrite(gitlabOwnedFields(config, desired), gitlabOwnedFields(config, lastWritten(previous)), shown);
  const dueDate = changed.find((field) => field.key === DUE_DATE);
  const labelsTo = (on: boolean) => slaLabels(config, desired).filter(([label, wanted]) => wanted === on && changed.some((field) => field.key === labelKey(label))).map(([label]) => label);
  const add = labelsTo(true);
  const remove = labelsTo(false);
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (!dueDate && add.length === 0 && remove.length === 0 && !comment) return [];

  const { project, iid } = gitlabIssueAddress(issue);
  const issueUrl = `${apiBase(source)}/projects/${encodedPath(project)}/issues/${iid}`;
  const headers = gitlabHeaders(source);
  const describe = (what: string) => `gitlab ${source.id}: ${what} of ${issue.key}`;
  const requests: OutboundRequest[] = [];
  if (dueDate || add.length > 0 || remove.length > 0) {
    const body: Record<string, string | null> = {};
    if (dueDate) body.due_date = dueDate.value as string | null;
    if (add.length > 0) body.add_labels = add.join(',');
    if (remove.length > 0) body.remove_labels = remove.join(',');
    requests.push({ method: 'PUT', url: issueUrl, headers, body: JSON.stringify(body), description: describe(`SLA ${Object.keys(body).join(', ')}`) });
  }
  if (comment) {
    requests.push({ method: 'POST', url: `${issueUrl}/notes`, headers, body: JSON.stringify({ body: breachText(issue.key, desired) }), description: describe('breach note') });
  }
  return requests;
}

export const gitlabWriteBack: WriteBackBuilder = async (source, issue, desired, previous, _lookup, shown) =>
  buildWriteBack(source, source.writeBack, issue, desired, previous, shown);

/**
 * GitLab answers a request for an issue that is gone with 404 `{"message":"404 Issue Not Found"}`
 * (lib/api/helpers.rb `not_found!('Issue')`). "404 Project Not Found" is not taken as gone: GitLab
 * says the same to a token that lost access to the project, which is for a person to look at.
 */
export function gitlabIssueGone({ status, data }: TrackerRefusal): boolean {
  const message = (data as { message?: unknown } | null)?.message;
  return status === 404 && message === '404 Issue Not Found';
}
