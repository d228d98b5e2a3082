/**
 * Compiles `config/teams/*.yaml` into teams with their rota, checking every reference (calendar,
 * contracts, sources, channels, people of the rota) and reading an iCalendar feed file when the
 * rota is imported. Problems are reported by file and path like every other config file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { Rota } from '../domain/duty-rota.js';
import type { PathPart, Report } from './config-report.js';
import { parseRotaIcal } from './rota-ical.js';
import type { TeamFile } from './team-schema.js';

export interface TeamMember {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  /** Per source id, the names the tracker reports this person under. */
  readonly tracker: Readonly<Record<string, readonly string[]>>;
  readonly chat: { readonly slack?: string; readonly teams?: { readonly id: string; readonly name: string }; readonly mattermost?: string; readonly googleChat?: string };
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly calendar: BusinessCalendar;
  /** Shifts are shown, and dates of overrides and leave read, in this zone. */
  readonly zone: string;
  readonly contracts: readonly string[];
  readonly sources: readonly string[];
  readonly fallbackChannel?: string;
  readonly handover: { readonly summary: boolean; readonly channel?: string };
  readonly members: readonly TeamMember[];
  readonly rota: Rota;
}

export interface TeamRefs {
  readonly configDir: string;
  readonly calendars: ReadonlyMap<string, BusinessCalendar>;
  readonly contracts: ReadonlySet<string>;
  /** Empty when sources were not loaded: then source and channel references go unchecked. */
  readonly sources: ReadonlySet<string>;
  readonly channels: ReadonlySet<string>;
  readonly checkChannels: boolean;
  /** Told of each feed file read (its path inside the config directory and its text): a reload that changes only a feed changes the config. */
  readonly noteFile?: (name: string, text: string) => void;
}

/** [from, until) of a local date (the whole day; `until` inclusive) or date-time. */
function rangeInstants(from: string, until: string, zone: string): { from: number; until: number } {
  const start = DateTime.fromISO(from, { zone });
  const endText = DateTime.fromISO(until, { zone });
  const end = until.includes('T') ? endText : endText.plus({ days: 1 }).startOf('day');
  return { from: start.toMillis(), until: end.toMillis() };
}

export function compileTeam(id: string, file: TeamFile, refs: TeamRefs, report: Report): Team | undefined {
  let failures = 0;
  const fail = (parts: PathPart[], message: string) => {
    failures += 1;
    report(parts, message);
  };
  const calendar = refs.calendars.get(file.calendar);
  if (!calendar) fail(['calendar'], `unknown calendar "${file.calendar}" (known: ${[...refs.calendars.keys()].sort().join(', ') || 'none'})`);
  const zone = file.zone ?? calendar?.zone ?? 'UTC';
  file.serves.contracts.forEach((contract, index) => {
    if (!refs.contracts.has(contract)) fail(['serves', 'contracts', index], `unknown contract "${contract}" (known: ${[...refs.contracts].sort().join(', ')})`);
  });
  file.serves.sources.forEach((source, index) => {
    if (refs.sources.size > 0 && !refs.sources.has(source)) fail(['serves', 'sources', index], `unknown source "${source}" (known: ${[...refs.sources].sort().join(', ')})`);
  });
  if (file.serves.contracts.length === 0 && file.serves.sources.length === 0) fail(['serves'], 'the team serves no contract and no source');
  for (const [key, channel] of [['fallback_channel', file.fallback_channel], ['handover.channel', file.handover.channel]] as const) {
    if (channel && refs.checkChannels && !refs.channels.has(channel)) fail(key.split('.'), `unknown channel "${channel}" (known: ${[...refs.channels].sort().join(', ')})`);
  }

  const memberIds = new Set<string>();
  file.members.forEach((member, index) => {
    if (memberIds.has(member.id)) fail(['members', index, 'id'], `"${member.id}" is listed twice`);
    memberIds.add(member.id);
    for (const source of Object.keys(member.tracker)) {
      if (refs.sources.size > 0 && !refs.sources.has(source)) fail(['members', index, 'tracker', source], `unknown source "${source}" (known: ${[...refs.sources].sort().join(', ')})`);
    }
  });
  const person = (parts: PathPart[], ref: string | null) => {
    if (ref !== null && !memberIds.has(ref)) fail(parts, `"${ref}" is not a member of the team (members: ${[...memberIds].join(', ')})`);
  };
  file.rota.rotation?.order.forEach((ref, index) => person(['rota', 'rotation', 'order', index], ref));
  file.rota.overrides.forEach((entry, index) => person(['rota', 'overrides', index, 'person'], entry.person));
  file.rota.leave.forEach((entry, index) => {
    person(['rota', 'leave', index, 'person'], entry.person);
    if (entry.cover) person(['rota', 'leave', index, 'cover'], entry.cover);
  });
  const ranges = <T extends { from: string; until: string }>(list: readonly T[], key: string) =>
    list.map((entry, index) => {
      const range = rangeInstants(entry.from, entry.until, zone);
      if (!(range.until > range.from)) fail(['rota', key, index, 'until'], `ends before it starts (${entry.from} .. ${entry.until})`);
      return { ...entry, ...range };
    });
  const overrides = ranges(file.rota.overrides, 'overrides').map(({ from, until, person: who }) => ({ from, until, person: who }));
  const leave = ranges(file.rota.leave, 'leave').map(({ from, until, person: who, cover }) => ({ from, until, person: who, ...(cover ? { cover } : {}) }));

  const members: TeamMember[] = file.members.map((member) => ({
    id: member.id,
    name: member.name ?? member.id,
    ...(member.email ? { email: member.email } : {}),
    tracker: member.tracker,
    chat: {
      ...(member.chat.slack ? { slack: member.chat.slack } : {}),
      ...(member.chat.teams ? { teams: member.chat.teams } : {}),
      ...(member.chat.mattermost ? { mattermost: member.chat.mattermost.replace(/^@/, '') } : {}),
      ...(member.chat.google_chat ? { googleChat: member.chat.google_chat } : {}),
    },
  }));

  let shifts: Rota['shifts'];
  if (file.rota.ical) {
    const feed = path.resolve(refs.configDir, file.rota.ical);
    if (!existsSync(feed)) fail(['rota', 'ical'], `file ${file.rota.ical} does not exist (relative to the config directory)`);
    else {
      const text = readFileSync(feed, 'utf8');
      refs.noteFile?.(path.relative(refs.configDir, feed), text);
      const parsed = parseRotaIcal(text, members, zone);
      for (const problem of parsed.problems) fail(['rota', 'ical'], `${file.rota.ical}: ${problem}`);
      shifts = parsed.shifts;
    }
  }
  if (failures > 0 || !calendar) return undefined;
  const rota: Rota = {
    order: file.rota.rotation?.order ?? members.map((member) => member.id),
    ...(file.rota.rotation ? { rotation: { halfDays: file.rota.rotation.every, starting: file.rota.rotation.starting } } : {}),
    ...(shifts ? { shifts } : {}),
    overrides,
    leave,
  };
  return {
    id,
    name: file.name ?? id,
    calendar,
    zone,
    contracts: file.serves.contracts,
    sources: file.serves.sources,
    ...(file.fallback_channel ? { fallbackChannel: file.fallback_channel } : {}),
    handover: { summary: file.handover.summary, ...(file.handover.channel ? { channel: file.handover.channel } : {}) },
    members,
    rota,
  };
}

/** A contract served by two teams is ambiguous: who would be mentioned? */
export function doubleServed(teams: readonly Team[]): { team: Team; index: number; contract: string; other: string }[] {
  const seen = new Map<string, string>();
  const out: { team: Team; index: number; contract: string; other: string }[] = [];
  for (const team of teams) {
    team.contracts.forEach((contract, index) => {
      const other = seen.get(contract);
      if (other) out.push({ team, index, contract, other });
      else seen.set(contract, team.id);
    });
  }
  return out;
}

/** The team whose duty covers an issue: the one serving its contract, else the one serving its source. */
export function teamFor(teams: ReadonlyMap<string, Team> | undefined, contract: string | undefined, source: string): Team | undefined {
  if (!teams) return undefined;
  const all = [...teams.values()];
  return all.find((team) => contract !== undefined && team.contracts.includes(contract)) ?? all.find((team) => team.sources.includes(source));
}

/**
 * The team's tracker user names (per source and all together): for the per-team iCalendar feeds
 * and anything else that must know whose issues are the team's.
 */
export function teamMembers(teams: ReadonlyMap<string, Team> | undefined, teamId: string): { readonly bySource: Readonly<Record<string, readonly string[]>>; readonly names: readonly string[] } | undefined {
  const team = teams?.get(teamId);
  if (!team) return undefined;
  const bySource: Record<string, string[]> = {};
  for (const member of team.members) for (const [source, names] of Object.entries(member.tracker)) (bySource[source] ??= []).push(...names);
  return { bySource, names: [...new Set(Object.values(bySource).flat())] };
}
