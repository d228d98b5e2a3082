/**
 * The source settings only a GitHub source has, documented for the source-file schema (which owns
 * the YAML keys today) and compiled into `Source.github`:
 *
 * ```yaml
 * agents:
 *   users: [open2bizz-support]              # logins, as for every tracker
 *   associations: [OWNER, MEMBER, COLLABORATOR]
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
 * Team membership (`GET /orgs/{org}/teams/{team}/memberships/{user}`) is not offered: a delivery
 * is turned into events without I/O, so a team could only be known from a list read beforehand,
 * and a reconciled comment must be classified the same way as its webhook was.
 */
import { z } from 'zod';

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

/** Spread into the source file's `agents:` block. */
export const githubAgentsShape = { associations: z.array(associationSchema).default([]) };
/** Spread into the source file's `write_back:` block. */
export const githubWriteBackShape = { project: githubProjectSchema.optional() };

/** The GitHub-only settings, as the blocks they belong to. */
export const githubSourceSettingsSchema = z.strictObject({
  agents: z.strictObject(githubAgentsShape).prefault({}),
  write_back: z.strictObject(githubWriteBackShape).prefault({}),
});
export type GithubSourceSettingsFile = z.output<typeof githubSourceSettingsSchema>;

/** What a GitHub source compiles them to. */
export interface GithubSettings {
  readonly associations: ReadonlySet<AuthorAssociation>;
  readonly project?: GithubProject | undefined;
}

export function compileGithubSettings(file: GithubSourceSettingsFile): GithubSettings {
  return { associations: new Set(file.agents.associations), project: file.write_back.project };
}

interface SettingsFacts {
  readonly kind: string;
  readonly agents: { readonly associations: readonly string[] };
  readonly write_back: {
    readonly due_date: boolean;
    readonly project?: GithubProject | undefined;
    readonly fields: Readonly<Record<string, string | undefined>>;
  };
}

export interface SettingsIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/** What a source file asks of the GitHub-only settings that its kind cannot do. */
export function githubSettingsIssues(source: SettingsFacts): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  if (source.kind !== 'github') {
    if (source.agents.associations.length > 0) issues.push({ path: ['agents', 'associations'], message: `author associations are GitHub's; ${source.kind} has none` });
    if (source.write_back.project) issues.push({ path: ['write_back', 'project'], message: `GitHub Projects are written by GitHub sources only, not ${source.kind}` });
    return issues;
  }
  if (Object.values(source.write_back.fields).some((field) => field !== undefined)) {
    issues.push({ path: ['write_back', 'fields'], message: 'GitHub issues have no custom fields; use labels, and due_date with write_back.project' });
  }
  if (source.write_back.due_date && !source.write_back.project) {
    issues.push({ path: ['write_back', 'due_date'], message: 'GitHub issues have no due date: set write_back.project to the Project whose Date field shows it' });
  }
  if (source.write_back.project && !source.write_back.due_date) {
    issues.push({ path: ['write_back', 'project'], message: 'the project field shows the due date: set due_date: true as well' });
  }
  return issues;
}
