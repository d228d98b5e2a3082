/**
 * The settings only a GitLab source has, under `gitlab:` in its source file. Everything else
 * (priority, statuses, agents, write_back, reconcile.every) is the shared source schema.
 *
 * ```yaml
 * gitlab:
 *   signing:                    # GitLab's "Signing token" (Standard Webhooks)
 *     secrets: ["${GITLAB_SIGNING_TOKEN:-}", "${GITLAB_SIGNING_TOKEN_NEXT:-}"]   # whsec_<base64>
 *     required: false           # true: refuse a delivery that carries no valid webhook-signature
 *     tolerance: 5m             # how far webhook-timestamp may be from the bridge's clock
 *   projects: [acme/support/app]   # reconciliation reads these projects' issues …
 *   groups: [acme/support]         # … and these groups' (with their subgroups); neither: every issue the token sees
 * ```
 *
 * Priority from an incident's severity is `priority.field: severity` of the shared schema, whose
 * `field` only GitLab reads that way (see `gitlabSourceSettings`).
 *
 *
 * Agents are listed by username in `agents.users`, or by group in `agents.groups` (full paths):
 * the bridge reads those groups' members (./agent-members.ts) when it starts and every few
 * minutes, so that deciding agent or customer never waits for GitLab while a webhook is answered,
 * and webhooks and reconciliation decide alike.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import { sourceSettings, type SourceIssue } from '../../src/config/source-settings.js';
import { noCustomFields, noWatchedFields } from '../shared/settings-checks.js';
import { parseDuration, durationToMs, type Duration } from '../../src/domain/duration.js';

/** `group/project`, `group/subgroup/project`: a namespaced path as GitLab's API takes it, URL-encoded. */
const namespacedPath = (what: string) =>
  z.string().regex(/^[^/\s]+(\/[^/\s]+)+$/, { error: `expected the ${what}'s full path, e.g. acme/support/app` });

const groupPath = z.string().regex(/^[^/\s]+(\/[^/\s]+)*$/, { error: "expected the group's full path, e.g. acme/support" });

const toleranceSchema = z.string().transform((text, ctx): Duration => {
  const duration = parseDuration(text);
  if (!duration) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use e.g. 5m or 30s)` });
    return z.NEVER;
  }
  return duration;
});

/** Standard Webhooks secrets: `whsec_` and the base64 of the key GitLab generates (32 bytes). */
const signingSecret = z.string().refine((secret) => secret === '' || /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret), {
  error: 'expected a GitLab signing token, whsec_ followed by base64',
});

export const gitlabSourceSettingsSchema = z
  .strictObject({
    signing: z
      .strictObject({
        /** Up to two, for a rotation; empty strings (an unset `${VAR:-}`) are dropped. */
        secrets: z.array(signingSecret).max(2, { error: 'at most two signing tokens (the current one and the next)' }).default([]),
        required: z.boolean().default(false),
        tolerance: toleranceSchema.prefault('5m'),
      })
      .prefault({}),
    projects: z.array(namespacedPath('project')).default([]),
    groups: z.array(groupPath).default([]),
  });

export type GitlabSourceSettingsFile = z.output<typeof gitlabSourceSettingsSchema>;

/** The settings as the connector uses them. */
export interface GitlabSettings {
  readonly signing: {
    /** The HMAC keys (decoded from `whsec_…`), non-empty. */
    readonly keys: readonly Buffer[];
    readonly required: boolean;
    readonly toleranceMs: number;
  };
  readonly projects: readonly string[];
  readonly groups: readonly string[];
  /** `agents.groups`: every member of these groups is an agent. */
  readonly agentGroups: readonly string[];
}

export const DEFAULT_GITLAB_SETTINGS: GitlabSettings = {
  signing: { keys: [], required: false, toleranceMs: 5 * 60_000 },
  projects: [],
  groups: [],
  agentGroups: [],
};

export function compileGitlabSettings(file: GitlabSourceSettingsFile | undefined, agentGroups: readonly string[] = []): GitlabSettings {
  if (!file) return { ...DEFAULT_GITLAB_SETTINGS, agentGroups };
  const secrets = file.signing.secrets.filter((secret) => secret !== '');
  return {
    signing: {
      keys: secrets.map((secret) => Buffer.from(secret.slice('whsec_'.length), 'base64')),
      required: file.signing.required,
      // Real time, not business time: a day is 24 h here.
      toleranceMs: durationToMs(file.signing.tolerance, 86_400_000, 7 * 86_400_000),
    },
    projects: file.projects,
    groups: file.groups,
    agentGroups,
  };
}

/** A GitLab source's own settings: the registry pairs every source with its own connector's. */
export const gitlabSettings = (source: Source): GitlabSettings => (source.settings as GitlabSettings | undefined) ?? DEFAULT_GITLAB_SETTINGS;

/** The `gitlab:` block, and what a GitLab source file may ask. */
export const gitlabSourceSettings = sourceSettings({
  shape: { top: { gitlab: gitlabSourceSettingsSchema.optional() }, agents: { groups: z.array(groupPath).default([]) } },
  check: (file) => {
    const issues: SourceIssue[] = [];
    if (file.priority.field !== 'labels' && file.priority.field !== 'severity') {
      issues.push({ path: ['priority', 'field'], message: `GitLab priorities come from labels or an incident's severity: use labels or severity, not "${file.priority.field}"` });
    }
    if (file.agents.groups.length > 0 && !file.api.token) {
      issues.push({ path: ['agents', 'groups'], message: "the groups' members are read through the GitLab API: set api.token (read_api scope)" });
    }
    if (file.gitlab?.signing.required && file.gitlab.signing.secrets.every((secret) => secret === '')) {
      issues.push({ path: ['gitlab', 'signing', 'secrets'], message: 'signing is required, so set the signing token (whsec_…) GitLab signs with' });
    }
    return [...issues, ...noCustomFields('GitLab', file.write_back, 'use due_date and labels'), ...noWatchedFields('GitLab', file.watched_fields)];
  },
  compile: (file) => compileGitlabSettings(file.gitlab, file.agents.groups),
});
