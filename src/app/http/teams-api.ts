/**
 * `GET /api/teams`: each team with who is on duty now and who is next, the shift ends in the team's
 * local time, and its members' tracker names (what the dashboard's duty block shows).
 */
import { DateTime } from 'luxon';
import type { Team } from '../../config/team-config.js';
import { dutyNowAndNext, type DutyShift } from '../../domain/duty-rota.js';

export interface TeamDutyView {
  readonly id: string;
  readonly name: string;
  readonly zone: string;
  readonly contracts: readonly string[];
  readonly sources: readonly string[];
  readonly fallbackChannel: string | null;
  readonly now: ShiftView;
  readonly next: ShiftView | null;
  readonly members: readonly { readonly id: string; readonly name: string; readonly tracker: Readonly<Record<string, readonly string[]>> }[];
}

interface ShiftView {
  readonly person: string | null;
  readonly name: string | null;
  readonly source: DutyShift['source'];
  readonly replaces?: string;
  readonly from: string;
  readonly until: string;
}

function shiftView(team: Team, shift: DutyShift): ShiftView {
  const local = (instant: number) => DateTime.fromMillis(instant, { zone: team.zone }).toISO()!;
  return {
    person: shift.person,
    name: team.members.find((member) => member.id === shift.person)?.name ?? null,
    source: shift.source,
    ...(shift.replaces ? { replaces: shift.replaces } : {}),
    from: local(shift.start),
    until: local(shift.end),
  };
}

export function teamDutyViews(teams: ReadonlyMap<string, Team> | undefined, now: number): TeamDutyView[] {
  return [...(teams?.values() ?? [])].map((team) => {
    const duty = dutyNowAndNext(team.rota, team.calendar, now);
    return {
      id: team.id,
      name: team.name,
      zone: team.zone,
      contracts: team.contracts,
      sources: team.sources,
      fallbackChannel: team.fallbackChannel ?? null,
      now: shiftView(team, duty.now),
      next: duty.next ? shiftView(team, duty.next) : null,
      members: team.members.map((member) => ({ id: member.id, name: member.name, tracker: member.tracker })),
    };
  });
}
