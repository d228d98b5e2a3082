/**
 * The duty rota's teams as groups of metric conditions (`assigned_to_group:<team>`,
 * `comment_by:group:<team>`): a team is the names its members' trackers report them under, in
 * every source, and their e-mail addresses (Jira names a comment's author by e-mail). A contract's
 * own support lines are looked up before these (src/domain/sla-clock.ts).
 */
import type { Team } from '../config/team-config.js';
import type { GroupDirectory } from '../domain/condition-engine.js';

const cache = new WeakMap<ReadonlyMap<string, Team>, GroupDirectory>();

export function teamGroups(teams: ReadonlyMap<string, Team> | undefined): GroupDirectory | undefined {
  if (!teams || teams.size === 0) return undefined;
  const known = cache.get(teams);
  if (known) return known;
  const groups = new Map<string, ReadonlySet<string>>();
  for (const team of teams.values()) {
    const names = team.members.flatMap((member) => [...Object.values(member.tracker).flat(), ...(member.email ? [member.email] : [])]);
    groups.set(team.id, new Set(names.map((name) => name.toLowerCase())));
  }
  const directory: GroupDirectory = (group) => groups.get(group);
  cache.set(teams, directory);
  return directory;
}
