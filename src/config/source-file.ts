/**
 * The keys every source file (`config/sources/*.yaml`) has, whatever its tracker, and the blocks a
 * tracker may add keys of its own to (src/config/source-settings.ts).
 */
import { z } from 'zod';
import { prioritySchema } from '../domain/priority.js';
import { byteSizeSchema } from './schema.js';
import { durationSchema, idSchema } from './field-schemas.js';
import { writeBackConfigShape } from './write-back-config.js';

/** The keys a tracker adds, per block of the source file (`top`: at the top level). */
export interface SettingsShape {
  readonly top?: z.ZodRawShape;
  readonly agents?: z.ZodRawShape;
  readonly write_back?: z.ZodRawShape;
  readonly reconcile?: z.ZodRawShape;
}

/** A problem with a source file, at a path in it. */
export interface SourceIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The deepest recorded payload (test/fixtures/: a Jira Server issue with its comments) nests 8
 * levels and its longest array has 88 elements; test/json-limits.test.ts keeps these far above that.
 */
export const DEFAULT_DEPTH_LIMIT = 64;
export const DEFAULT_ARRAY_LIMIT = 10_000;

const webhookShape = {
  /** Up to two accepted secrets, so a secret can be rotated without downtime. */
  secrets: z.array(z.string()).max(2, { error: 'at most two secrets (the current one and the next)' }).default([]),
  insecure: z.boolean().default(false),
  dedup_window: durationSchema.prefault('24h'),
  body_limit: byteSizeSchema.prefault('1mb'),
  /** How deep the JSON may nest (src/app/http/json-limits.ts); the default is far above what trackers send. */
  depth_limit: z.number().int().min(1, { error: 'at least 1' }).max(10_000, { error: 'at most 10000' }).default(DEFAULT_DEPTH_LIMIT),
  /** How many elements any one array of the JSON may have. */
  array_limit: z.number().int().min(1, { error: 'at least 1' }).default(DEFAULT_ARRAY_LIMIT),
};

const agentsShape = {
  /** User names, logins, account ids or e-mail addresses of the provider's agents. */
  users: z.array(z.string().min(1)).default([]),
  /** Everyone with an e-mail address in these domains is an agent, e.g. `open2bizz.nl`. */
  domains: z.array(z.string().min(1)).default([]),
};

const reconcileShape = {
  /** Run periodically inside the bridge; without it only `sla-bridge reconcile` runs it. */
  every: durationSchema.optional(),
  /** How far back each periodic run looks; twice `every` when absent, so a missed run is covered. */
  lookback: durationSchema.optional(),
};

/** The keys of a source file of `kind`, with the tracker's own added to its blocks. */
export function sourceShape(kind: string, extra: SettingsShape) {
  return {
    id: idSchema.optional(),
    kind: z.literal(kind),
    description: z.string().optional(),
    base_url: z.url({ error: "expected the tracker's base URL, e.g. https://jira.example.com" }),
    webhook: z.strictObject(webhookShape).prefault({}),
    api: z.strictObject({ token: z.string().optional(), user: z.string().optional() }).default({}),
    priority: z.strictObject({
      /** Which of the tracker's fields holds the priority (`priority`, `severity`, `labels`, a custom field). */
      field: z.string().min(1),
      map: z.record(z.string().min(1), prioritySchema),
      default: prioritySchema,
    }),
    environment: z
      .strictObject({
        /** Labels that mark the issue's environment, e.g. `env/test: test`. */
        labels: z.record(z.string().min(1), z.string().min(1)).default({}),
        /** A field holding the environment (Jira `environment` or a custom field id; a Mantis custom field). */
        field: z.string().min(1).optional(),
      })
      .prefault({}),
    statuses: z
      .strictObject({
        /** Tracker statuses (label-based trackers: labels) in which the issue counts as resolved. */
        resolved: z.array(z.string().min(1)).default([]),
        /** Tracker statuses (label-based trackers: labels) in which every SLA clock stands still. */
        paused: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    agents: z.strictObject({ ...agentsShape, ...extra.agents }).prefault({}),
    /** Writing the deadlines back into the tracker's own fields. */
    write_back: z.strictObject({ ...writeBackConfigShape, ...extra.write_back }).prefault({}),
    /**
     * Custom fields the contracts read (hours approval, an outage's "down since" and "service
     * restored"), by the name the contracts use: the tracker's field id (Jira `customfield_10070`)
     * or name (a MantisBT custom field). Trackers without custom fields refuse it.
     */
    watched_fields: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Asking the tracker's REST API what changed, to catch lost webhooks (needs `api.token`). */
    reconcile: z.strictObject({ ...reconcileShape, ...extra.reconcile }).prefault({}),
    ...extra.top,
  };
}

/** What every tracker's source file holds, as parsed: the type the core reads. */
const coreSourceSchema = z.strictObject(sourceShape('core', {}));
export type CoreSourceFile = Omit<z.output<typeof coreSourceSchema>, 'kind'> & { readonly kind: string };

/** What no tracker can do without. */
export function coreIssues(source: CoreSourceFile): SourceIssue[] {
  const issues: SourceIssue[] = [];
  if (source.reconcile.every && !source.api.token) {
    issues.push({ path: ['reconcile', 'every'], message: "reconciliation reads the tracker's REST API: set api.token" });
  }
  // An empty token (an unset ${VAR:-}) is none.
  if (source.write_back.enabled && !source.api.token) {
    issues.push({ path: ['api', 'token'], message: 'write_back is enabled, so the source needs an API token' });
  }
  if (source.webhook.secrets.every((secret) => secret === '') && !source.webhook.insecure) {
    issues.push({ path: ['webhook', 'secrets'], message: 'a source without a webhook secret is refused; set one, or `insecure: true` to accept unsigned webhooks' });
  }
  return issues;
}

