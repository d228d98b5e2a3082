/** `sla-bridge rota`: who of a team is on duty from a date on, shift by shift, in the team's local time. */
import { DateTime } from 'luxon';
import { loadBridgeConfig } from '../app/plugins.js';
import { dutyShifts, type DutyShift } from '../domain/duty-rota.js';
import type { Team } from '../config/team-config.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface RotaOptions {
  readonly team: string;
  readonly from?: string;
  readonly days: string;
  readonly config: string;
  readonly json?: boolean;
}

const MAX_DAYS = 366;

function describe(team: Team, shift: DutyShift): string {
  if (shift.person === null) return `nobody on duty${team.fallbackChannel ? ` (fallback channel ${team.fallbackChannel})` : ''}${shift.replaces ? `: ${shift.replaces} on leave, no cover` : ''}`;
  const member = team.members.find((candidate) => candidate.id === shift.person);
  const why = shift.source === 'override' ? '  [swap]' : shift.source === 'cover' ? `  [covers ${shift.replaces} on leave]` : '';
  return `${member?.name ?? shift.person} (${shift.person})${why}`;
}

export function rotaCommand(options: RotaOptions, io: CliIo, now: () => number = Date.now): number {
  const days = Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new UsageError(`--days: "${options.days}" is not a number of days from 1 to ${MAX_DAYS}`);
  const config = loadBridgeConfig(options.config, process.env, { sources: false });
  const team = config.teams?.get(options.team);
  if (!team) throw new UsageError(`--team: unknown team "${options.team}" (known: ${[...(config.teams?.keys() ?? [])].join(', ') || 'none: add config/teams/<id>.yaml'})`);
  const start = options.from === undefined ? DateTime.fromMillis(now(), { zone: team.zone }).startOf('day') : DateTime.fromISO(options.from, { zone: team.zone });
  if (!start.isValid || (options.from !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.from))) throw new UsageError(`--from: "${options.from}" is not a date (use YYYY-MM-DD)`);
  const end = start.plus({ days });
  const shifts = dutyShifts(team.rota, team.calendar, start.toMillis(), end.toMillis());
  const local = (instant: number) => DateTime.fromMillis(instant, { zone: team.zone });
  if (options.json) {
    io.out(
      JSON.stringify({
        team: team.id,
        name: team.name,
        zone: team.zone,
        shifts: shifts.map((shift) => ({ start: local(shift.start).toISO(), end: local(shift.end).toISO(), person: shift.person, name: team.members.find((member) => member.id === shift.person)?.name ?? null, source: shift.source, ...(shift.replaces ? { replaces: shift.replaces } : {}) })),
      }),
    );
    return 0;
  }
  io.out(`${team.name} (${team.id}), ${team.zone}: ${start.toISODate()} to ${end.minus({ days: 1 }).toISODate()}`);
  for (const shift of shifts) io.out(`${local(shift.start).toFormat('ccc yyyy-LL-dd HH:mm')} – ${local(shift.end).toFormat('ccc yyyy-LL-dd HH:mm')}  ${describe(team, shift)}`);
  return 0;
}
