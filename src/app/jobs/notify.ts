/**
 * A due notification becomes one chat message per routed channel: warnings to the contract's
 * warning channels, breaches and escalations to its breach channels, the console when it names
 * none. Each (notification, channel) is one job with a deterministic id in the channel's own queue, held until the channel's
 * quiet hours end unless a breach may bypass them.
 */
import type { Job, Queue } from 'bullmq';
import type { SlaNotification } from '../../../connectors/chat/notification.js';
import { type ConnectorRegistry, connectorOf } from '../../../connectors/connector.js';
import type { Language } from '../../domain/language.js';
import type { Channel } from '../../config/channel.js';
import type { Source } from '../../config/source.js';
import type { BusinessCalendar } from '../../domain/business-calendar.js';
import type { Contract } from '../../domain/contract.js';
import { timedMetrics, type TimedMetricStatus } from './timed-metrics.js';
import type { IssueState, IssueStore } from '../store/issue-store.js';
import { journalQuietly, type IssueJournal } from '../store/issue-journal.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import type { Team } from '../../config/team-config.js';
import { dutyRoutes } from './duty-routing.js';
import { CHAT_JOB, CHAT_JOB_OPTIONS, chatJobId, type ChatJob, type DueNotification } from './pipeline.js';
import { batchedStateLoader } from './batched-state-load.js';
import { bulkAdders } from './bulk-add.js';

/** Timers fire within a second of their instant; later than that, the message says it is late. */
const LATE_AFTER_MS = 1_000;

export interface NotifyDeps {
  readonly store: IssueStore;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  /** For the trackers' names in messages. */
  readonly trackers: ConnectorRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  /** Where a notification goes when its contract names no channel. */
  readonly fallbackChannel: Channel;
  /** The chat queue of a channel (each channel has its own). */
  readonly chatQueue: (channelId: string) => Queue<ChatJob>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** Where a message held for quiet hours is recorded, for the issue's explanation. */
  readonly journal?: IssueJournal | undefined;
  /** Teams whose person on duty the messages of their contracts name. */
  readonly teams?: ReadonlyMap<string, Team>;
  /** Tells the next support line of an escalating handover (./line-escalation.ts). */
  readonly escalate?: (due: DueNotification, state: IssueState) => Promise<void>;
}

/** The first instant from `now` on at which the calendar is open (`now` itself when open). */
export function nextOpening(calendar: BusinessCalendar, now: number): number {
  return calendar.add(now, 1) - 1;
}

function routedChannels(deps: NotifyDeps, contract: Contract | undefined, due: DueNotification): Channel[] {
  const ids = due.kind === 'warning' ? contract?.notify?.warnings : contract?.notify?.breaches;
  const channels = (ids ?? []).flatMap((id) => deps.channels.get(id) ?? []);
  return channels.length > 0 ? channels : [deps.fallbackChannel];
}

/**
 * The chat message of a claimed notification. `runningSince`: when the process that claimed it
 * started; a message late for an instant before then says the bridge was down, one late for a later
 * instant that it fell behind (without it, down, as before the cause was told).
 */
export function buildNotification(due: DueNotification, state: IssueState, status: TimedMetricStatus, language: Language, tracker: Omit<SlaNotification['tracker'], 'source'>, runningSince?: number): SlaNotification | undefined {
  if (!state.sla.covered || status.deadline == null) return undefined;
  // A message that stands for missed ones is late by the earliest of them, even when its own
  // instant has only just come (a breach fired on time after the warning passed while Redis or
  // every worker was away): without `late` the receiver would not hear of the missed warning.
  const lateSince = due.skippedSince ?? due.at;
  const lateBy = due.firedAt - lateSince;
  const cause = runningSince !== undefined && lateSince >= runningSince ? 'behind' : 'down';
  return {
    id: due.id,
    kind: due.kind,
    threshold: due.label,
    ...(lateBy > LATE_AFTER_MS ? { late: { byMs: lateBy, ...(due.skipped.length > 0 ? { skipped: [...due.skipped] } : {}), cause } } : {}),
    language,
    customer: state.sla.customer,
    contract: state.sla.contract,
    tracker: { ...tracker, source: state.source },
    issue: { id: state.issue.id, key: state.issue.key, title: state.issue.title ?? '', ...(state.issue.url ? { url: state.issue.url } : {}) },
    priority: { effective: state.sla.priority.effective, reason: state.sla.priority.reason },
    metric: due.metric,
    deadline: status.deadline,
    zone: status.zone,
    remainingMs: status.remainingMs ?? 0,
    assignee: state.sla.assignee,
    ...(state.sla.contact?.listed === false && state.sla.contact.reporter ? { unlistedReporter: state.sla.contact.reporter } : {}),
    firedAt: due.firedAt,
  };
}

/**
 * Routes a claimed notification: one chat job per channel (deterministic ids, kept for a month,
 * so a claim made again after a crash folds into the jobs already there), then the next line's
 * escalation. `state` is the issue's state the claim was made from. Notifications routed together
 * (many timers at one instant) add their chat jobs in one `addBulk` per channel (perf).
 */
export function createNotifier(deps: NotifyDeps): (due: DueNotification, state: IssueState) => Promise<string[]> {
  const addChat = bulkAdders((channelId) => deps.chatQueue(channelId));
  // A late message says whether its instant came before this process started (the bridge was down) or while it ran.
  const runningSince = deps.now();
  return async (due, state) => {
    if (!state.sla.covered) return [];
    const status = timedMetrics(state.sla).find((metric) => metric.metric === due.metric);
    const contract = deps.contracts.get(state.sla.contract);
    const source = deps.sources.get(due.source);
    // A source taken out of the config since the timer was planned: its id is all there is to name.
    const tracker = source ? { kind: source.kind, name: connectorOf(deps.trackers, source.kind).displayName } : { kind: 'unknown', name: due.source };
    if (due.kind === 'breach') deps.metrics.breach(state.sla.contract, due.metric);
    const sent: string[] = [];
    for (const { channel, duty } of dutyRoutes(deps.teams, state.sla.contract, due.source, routedChannels(deps, contract, due), (id) => deps.channels.get(id) ?? (id === deps.fallbackChannel.id ? deps.fallbackChannel : undefined))) {
      const language = channel.language ?? contract?.notify?.language ?? 'en';
      const notification = status && buildNotification(due, state, status, language, tracker, runningSince);
      if (!notification) continue;
      const now = deps.now();
      const quiet = channel.quietHours && !(channel.quietHours.bypassBreaches && due.kind !== 'warning') ? channel.quietHours.calendar : undefined;
      const delay = quiet ? Math.max(0, nextOpening(quiet, now) - now) : 0;
      await addChat(channel.id)(CHAT_JOB, { channelId: channel.id, notification, ...(duty ? { duty } : {}) }, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(due.id, channel.id), delay });
      if (delay > 0) {
        deps.logger.info('held for quiet hours', { component: 'notify', channel: channel.id, notification: due.id, delayMs: delay });
        const held = { type: 'notification', at: now, metric: due.metric, kind: due.kind, label: due.label, channel: channel.id, channelKind: channel.kind, outcome: 'held', until: now + delay, firedAt: due.firedAt } as const;
        await journalQuietly(deps.journal, due.source, due.issueId, held, (error) => deps.logger.warn('could not record the held message in the issue journal', { component: 'notify', error: error.message }));
      }
      sent.push(channel.id);
    }
    await deps.escalate?.(due, state);
    return sent;
  };
}

/**
 * The notify queue's jobs: claims that a bridge before this one queued (its timers handed each
 * claim to this queue; this one's timers route their claims themselves, ./fire-timer.ts), routed
 * from the issue's saved state as they were then.
 */
export function createNotifyProcessor(deps: NotifyDeps) {
  // Notify jobs running together share their reads (perf).
  const loadState = batchedStateLoader(deps.store);
  const notify = createNotifier(deps);
  return async (job: Job<DueNotification>): Promise<string[]> => {
    const state = await loadState(job.data.source, job.data.issueId);
    return state ? notify(job.data, state) : [];
  };
}
