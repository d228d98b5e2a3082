import type { Priority } from '../domain/priority.js';
import { durationToMs } from '../domain/duration.js';
import type { SourceFile } from './schema.js';
import type { WriteBackConfig } from '../../connectors/shared/write-back-types.js';
import { compileGitlabSettings, type GitlabSettings } from '../../connectors/gitlab/source-settings.js';
import { compileGithubSettings, type GithubSettings } from '../../connectors/github/source-settings.js';

export type SourceKind = SourceFile['kind'];

/**
 * One configured tracker instance: how to verify its webhooks and how to read its issues. Names
 * and statuses are compared case-insensitively, so maps are keyed by lower-cased names.
 */
export interface Source {
  readonly id: string;
  readonly kind: SourceKind;
  readonly baseUrl: string;
  /** Non-empty accepted webhook secrets; empty only when `insecure`. */
  readonly secrets: readonly string[];
  readonly insecure: boolean;
  readonly dedupWindowMs: number;
  readonly bodyLimitBytes: number;
  readonly apiToken?: string | undefined;
  readonly apiUser?: string | undefined;
  readonly priority: { readonly field: string; readonly map: ReadonlyMap<string, Priority>; readonly default: Priority };
  readonly environment: { readonly labels: ReadonlyMap<string, string>; readonly field?: string | undefined };
  readonly statuses: { readonly resolved: ReadonlySet<string>; readonly paused: ReadonlySet<string> };
  readonly agents: { readonly users: ReadonlySet<string>; readonly domains: readonly string[]; readonly minAccessLevel?: number | undefined };
  readonly writeBack: WriteBackConfig;
  readonly reconcile: {
    readonly everyMs?: number | undefined;
    readonly lookbackMs?: number | undefined;
    /** Gitea/Forgejo `owner/name`; empty: every repository the token can see. GitHub: the repositories to read. */
    readonly repositories: readonly string[];
  };
  /** GitLab sources only: signing keys, the projects and groups to reconcile. */
  readonly gitlab?: GitlabSettings | undefined;
  /** GitHub sources only: author associations of agents and the Project that shows the due date. */
  readonly github?: GithubSettings | undefined;
}

const lower = (values: Iterable<string>) => new Set([...values].map((value) => value.toLowerCase()));
const lowerKeys = <V>(record: Record<string, V>) => new Map(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));

export function compileSource(id: string, file: SourceFile): Source {
  return {
    id,
    kind: file.kind,
    baseUrl: file.base_url.replace(/\/+$/, ''),
    secrets: file.webhook.secrets.filter((secret) => secret !== ''),
    insecure: file.webhook.insecure,
    dedupWindowMs: durationToMs(file.webhook.dedup_window, 86_400_000, 7 * 86_400_000),
    bodyLimitBytes: file.webhook.body_limit,
    apiToken: file.api.token || undefined,
    apiUser: file.api.user || undefined,
    priority: { field: file.priority.field, map: lowerKeys(file.priority.map), default: file.priority.default },
    environment: { labels: lowerKeys(file.environment.labels), field: file.environment.field },
    statuses: { resolved: lower(file.statuses.resolved), paused: lower(file.statuses.paused) },
    writeBack: file.write_back,
    reconcile: {
      everyMs: file.reconcile.every && durationToMs(file.reconcile.every, 86_400_000, 7 * 86_400_000),
      lookbackMs: file.reconcile.lookback && durationToMs(file.reconcile.lookback, 86_400_000, 7 * 86_400_000),
      repositories: file.reconcile.repositories,
    },
    agents: { users: lower(file.agents.users), domains: file.agents.domains.map((domain) => domain.toLowerCase().replace(/^@/, '')), minAccessLevel: file.agents.min_access_level },
    ...(file.kind === 'gitlab' ? { gitlab: compileGitlabSettings(file.gitlab) } : {}),
    ...(file.kind === 'github' ? { github: compileGithubSettings(file) } : {}),
  };
}
