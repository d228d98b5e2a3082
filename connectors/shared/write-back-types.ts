/**
 * Write-back: what the bridge wants a tracker to show for one issue, the `write_back:` block of a
 * source, and the request shape every tracker's builder returns. The builders are pure: they turn
 * "what the tracker should show" and "what we last wrote" into HTTP requests, and the caller sends
 * them (OutboundHttp) and stores `desired` as the new `previous` once every request succeeded.
 *
 * Diffs are taken on the values as the tracker would store them, not on the instants: two
 * deadlines that render the same (Gitea keeps only the date) need no request, and the same instant
 * in another zone (a contract moved to another calendar) does.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { SourceKind } from '../../src/config/source.js';
import type { Instant } from '../../src/domain/business-calendar.js';
import { METRICS, metricSchema, type Metric } from '../../src/domain/metric.js';
import type { IssueSla, MetricStatus } from '../../src/domain/sla-clock.js';

// ---------------------------------------------------------------------------------------------
// Config

/** Jira takes custom fields by id: names are not unique and are translated per user. */
const JIRA_CUSTOM_FIELD = /^customfield_\d+$/;

const fieldsSchema = z
  .strictObject({
    reaction: z.string().min(1).optional(),
    response: z.string().min(1).optional(),
    resolution: z.string().min(1).optional(),
  })
  .default({});

const labelsSchema = z
  .strictObject({
    at_risk: z.string().min(1).optional(),
    breached: z.string().min(1).optional(),
  })
  .default({});

/**
 * The `write_back:` block of a source. One shape for every tracker, so that a misspelt key is an
 * error whatever the kind; which keys a kind can use is checked by `writeBackIssues`, because the
 * kind is a sibling of this block.
 *
 * - `fields` (Jira, Mantis): per metric, the field that shows its open deadline. Jira: a date-time
 *   custom field by id (`customfield_10050`); Mantis: a date custom field by name.
 * - `due_date` (all): the tracker's own due date shows the nearest open deadline. The bridge then
 *   owns that field: a due date set by hand is overwritten at the next write.
 * - `labels` (Gitea/Forgejo, GitLab, GitHub): label names put on while the SLA is at risk or
 *   breached. In Gitea the labels must already exist (it silently skips names it does not know);
 *   GitLab and GitHub create a label they do not have.
 * - `comment_on_breach` (all): one comment when the issue goes from not breached to breached.
 */
export const writeBackConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  fields: fieldsSchema,
  due_date: z.boolean().default(false),
  labels: labelsSchema,
  comment_on_breach: z.boolean().default(false),
});
export type WriteBackConfig = z.infer<typeof writeBackConfigSchema>;

export interface WriteBackIssue {
  /** Relative to the source file, e.g. ['write_back', 'fields', 'reaction']. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The parts of a parsed source file the kind-specific checks need. */
export interface WriteBackSourceFacts {
  readonly kind: SourceKind;
  readonly api: { readonly token?: string | undefined };
  readonly write_back: WriteBackConfig;
}

/**
 * What a `write_back` block asks that its tracker cannot do. Meant for the source schema's
 * superRefine: `for (const issue of writeBackIssues(source)) ctx.addIssue({ code: 'custom', ...issue })`.
 * Checked even while disabled, so that switching it on does not surface old mistakes.
 */
export function writeBackIssues(source: WriteBackSourceFacts): WriteBackIssue[] {
  const issues: WriteBackIssue[] = [];
  const config = source.write_back;
  const at = (...path: (string | number)[]) => ['write_back', ...path];
  const fields = Object.entries(config.fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const labels = Object.entries(config.labels).filter((entry) => entry[1] !== undefined);

  if (source.kind === 'jira') {
    for (const [metric, field] of fields) {
      if (!JIRA_CUSTOM_FIELD.test(field)) {
        issues.push({ path: at('fields', metric), message: `"${field}" is not a Jira custom field id (use e.g. customfield_10050)` });
      }
    }
  }
  const labelled = source.kind === 'gitea' || source.kind === 'forgejo' || source.kind === 'gitlab' || source.kind === 'github';
  // GitHub's own settings check says what to use there instead (connectors/github/source-settings.ts).
  if (labelled && source.kind !== 'github' && fields.length > 0) {
    issues.push({ path: at('fields'), message: `${source.kind === 'gitlab' ? 'GitLab' : 'Gitea and Forgejo'} issues have no custom fields; use due_date and labels` });
  }
  if (!labelled && labels.length > 0) {
    issues.push({ path: at('labels'), message: 'SLA labels are written to Gitea, Forgejo, GitLab and GitHub only; use fields on this tracker' });
  }
  // compileSource turns an empty token (an unset ${VAR:-}) into none, so an empty one is missing too.
  if (config.enabled && !source.api.token) {
    issues.push({ path: ['api', 'token'], message: 'write_back is enabled, so the source needs an API token' });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// What the tracker should show

const instantSchema = z.number().int();

/**
 * Plain data, so that the caller can store it as `previous` (e.g. JSON in Redis) and parse it back
 * with this schema.
 */
export const writeBackFieldsSchema = z.strictObject({
  /**
   * Per metric, the deadline of a metric that is still open (running, or overdue and unmet); null
   * when it is met, paused, not started or not applicable.
   */
  deadlines: z.strictObject({
    reaction: instantSchema.nullable(),
    response: instantSchema.nullable(),
    resolution: instantSchema.nullable(),
  }),
  /** The contract calendar's zone, in which deadlines are shown; UTC when no contract covers the issue. */
  zone: z.string().min(1),
  /** The earliest of the open deadlines (an overdue one included): for trackers with one due date. */
  nearest: instantSchema.nullable(),
  /** A running metric has passed a warning threshold, and nothing is breached. */
  atRisk: z.boolean(),
  /** Some metric is breached: overdue while open, or met after its deadline. */
  breached: z.boolean(),
  /** The breached metrics, in metric order: what the breach comment names. */
  breachedMetrics: z.array(metricSchema),
});
export type WriteBackFields = z.infer<typeof writeBackFieldsSchema>;

/**
 * A met metric (on time or late) shows no deadline: the field says what still has to happen, and a
 * met deadline left in it would, once passed, make every "deadline < now" filter list the issue as
 * overdue. A paused metric has no deadline either (the clock gives none, and the old one would move
 * on resume), nor has one that has not started or does not apply.
 */
function openDeadline(status: MetricStatus): Instant | null {
  if (status.metAt !== undefined) return null;
  if (status.state !== 'running' && status.state !== 'breached') return null;
  return status.deadline ?? null;
}

/**
 * Only a running clock is at risk: a paused metric past a warning is waiting for someone else, and
 * the label comes back when its clock runs again.
 */
function pastWarning(status: MetricStatus, now: Instant): boolean {
  return status.state === 'running' && (status.warnings ?? []).some((warning) => warning.at !== null && warning.at <= now);
}

export const NOTHING_TO_SHOW: WriteBackFields = {
  deadlines: { reaction: null, response: null, resolution: null },
  zone: 'UTC',
  nearest: null,
  atRisk: false,
  breached: false,
  breachedMetrics: [],
};

/** What the tracker should show for an issue, from the SLA clock's answer at `now`. */
export function writeBackFieldsFrom(sla: IssueSla, now: Instant): WriteBackFields {
  if (!sla.covered) return NOTHING_TO_SHOW;
  const byMetric = new Map(sla.metrics.map((status) => [status.metric, status]));
  const deadlineOf = (metric: Metric) => {
    const status = byMetric.get(metric);
    return status ? openDeadline(status) : null;
  };
  const deadlines = { reaction: deadlineOf('reaction'), response: deadlineOf('response'), resolution: deadlineOf('resolution') };
  const open = METRICS.map((metric) => deadlines[metric]).filter((deadline): deadline is Instant => deadline !== null);
  const breachedMetrics = METRICS.filter((metric) => byMetric.get(metric)?.state === 'breached');
  const breached = breachedMetrics.length > 0;
  return {
    deadlines,
    // Every metric of an issue is evaluated at the same priority, so on the same calendar and zone.
    zone: sla.metrics[0]?.zone ?? 'UTC',
    nearest: open.length > 0 ? Math.min(...open) : null,
    atRisk: !breached && sla.metrics.some((status) => pastWarning(status, now)),
    breached,
    breachedMetrics,
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

export type WriteBackMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** Structurally an OutboundRequest (src/app/outbound-http.ts), so it can be sent as is. */
export interface OutgoingRequest {
  readonly method: WriteBackMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact JSON bytes to send; empty for a GET or DELETE. */
  readonly body: string;
  /** For logs and dead letters: names the tracker, source and issue, never a credential. */
  readonly description: string;
}

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

/** Per metric, the configured field and its value rendered for the tracker, where it differs from what was written. */
export function changedMetricFields<V extends string | null>(
  config: WriteBackConfig,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  render: (deadline: Instant | null, zone: string) => V,
): { readonly metric: Metric; readonly field: string; readonly value: V }[] {
  const changed: { metric: Metric; field: string; value: V }[] = [];
  for (const metric of METRICS) {
    const field = config.fields[metric];
    if (field === undefined) continue;
    const value = render(desired.deadlines[metric], desired.zone);
    const before = lastWritten(previous);
    if (value === render(before.deadlines[metric], before.zone)) continue;
    changed.push({ metric, field, value });
  }
  return changed;
}

/** The nearest deadline rendered for the tracker's due date, when it differs from what was written. */
export function changedDueDate<V extends string | null>(
  config: WriteBackConfig,
  desired: WriteBackFields,
  previous: WriteBackFields | undefined,
  render: (deadline: Instant | null, zone: string) => V,
): { readonly value: V } | undefined {
  if (!config.due_date) return undefined;
  const value = render(desired.nearest, desired.zone);
  const before = lastWritten(previous);
  if (value === render(before.nearest, before.zone)) return undefined;
  return { value };
}
