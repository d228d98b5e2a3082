/**
 * Gitea and Forgejo write-back: the issue's due date (the nearest open deadline), the at-risk and
 * breached labels, and a comment when the issue becomes breached.
 *
 * Gitea keeps only the date of a due date: `PATCH .../issues/{n}` with `due_date` stores 23:59:59
 * of that day in the offset the value carries (routers/api/v1/repo/issue.go, EditIssue). So the
 * builder sends exactly that, the deadline's day in the contract's zone at 23:59:59, and a deadline
 * that moves within its day needs no request. Gitea shows the issue overdue only after that day;
 * the breached label is what says so at the deadline itself. A token without write access to the
 * issues is answered 201 and the due date silently left alone.
 *
 * Labels: adding takes names since Gitea 1.22 (ids before), but removing one takes its id only
 * (`DELETE .../labels/{id}`; `DELETE .../labels` clears every label, the priority ones too). So a
 * removal needs the repository's label ids, which the caller looks up with `repoLabelsRequest` and
 * `labelIdsFrom` and passes in; adding uses the id as well when it is known.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { Instant } from '../../src/domain/business-calendar.js';
import { SECOND_MS } from '../../src/domain/duration.js';
import type { IssueRef, TrackerRefusal } from '../connector.js';
import { canonicalInstant, fieldsToWrite, type OwnedField, type ShownFields } from '../shared/owned-fields.js';
import { JSON_HEADERS, breachStarted, breachText, inZone, lastWritten, requireApiToken } from '../shared/write-back-requests.js';
import type { OutboundRequest } from '../outbound-request.js';
import type { WriteBackConfig } from '../../src/config/write-back-config.js';
import type { WriteBackFields } from '../../src/domain/write-back-fields.js';

export interface GiteaIssueAddress {
  readonly owner: string;
  readonly repo: string;
  readonly index: number;
}

/** The connector's issue id, `owner/repo#n`, as the parts of an API path. */
export function giteaIssueAddress(issue: IssueRef): GiteaIssueAddress {
  const match = /^([^/]+)\/([^/#]+)#(\d+)$/.exec(issue.id);
  if (!match) throw new Error(`"${issue.id}" is not a Gitea issue id (owner/repo#n)`);
  return { owner: match[1]!, repo: match[2]!, index: Number(match[3]) };
}

/** The due date as Gitea will store it: the deadline's day, 23:59:59, in the zone's offset at that time. */
export function giteaDueDate(deadline: Instant | null, zone: string): string | null {
  if (deadline === null) return null;
  return inZone(deadline, zone).set({ hour: 23, minute: 59, second: 59, millisecond: 0 }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

export class MissingLabelIdError extends Error {
  constructor(readonly labels: readonly string[], repository: string) {
    super(`removing ${labels.map((label) => `"${label}"`).join(', ')} from an issue in ${repository} needs the label id: look the ids up with repoLabelsRequest`);
    this.name = 'MissingLabelIdError';
  }
}

const repoPath = (source: Source, { owner, repo }: GiteaIssueAddress) =>
  `${source.baseUrl}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

const headersFor = (source: Source) => ({ Authorization: `token ${requireApiToken(source)}`, ...JSON_HEADERS });

/** Gitea's default and usual maximum page size (MAX_RESPONSE_ITEMS). */
export const LABEL_PAGE_SIZE = 50;

/** One page of the repository's labels, for `labelIdsFrom`; a full page means there may be another. */
export function repoLabelsRequest(source: Source, issue: IssueRef, page = 1): OutboundRequest {
  const address = giteaIssueAddress(issue);
  return {
    method: 'GET',
    url: `${repoPath(source, address)}/labels?page=${page}&limit=${LABEL_PAGE_SIZE}`,
    headers: { Authorization: `token ${requireApiToken(source)}`, Accept: 'application/json' },
    body: '',
    description: `${source.kind} ${source.id}: labels of ${address.owner}/${address.repo} (page ${page})`,
  };
}

const labelListSchema = z.array(z.looseObject({ id: z.number().int(), name: z.string() }));

/** Label name → id, from the answers to `repoLabelsRequest`. */
export function labelIdsFrom(...pages: unknown[]): Map<string, number> {
  return new Map(pages.flatMap((page) => labelListSchema.parse(page).map((label) => [label.name, label.id] as const)));
}

const DUE_DATE = 'due_date';
const labelKey = (label: string) => `label:${label}`;

/** The owned fields as Gitea holds them: the due date (23:59:59 of its day, to the second) and each SLA label, on or off. */
export function giteaOwnedFields(config: WriteBackConfig, fields: WriteBackFields): OwnedField<string | boolean | null>[] {
  const owned: OwnedField<string | boolean | null>[] = [];
  if (config.due_date) {
    const dueDate = giteaDueDate(fields.nearest, fields.zone);
    owned.push({ key: DUE_DATE, value: dueDate, canonical: canonicalInstant(dueDate === null ? null : Date.parse(dueDate), SECOND_MS) });
  }
  for (const [label, on] of slaLabels(config, fields)) owned.push({ key: labelKey(label), value: on, canonical: on ? 'on' : null });
  return owned;
}

/** The configured SLA labels, each with whether the issue should carry it. */
function slaLabels(config: WriteBackConfig, fields: WriteBackFields): [string, boolean][] {
  const flags: [string | undefined, boolean][] = [
    [config.labels.at_risk, fields.atRisk],
    [config.labels.breached, fields.breached],
  ];
  return flags.filter((flag): flag is [string, boolean] => flag[0] !== undefined);
}

/**
 * What an issue (as a webhook carries it) shows of the owned fields: `due_date` (RFC 3339 or null)
 * and the labels. A key the payload leaves out is not shown.
 */
export function giteaShownFields(
  config: WriteBackConfig,
  issue: { readonly due_date?: string | null | undefined; readonly labels?: readonly { readonly name: string }[] | null | undefined },
): ShownFields {
  const shown: Record<string, string | null> = {};
  if (config.due_date && issue.due_date !== undefined) {
    const at = issue.due_date === null ? null : Date.parse(issue.due_date);
    if (at === null || !Number.isNaN(at)) shown[DUE_DATE] = canonicalInstant(at, SECOND_MS);
  }
  if (issue.labels !== undefined) {
    const names = new Set((issue.labels ?? []).map((label) => label.name));
    for (const label of [config.labels.at_risk, config.labels.breached]) if (label !== undefined) shown[labelKey(label)] = names.has(label) ? 'on' : null;
  }
  return shown;
}

export function buildWriteBack(
  source: Source,
  config: WriteBackConfig,
  issue: IssueRef,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  labelIds: ReadonlyMap<string, number> = new Map(),
  shown?: ShownFields,
): OutboundRequest[] {
  if (!config.enabled) return [];
  const changed = fieldsToWrite(giteaOwnedFields(config, desired), giteaOwnedFields(config, lastWritten(previous)), shown);
  const dueDate = changed.find((field) => field.key === DUE_DATE);
  const labelsTo = (on: boolean) => slaLabels(config, desired).filter(([label, wanted]) => wanted === on && changed.some((field) => field.key === labelKey(label))).map(([label]) => label);
  const labels = { add: labelsTo(true), remove: labelsTo(false) };
  const comment = config.comment_on_breach && breachStarted(desired, previous);
  if (!dueDate && labels.add.length === 0 && labels.remove.length === 0 && !comment) return [];

  const address = giteaIssueAddress(issue);
  const repository = `${address.owner}/${address.repo}`;
  const missing = labels.remove.filter((label) => !labelIds.has(label));
  if (missing.length > 0) throw new MissingLabelIdError(missing, repository);
  const headers = headersFor(source);
  const issueUrl = `${repoPath(source, address)}/issues/${address.index}`;
  const describe = (what: string) => `${source.kind} ${source.id}: ${what} of ${issue.key}`;
  const requests: OutboundRequest[] = [];

  if (dueDate) {
    const body = dueDate.value === null ? { unset_due_date: true } : { due_date: dueDate.value };
    requests.push({ method: 'PATCH', url: issueUrl, headers, body: JSON.stringify(body), description: describe('SLA due date') });
  }
  if (labels.add.length > 0) {
    // Gitea refuses ids and names mixed in one list, so it is all ids or all names.
    const ids = labels.add.map((label) => labelIds.get(label));
    const known = ids.every((id): id is number => id !== undefined);
    requests.push({
      method: 'POST',
      url: `${issueUrl}/labels`,
      headers,
      body: JSON.stringify({ labels: known ? ids : labels.add }),
      description: describe(`SLA label ${labels.add.join(', ')}`),
    });
  }
  for (const label of labels.remove) {
    requests.push({
      method: 'DELETE',
      url: `${issueUrl}/labels/${labelIds.get(label)!}`,
      headers: { Authorization: headers.Authorization, Accept: 'application/json' },
      body: '',
      description: describe(`removal of SLA label ${label}`),
    });
  }
  if (comment) {
    requests.push({
      method: 'POST',
      url: `${issueUrl}/comments`,
      headers,
      body: JSON.stringify({ body: breachText(issue.key, desired) }),
      description: describe('breach comment'),
    });
  }
  return requests;
}

/**
 * Gitea and Forgejo answer a request for an issue (or a repository) that is gone with 404 and their
 * JSON error, `{"message": "The target couldn't be found.", "url": …}` or "issue does not exist …".
 */
export function giteaIssueGone({ status, data }: TrackerRefusal): boolean {
  const message = (data as { message?: unknown } | null)?.message;
  return status === 404 && typeof message === 'string' && /couldn't be found|does not exist|not found/i.test(message);
}
