/**
 * The source settings only a GitHub source has, compiled into its `Source.settings`:
 *
 * ```yaml
 * agents:
 *   users: [open2bizz-support]              # logins, as for every tracker
 *   associations: [OWNER, MEMBER, COLLABORATOR]
 *   teams: [open2bizz/support]              # org/team-slug
 * write_back:
 *   due_date: true                          # GitHub issues have no due date: it goes into ...
 *   project: { owner: open2bizz, number: 3, field: SLA due }   # ... a date field of a Project
 * ```
 *
 * - `agents.associations`: a comment whose `author_association` (the author's relation to the
 *   repository, as GitHub computes it for the payload) is one of these counts as an agent's.
 *   GitHub computes it without seeing private organisation membership: a member whose membership
 *   is private shows as CONTRIBUTOR or NONE, so list such agents by login.
 * - `write_back.project`: the Projects (v2) board whose Date field shows the nearest open deadline;
 *   by `owner` (organisation or user login) and `number` as in its URL, or by its node `id`.
 *
 * - `agents.teams`: every member of these teams (`org/team-slug`, as in the team's URL) is an
 *   agent. The bridge reads the teams' members (./agent-members.ts) when it starts and every few
 *   minutes, so a webhook is never kept waiting for GitHub, and webhooks and reconciliation
 *   decide alike.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import { sourceSettings, type SourceIssue } from '../../src/config/source-settings.js';
import { repositoriesSchema } from '../shared/repositories.js';
import { noCustomFields, noWatchedFields } from '../shared/settings-checks.js';

/** Every `author_association` GitHub documents for issues and comments. */
export const AUTHOR_ASSOCIATIONS = ['COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'MANNEQUIN', 'MEMBER', 'NONE', 'OWNER'] as const;
export type AuthorAssociation = (typeof AUTHOR_ASSOCIATIONS)[number];

const associationSchema = z.string().transform((text, ctx): AuthorAssociation => {
  const value = text.trim().toUpperCase();
  if ((AUTHOR_ASSOCIATIONS as readonly string[]).includes(value)) return value as AuthorAssociation;
  ctx.addIssue({ code: 'custom', message: `"${text}" is not a GitHub author_association (use ${AUTHOR_ASSOCIATIONS.join(', ')})` });
  return z.NEVER;
});

export const githubProjectSchema = z
  .strictObject({
    /** The organisation or user that owns the project, as in `github.com/orgs/<owner>/projects/<number>`. */
    owner: z.string().min(1).optional(),
    number: z.number().int().positive().optional(),
    /** Or the project's node id (`PVT_…`), e.g. from `gh project view --format json`. */
    id: z.string().min(1).optional(),
    /** The name of a Date field of the project. */
    field: z.string().min(1),
  })
  .superRefine((project, ctx) => {
    const byNumber = project.owner !== undefined || project.number !== undefined;
    if (project.id !== undefined && byNumber) {
      ctx.addIssue({ code: 'custom', message: 'name the project by id, or by owner and number, not both' });
    } else if (project.id === undefined && (project.owner === undefined || project.number === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'name the project by owner and number (as in its URL), or by id' });
    }
  });
export type GithubProject = z.output<typeof githubProjectSchema>;

const teamSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/, { error: "expected the team as org/team-slug, as in the team's URL (github.com/orgs/<org>/teams/<team-slug>)" });

/** What a GitHub source compiles them to. */
export interface GithubSettings {
  readonly associations: ReadonlySet<AuthorAssociation>;
  /** `agents.teams`, as `org/team-slug`. */
  readonly teams: readonly string[];
  readonly project?: GithubProject | undefined;
  /** The repositories (`owner/name`) reconciliation reads: GitHub has no search by update time across them. */
  readonly repositories: readonly string[];
}

/** A GitHub source's own settings: the registry pairs every source with its own connector's. */
export const githubSettings = (source: Source): GithubSettings => (source.settings as GithubSettings | undefined) ?? { associations: new Set(), teams: [], repositories: [] };

/** `agents.associations`, `agents.teams`, `write_back.project` and `reconcile.repositories`, and what a GitHub source file may ask. */
export const githubSourceSettings = sourceSettings({
  shape: {
    agents: { associations: z.array(associationSchema).default([]), teams: z.array(teamSchema).default([]) },
    write_back: { project: githubProjectSchema.optional() },
    reconcile: { repositories: repositoriesSchema },
  },
  check: (file) => {
    const issues: SourceIssue[] = [...noCustomFields('GitHub', file.write_back, 'use labels, and due_date with write_back.project'), ...noWatchedFields('GitHub', file.watched_fields)];
    if (file.write_back.due_date && !file.write_back.project) {
      issues.push({ path: ['write_back', 'due_date'], message: 'GitHub issues have no due date: set write_back.project to the Project whose Date field shows it' });
    }
    if (file.write_back.project && !file.write_back.due_date) {
      issues.push({ path: ['write_back', 'project'], message: 'the project field shows the due date: set due_date: true as well' });
    }
    if (file.agents.teams.length > 0 && !file.api.token) {
      issues.push({ path: ['agents', 'teams'], message: "the teams' members are read through the GitHub API: set api.token (with read:org)" });
    }
    if (file.reconcile.every && file.reconcile.repositories.length === 0) {
      issues.push({ path: ['reconcile', 'repositories'], message: 'GitHub has no search by update time across repositories: list the repositories (owner/name) to reconcile' });
    }
    return issues;
  },
  compile: (file): GithubSettings => ({ associations: new Set(file.agents.associations), teams: file.agents.teams, project: file.write_back.project, repositories: file.reconcile.repositories }),
});
