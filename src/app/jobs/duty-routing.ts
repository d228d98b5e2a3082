/**
 * Warnings and breaches of a team's contracts go to the person on duty at the moment they are
 * sent. The notify path marks each chat job with the team (and routes one more to the team's
 * fallback channel, to be sent only if nobody is on duty then); the chat worker resolves who is on
 * duty once, at the job's first attempt, and keeps the answer in the job, so a retry resends the
 * very bytes that failed and a message held for quiet hours names whoever is on duty when it goes.
 */
import type { Job } from 'bullmq';
import type { DutyLine, DutyPerson } from '../../../connectors/chat/duty-mention.js';
import type { Channel } from '../../config/channel.js';
import { teamFor, type Team, type TeamMember } from '../../config/team-config.js';
import { onDuty } from '../../domain/duty-rota.js';

export interface DutyRouting {
  readonly team: string;
  /** The team's fallback channel: sent only when nobody is on duty. */
  readonly onlyWhenNobody?: boolean;
  /** Who was on duty at the first attempt (null: nobody), and when that was. */
  readonly resolved?: { readonly person: string | null; readonly at: number };
}

export interface DutyDeps {
  /** Read whenever used: the live config's. */
  readonly teams: ReadonlyMap<string, Team>;
  readonly now: () => number;
}

export interface Routed {
  readonly channel: Channel;
  readonly duty?: DutyRouting;
}

/** The channels of a message with the duty marks of the team serving it, if one does. */
export function dutyRoutes(teams: ReadonlyMap<string, Team> | undefined, contract: string | undefined, source: string, routed: readonly Channel[], channelById: (id: string) => Channel | undefined): Routed[] {
  const team = teamFor(teams, contract, source);
  if (!team) return routed.map((channel) => ({ channel }));
  const out: Routed[] = routed.map((channel) => ({ channel, duty: { team: team.id } }));
  const fallback = team.fallbackChannel ? channelById(team.fallbackChannel) : undefined;
  if (fallback && !routed.some((channel) => channel.id === fallback.id)) out.push({ channel: fallback, duty: { team: team.id, onlyWhenNobody: true } });
  return out;
}

export function dutyPerson(member: TeamMember): DutyPerson {
  return { name: member.name, ...member.chat };
}

/**
 * The duty line of a job: resolved now at its first attempt (and written into the job), as it was
 * at an earlier attempt otherwise. Undefined for a job of no team, or of a team no longer configured.
 */
export async function resolveDuty(job: Job<{ duty?: DutyRouting }>, deps: DutyDeps): Promise<{ line: DutyLine; skip: boolean } | undefined> {
  const duty = job.data.duty;
  const team = duty && deps.teams.get(duty.team);
  if (!duty || !team) return undefined;
  let resolved = duty.resolved;
  if (!resolved) {
    const at = deps.now();
    resolved = { person: onDuty(team.rota, team.calendar, at).person, at };
    await job.updateData({ ...job.data, duty: { ...duty, resolved } });
  }
  const member = resolved.person === null ? undefined : team.members.find((candidate) => candidate.id === resolved.person);
  return { line: { teamName: team.name, ...(member ? { person: dutyPerson(member) } : {}) }, skip: duty.onlyWhenNobody === true && member !== undefined };
}
