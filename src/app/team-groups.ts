/**
 * The duty rota's teams as groups of metric conditions (`assigned_to_group:<team>`,
 * `comment_by:group:<team>`): a team is the names its members' trackers report them under, in
 * every source, and their e-mail addresses (Jira names a comment's author by e-mail). A contract's
 * own support lines are looked up before these (src/domain/sla-clock.ts).
 */
import type { Team } from '../config/team-config.js';
import type { GroupDirectory } from '../domain/condition-engine.js';

// Per team object: a reload makes new ones, and the teams map itself may be the live view
// (live-config.ts), the same object before and after a reload.
const membersOf = new WeakMap<Team, ReadonlySet<string>>();

function members(team: Team): ReadonlySet<string> {
  let names = membersOf.get(team);
  if (!names) {
    names = new Set(team.members.flatMap((member) => [...Object.values(member.tracker).flat(), ...(member.email ? [member.email] : [])]).map((name) => name.toLowerCase()));
    membersOf.set(team, names);
  }
  return names;
}

export function teamGroups(teams: ReadonlyMap<string, Team> | undefined): GroupDirectory | undefined {
  if (!teams || teams.size === 0) return undefined;
  return (group) => {
    const team = teams.get(group);
    return team && members(team);
  };
}
