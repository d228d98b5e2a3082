/**
 * The duty handover: when a team's duty passes to the next person, that person gets a summary of
 * the open issues of the team's contracts, soonest breach first, exactly once. Every worker plans
 * the next handover of each team at start, after each reload and when a handover fires, as one
 * delayed job whose id is the team, the shift's start and the person, so they fold into one job;
 * when it fires it checks the rota in force (a changed rota plans its own handover, and the old
 * one sends nothing) and keeps a mark in Redis, so a job planned anew sends nothing twice. A
 * handover missed while no bridge ran goes out at the next start while its shift is under
 * CATCH_UP_MS old. The chat job's id is the handover's and the channel's, its mention resolved to
 * the person taking over.
 */
import type { Job, Queue } from 'bullmq';
import { HANDOVER_ISSUES_MAX, type DutyHandoverNotice } from '../../../connectors/chat/handover-notice.js';
import type { Channel } from '../../config/channel.js';
import type { Team } from '../../config/team-config.js';
import type { Contract } from '../../domain/contract.js';
import { dutyHandovers, onDuty, type DutyShift } from '../../domain/duty-rota.js';
import type { Logger } from '../logger.js';
import type { IssueState, IssueStore } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';
import { nextOpening } from './notify.js';
import { CHAT_JOB_OPTIONS, CHAT_NOTICE_JOB, DUTY_HANDOVER_JOB, DUTY_HANDOVER_JOB_OPTIONS, chatJobId, dutyHandoverJobId, dutyHandoverSentKey, type ChatJob, type ChatNoticeJob, type DutyHandoverJob } from './pipeline.js';

const HOUR_MS = 3_600_000;
const LOOK_AHEAD_MS = 62 * 24 * HOUR_MS;
const CATCH_UP_MS = 12 * HOUR_MS;

export interface DutyHandoverDeps {
  /** Read whenever used: the live config's. */
  readonly config: { readonly teams?: ReadonlyMap<string, Team>; readonly contracts: ReadonlyMap<string, Contract>; readonly channels: ReadonlyMap<string, Channel>; readonly fallbackChannel: Channel };
  readonly store: IssueStore;
  readonly queue: Queue<DutyHandoverJob>;
  readonly chatQueue: (channelId: string) => Queue<ChatJob>;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The handovers to plan for a team now: a missed one of the current shift, and the next. */
function dueHandovers(team: Team, now: number): DutyShift[] {
  const shifts = dutyHandovers(team.rota, team.calendar, now - CATCH_UP_MS, now + LOOK_AHEAD_MS);
  const past = shifts.filter((shift) => shift.start <= now).slice(-1);
  const current = past[0] && onDuty(team.rota, team.calendar, now).start === past[0].start ? past : [];
  const next = shifts.find((shift) => shift.start > now);
  return [...current, ...(next ? [next] : [])];
}

/** Plans every team's next handover (and a missed one); safe from every worker, any number of times. */
export async function scheduleHandovers(deps: Pick<DutyHandoverDeps, 'config' | 'queue' | 'redis' | 'prefix' | 'now'>): Promise<{ planned: string[] }> {
  const planned: string[] = [];
  const now = deps.now();
  for (const team of deps.config.teams?.values() ?? []) {
    if (!team.handover.summary) continue;
    for (const shift of dueHandovers(team, now)) {
      const job: DutyHandoverJob = { team: team.id, from: shift.start, person: shift.person! };
      const jobId = dutyHandoverJobId(job.team, job.from, job.person);
      if ((await deps.redis.exists(dutyHandoverSentKey(deps.prefix, jobId))) === 1) continue;
      await deps.queue.add(DUTY_HANDOVER_JOB, job, { ...DUTY_HANDOVER_JOB_OPTIONS, jobId, delay: Math.max(0, shift.start - now) });
      planned.push(`${team.id}@${new Date(shift.start).toISOString()}:${job.person}`);
    }
  }
  return { planned };
}

/** The issue's soonest deadline among its running, paused and breached metrics; undefined when none is open. */
function soonest(state: IssueState) {
  if (!state.sla.covered || state.sla.resolved || state.sla.deleted) return undefined;
  const open = state.sla.metrics.filter((metric) => metric.state === 'running' || metric.state === 'breached' || metric.state === 'paused');
  if (open.length === 0) return undefined;
  const rank = (deadline: number | null | undefined) => (deadline == null ? Number.POSITIVE_INFINITY : deadline);
  return [...open].sort((a, b) => rank(a.deadline) - rank(b.deadline))[0]!;
}

/** The open issues of the team's contracts and sources, soonest breach first (paused ones last). */
export function handoverIssues(team: Team, states: readonly IssueState[]): DutyHandoverNotice['issues'] {
  const rows = states.flatMap((state) => {
    if (!state.sla.covered || !(team.contracts.includes(state.sla.contract) || team.sources.includes(state.source))) return [];
    const metric = soonest(state);
    if (!metric) return [];
    return [{ key: state.issue.key, title: state.issue.title ?? '', customer: state.sla.customer, metric: metric.metric, deadline: metric.deadline ?? null, ...(state.issue.url ? { url: state.issue.url } : {}) }];
  });
  const rank = (deadline: number | null) => (deadline === null ? Number.POSITIVE_INFINITY : deadline);
  return rows.sort((a, b) => rank(a.deadline) - rank(b.deadline) || a.key.localeCompare(b.key));
}

/** Where a team's handover goes: its handover channel, else its fallback channel, else its contracts' warning channels, else the console. */
function handoverChannels(team: Team, config: DutyHandoverDeps['config']): Channel[] {
  const byId = (id: string | undefined) => (id === undefined ? undefined : (config.channels.get(id) ?? (id === config.fallbackChannel.id ? config.fallbackChannel : undefined)));
  const own = byId(team.handover.channel) ?? byId(team.fallbackChannel);
  if (own) return [own];
  const ids = [...new Set(team.contracts.flatMap((id) => config.contracts.get(id)?.notify?.warnings ?? []))];
  const channels = ids.flatMap((id) => byId(id) ?? []);
  return channels.length > 0 ? channels : [config.fallbackChannel];
}

export type HandoverOutcome = { readonly outcome: 'sent'; readonly channels: readonly string[]; readonly issues: number } | { readonly outcome: 'skipped'; readonly reason: string };

export function createDutyHandoverProcessor(deps: DutyHandoverDeps) {
  const log = deps.logger.child({ component: 'duty-handover' });
  return async (job: Job<DutyHandoverJob>): Promise<HandoverOutcome> => {
    const outcome = await hand(job);
    // The next handover of the team: planned from here too, so a long-running bridge always has one.
    await scheduleHandovers(deps);
    return outcome;
  };

  async function hand(job: Job<DutyHandoverJob>): Promise<HandoverOutcome> {
    const team = deps.config.teams?.get(job.data.team);
    if (!team || !team.handover.summary) return { outcome: 'skipped', reason: 'the team or its handover summary is no longer configured' };
    const shift = onDuty(team.rota, team.calendar, job.data.from);
    if (shift.start !== job.data.from || shift.person !== job.data.person) return { outcome: 'skipped', reason: 'the rota in force has another handover at this instant' };
    const sentKey = dutyHandoverSentKey(deps.prefix, job.id!);
    if ((await deps.redis.exists(sentKey)) === 1) return { outcome: 'skipped', reason: 'already sent' };
    const member = team.members.find((candidate) => candidate.id === shift.person)!;
    const now = deps.now();
    const issues = handoverIssues(team, await deps.store.loadStates(await deps.store.listIssues()));
    const channels = handoverChannels(team, deps.config);
    for (const channel of channels) {
      const notice: DutyHandoverNotice = {
        id: job.id!,
        kind: 'duty_handover',
        language: channel.language ?? 'en',
        team: team.id,
        teamName: team.name,
        personName: member.name,
        from: shift.start,
        until: shift.end,
        zone: team.zone,
        issues: issues.slice(0, HANDOVER_ISSUES_MAX),
        openCount: issues.length,
        firedAt: now,
      };
      const quiet = channel.quietHours?.calendar;
      const delay = quiet ? Math.max(0, nextOpening(quiet, now) - now) : 0;
      const queue = deps.chatQueue(channel.id) as unknown as Queue<ChatNoticeJob>;
      const duty = { team: team.id, resolved: { person: member.id, at: shift.start } };
      await queue.add(CHAT_NOTICE_JOB, { channelId: channel.id, notice, duty }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(notice.id, channel.id), delay });
    }
    // Last: a failure before this retries the job, whose chat jobs keep their ids.
    await deps.redis.set(sentKey, String(now));
    log.info('duty handover sent', { team: team.id, person: member.id, from: new Date(shift.start).toISOString(), issues: issues.length, channels: channels.map((channel) => channel.id) });
    return { outcome: 'sent', channels: channels.map((channel) => channel.id), issues: issues.length };
  }
}
