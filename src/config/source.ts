import type { Priority } from '../domain/priority.js';
import { durationToMs } from '../domain/duration.js';
import type { CoreSourceFile, SettingsShape } from './source-file.js';
import type { SourceSettings } from './source-settings.js';
import type { WriteBackConfig } from './write-back-config.js';

/** A tracker kind: a key of the connector registry (`jira`, `gitea`, `gitlab`, ...). */
export type SourceKind = string;

/**
 * One configured tracker instance: how to verify its webhooks and how to read its issues. Names
 * and statuses are compared case-insensitively, so maps are keyed by lower-cased names. What only
 * one tracker has is in `settings`, compiled by its connector.
 */
export interface Source<Settings = unknown> {
  readonly id: string;
  readonly kind: SourceKind;
  readonly baseUrl: string;
  /** Non-empty accepted webhook secrets; empty only when `insecure`. */
  readonly secrets: readonly string[];
  readonly insecure: boolean;
  readonly dedupWindowMs: number;
  readonly bodyLimitBytes: number;
  /** How deep a webhook body may nest and how long any of its arrays may be. */
  readonly jsonLimits: { readonly maxDepth: number; readonly maxArrayLength: number };
  readonly apiToken?: string | undefined;
  readonly apiUser?: string | undefined;
  readonly priority: { readonly field: string; readonly map: ReadonlyMap<string, Priority>; readonly default: Priority };
  readonly environment: { readonly labels: ReadonlyMap<string, string>; readonly field?: string | undefined };
  readonly statuses: { readonly resolved: ReadonlySet<string>; readonly paused: ReadonlySet<string> };
  readonly agents: { readonly users: ReadonlySet<string>; readonly domains: readonly string[] };
  readonly writeBack: WriteBackConfig;
  /** The source's name for a watched custom field → the tracker's field (id or name). */
  readonly watchedFields: ReadonlyMap<string, string>;
  readonly reconcile: {
    readonly everyMs?: number | undefined;
    readonly lookbackMs?: number | undefined;
  };
  readonly settings: Settings;
}

const lower = (values: Iterable<string>) => new Set([...values].map((value) => value.toLowerCase()));
const lowerKeys = <V>(record: Record<string, V>) => new Map(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
const DAY_MS = 86_400_000;

/** A parsed source file as the bridge uses it; `settings` compiles what only its tracker has. */
export function compileSource(id: string, file: CoreSourceFile, settings?: SourceSettings<SettingsShape, unknown>): Source {
  const { enabled, fields, due_date, labels, comment_on_breach } = file.write_back;
  return {
    id,
    kind: file.kind,
    baseUrl: file.base_url.replace(/\/+$/, ''),
    secrets: file.webhook.secrets.filter((secret) => secret !== ''),
    insecure: file.webhook.insecure,
    // Real time: a day of the dedup window is 24 h.
    dedupWindowMs: durationToMs(file.webhook.dedup_window, DAY_MS, 7 * DAY_MS),
    bodyLimitBytes: file.webhook.body_limit,
    jsonLimits: { maxDepth: file.webhook.depth_limit, maxArrayLength: file.webhook.array_limit },
    apiToken: file.api.token || undefined,
    apiUser: file.api.user || undefined,
    priority: { field: file.priority.field, map: lowerKeys(file.priority.map), default: file.priority.default },
    environment: { labels: lowerKeys(file.environment.labels), field: file.environment.field },
    statuses: { resolved: lower(file.statuses.resolved), paused: lower(file.statuses.paused) },
    writeBack: { enabled, fields, due_date, labels, comment_on_breach },
    watchedFields: new Map(Object.entries(file.watched_fields)),
    reconcile: {
      everyMs: file.reconcile.every && durationToMs(file.reconcile.every, DAY_MS, 7 * DAY_MS),
      lookbackMs: file.reconcile.lookback && durationToMs(file.reconcile.lookback, DAY_MS, 7 * DAY_MS),
    },
    agents: { users: lower(file.agents.users), domains: file.agents.domains.map((domain) => domain.toLowerCase().replace(/^@/, '')) },
    settings: settings ? settings.compile(file as Parameters<typeof settings.compile>[0]) : undefined,
  };
}
