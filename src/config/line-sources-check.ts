/**
 * A support line's tracker groups and components must exist in every tracker the contract covers:
 * MantisBT has no user groups (its access levels are per project, not named teams), so a line of
 * a MantisBT source lists its users or names its categories; Gitea, GitHub and GitLab issues have
 * no component (a label is the nearest thing, for which `label_added:<label>` conditions exist).
 */
import type { Source } from './source.js';
import type { LineFile } from './lines-config.js';
import { GROUP_MEMBER_PREFIX } from '../domain/line-members.js';

type PathPart = string | number;
type Trackers = Readonly<Record<string, { readonly displayName: string; readonly groupMembers?: unknown; readonly componentsAre?: string }>>;

export function checkLineSources(
  lines: readonly (readonly [string, LineFile])[] | undefined,
  covers: readonly { readonly source: string }[],
  sources: ReadonlyMap<string, Source>,
  trackers: Trackers,
  report: (parts: PathPart[], message: string) => void,
): void {
  const covered = [...new Set(covers.map((coverage) => coverage.source))].flatMap((id) => sources.get(id) ?? []);
  for (const [line, file] of lines ?? []) {
    file.members.forEach((member, index) => {
      if (!member.toLowerCase().startsWith(GROUP_MEMBER_PREFIX)) return;
      for (const source of covered) {
        const tracker = trackers[source.kind];
        if (tracker && !tracker.groupMembers) {
          report(['lines', line, 'members', index], `source ${source.id} is ${tracker.displayName}, which has no user groups the bridge can read: list the line's users instead, or name the ${tracker.componentsAre ?? 'components'} it works in components:`);
        }
      }
    });
    if (file.components.length === 0) continue;
    for (const source of covered) {
      const tracker = trackers[source.kind];
      if (tracker && !tracker.componentsAre) {
        report(['lines', line, 'components'], `source ${source.id} is ${tracker.displayName}, whose issues have no components: list the line's members, or measure a label with a metric (label_added:<label>)`);
      }
    }
  }
}

/** A line's `team:` (whose person on duty its escalations name) must be a team of `teams/`. */
export function checkLineTeams(lines: readonly (readonly [string, LineFile])[] | undefined, teams: ReadonlySet<string>, report: (parts: PathPart[], message: string) => void): void {
  for (const [line, file] of lines ?? []) {
    if (file.team !== undefined && !teams.has(file.team)) report(['lines', line, 'team'], `unknown team "${file.team}" (known: ${[...teams].sort().join(', ') || 'none: teams/ has no file'})`);
  }
}
