/**
 * GitHub write-back: the at-risk and breached labels, a comment when the issue becomes breached,
 * and (GitHub issues have no due date) the nearest open deadline as a date in a Project's Date
 * field (./project-date.ts).
 *
 * Labels go by name: `POST .../issues/{n}/labels` `{"labels": [...]}` adds to the issue's labels,
 * `DELETE .../issues/{n}/labels/{name}` takes one off (404 "Label does not exist" when the issue
 * does not carry it). A Project date is a day, so the deadline's day in the contract's zone is
 * written, and a deadline that moves within its day needs no request.
 */
import type { Source } from '../../src/config/source.js';
import type { IssueRef, TrackerRefusal } from '../connector.js';
import { fieldsToWrite, type OwnedField, type ShownFields } from '../shared/owned-fields.js';
import { breachStarted, breachText, inZone, lastWritten, requireApiToken } from '../shared/write-back-requests.js';
import type { OutboundRequest } from '../outbound-request.js';
import type { WriteBackConfig } from '../../src/config/write-back-config.js';
import type { WriteBackFields } from '../../src/domain/write-back-fields.js';
import { githubApiHeaders, githubApiUrls, repoPath } from './api-urls.js';
import { githubIssueAddress } from './issue-ref.js';
import { projectDateRequest, type ProjectDateTarget } from './project-date.js';
import type { GithubProject } from './source-settings.js';
import { githubSettings } from './source-settings.js';

/** The key of the Project date among the owned fields. */
export const PROJECT_DATE = 'project_date';
const labelKey = (label: string) => `label:${label}`;

/** The nearest deadline as the Project's Date field keeps it: its day in the zone. */
export function githubProjectDate(nearest: number | null, zone: string): string | null {
  return nearest === null ? null : inZone(nearest, zone).toISODate();
}

/** The configured SLA labels, each with whether the issue should carry it. */
function slaLabels(config: WriteBackConfig, fields: WriteBackFields): [string, boolean][] {
  const flags: [string | undefined, boolean][] = [
    [config.labels.at_risk, fields.atRisk],
    [config.labels.breached, fields.breached],
  ];
  return flags.filter((flag): flag is [string, boolean] => flag[0] !== undefined);
}

export function githubOwnedFields(config: WriteBackConfig, project: GithubProject | undefined, fields: WriteBackFields): OwnedField<string | boolean | null>[] {
  const owned: OwnedField<string | boolean | null>[] = [];
  if (config.due_date && project) {
    const date = githubProjectDate(fields.nearest, fields.zone);
    owned.push({ key: PROJECT_DATE, value: date, canonical: date });
  }
  for (const [label, on] of slaLabels(config, fields)) owned.push({ key: labelKey(label), value: on, canonical: on ? 'on' : null });
  return owned;
}

/** What an issue (as a webhook carries it) shows of the SLA labels; a payload without `labels` shows nothing. */
export function githubShownFields(config: WriteBackConfig, issue: { readonly labels?: readonly { readonly name: string }[] | null | undefined }): ShownFields {
  if (issue.labels === undefined) return {};
  const names = new Set((issue.labels ?? []).map((label) => label.name));
  const shown: Record<string, string | null> = {};
  for (const label of [config.labels.at_risk, config.labels.breached]) if (label !== undefined) shown[labelKey(label)] = names.has(label) ? 'on' : null;
  return shown;
}

export interface ProjectDateWrite {
  readonly project: GithubProject;
  /** As read just before: the item (added when it was missing) and the date it holds. */
  readonly target: ProjectDateTarget & { readonly itemId: string };
}

/** Which owned fields differ from what GitHub holds: the labels a delivery showed (else as written), the Project date as read. */
export function changedGithubFields(
  config: WriteBackConfig,
  project: GithubProject | undefined,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  shown: ShownFields | undefined,
  projectDate: { readonly date: string | null } | undefined,
): OwnedField<string | boolean | null>[] {
  const held = projectDate ? { ...shown, [PROJECT_DATE]: projectDate.date } : shown;
  return fieldsToWrite(githubOwnedFields(config, project, desired), githubOwnedFields(config, project, lastWritten(previous)), held);
}

/** The requests for the fields that changed, in the order labels, Project date, comment. */
export function githubRequests(
  source: Source,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  changed: readonly OwnedField<string | boolean | null>[],
  projectDate: ProjectDateWrite | undefined,
): OutboundRequest[] {
  const config = source.writeBack;
  const labelsTo = (on: boolean) => slaLabels(config, desired).filter(([label, wanted]) => wanted === on && changed.some((field) => field.key === labelKey(label))).map(([label]) => label);
  const add = labelsTo(true);
  const remove = labelsTo(false);
  const date = changed.find((field) => field.key === PROJECT_DATE);
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (add.length === 0 && remove.length === 0 && !date && !comment) return [];

  const { owner, repo, number } = githubIssueAddress(issue);
  const issueUrl = `${githubApiUrls(source).rest}/repos/${repoPath(`${owner}/${repo}`)}/issues/${number}`;
  const headers = githubApiHeaders(requireApiToken(source));
  const withBody = { ...headers, 'Content-Type': 'application/json' };
  const describe = (what: string) => `${source.kind} ${source.id}: ${what} of ${issue.key}`;
  const requests: OutboundRequest[] = [];
  if (add.length > 0) {
    requests.push({ method: 'POST', url: `${issueUrl}/labels`, headers: withBody, body: JSON.stringify({ labels: add }), description: describe(`SLA label ${add.join(', ')}`) });
  }
  for (const label of remove) {
    requests.push({ method: 'DELETE', url: `${issueUrl}/labels/${encodeURIComponent(label)}`, headers, body: '', description: describe(`removal of SLA label ${label}`) });
  }
  if (date && projectDate) requests.push(projectDateRequest(source, projectDate.project, issue, projectDate.target, date.value as string | null));
  if (comment) {
    requests.push({ method: 'POST', url: `${issueUrl}/comments`, headers: withBody, body: JSON.stringify({ body: breachText(issue.key, desired) }), description: describe('breach comment') });
  }
  return requests;
}

/**
 * The requests that make GitHub show `desired`, given the Project date as just read (and the item
 * it is in) when the source writes one: what the async builder sends once it has looked that up.
 */
export function buildWriteBack(
  source: Source,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  shown: ShownFields | undefined,
  projectDate: ProjectDateWrite | undefined,
): OutboundRequest[] {
  if (!source.writeBack.enabled) return [];
  const project = source.writeBack.due_date ? githubSettings(source).project : undefined;
  const changed = changedGithubFields(source.writeBack, project, desired, previous, shown, projectDate?.target);
  return githubRequests(source, issue, desired, previous, changed, projectDate);
}

/**
 * GitHub's "no such issue": 410 "This issue was deleted", 301 "Moved Permanently" for an issue
 * transferred to another repository (the bridge follows no redirect), and 404 "Not Found" with
 * its documentation link. A token that may not see the repository gets the same 404; a missing
 * label is 404 "Label does not exist", which is not the issue's absence.
 */
export function githubIssueGone({ status, data }: TrackerRefusal): boolean {
  const body = data !== null && typeof data === 'object' ? (data as { message?: unknown; documentation_url?: unknown }) : undefined;
  if (typeof body?.message !== 'string') return false;
  if (status === 410) return true;
  if (status === 301) return body.message === 'Moved Permanently';
  return status === 404 && body.message === 'Not Found' && typeof body.documentation_url === 'string';
}
