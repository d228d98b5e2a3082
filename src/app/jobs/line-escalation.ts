/**
 * Functional escalation between support lines. When a line's handover metric breaches (or reaches
 * the line's `escalate.after` threshold), the notification that says so also sends the next line a
 * `line_escalation` notice (connectors/chat/escalation-notice.ts) in its channel (the contract's
 * breach channels when it has none), naming whoever is on duty for the next line's team, and with
 * `assign` queues the issue's assignment to the next line in the tracker (GitLab: by the user id
 * its API gives for the member's username).
 *
 * Exactly once: it rides on the notification, which is claimed once per (issue, metric, cycle,
 * threshold); the chat jobs and the assignment job are named by that notification, so a retried
 * or raced notify job folds into the same jobs.
 *
 * No loops: the assignment is the bridge's own. It goes into the issue's history as an `assigned`
 * event of a delivery the bridge makes (MantisBT does not echo REST updates, so without it the next
 * line's clock would never start); a tracker that echoes it sends the same assignee again, a
 * restatement that meets no condition. Assigning is not a reaction (a line's handover stops on a
 * comment by a member or a status change), and the next line's handover is a new metric whose own
 * escalation, if any, goes further down the chain, which config refuses to close into a circle.
 */
import type { Job, Queue } from 'bullmq';
import { type ConnectorRegistry, connectorOf } from '../../../connectors/connector.js';
import type { OutboundRequest } from '../../../connectors/outbound-request.js';
import type { Channel } from '../../config/channel.js';
import type { Source } from '../../config/source.js';
import type { Contract } from '../../domain/contract.js';
import type { SupportLine } from '../../domain/support-line.js';
import { currentLine } from '../../domain/line-stats.js';
import { LineMembers } from '../../domain/line-members.js';
import type { Logger } from '../logger.js';
import { DeliveryFailure, type OutboundHttp } from '../outbound/outbound-http.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { IssueState, IssueStore } from '../store/issue-store.js';
import { buildNotification, nextOpening } from './notify.js';
import { timedMetrics } from './timed-metrics.js';
import { trackerRead } from './reconcile.js';
import type { LineEscalationNotice } from '../../../connectors/chat/escalation-notice.js';
import { teamFor, type Team } from '../../config/team-config.js';
import type { Routed } from './duty-routing.js';
import {
  CHAT_NOTICE_JOB,
  CHAT_JOB_OPTIONS,
  DELIVERY_JOB,
  DELIVERY_JOB_OPTIONS,
  LINE_ASSIGN_JOB,
  LINE_ASSIGN_JOB_OPTIONS,
  chatJobId,
  deliveryJobId,
  lineAssignJobId,
  type ChatJob,
  type ChatNoticeJob,
  type DeliveryJob,
  type DueNotification,
  type LineAssignJob,
} from './pipeline.js';

const HANDOVER = /^handover-(.+)$/;

/** The line whose handover this notification is about and its escalation, when the notification escalates. */
export function escalationOf(contract: Contract | undefined, due: Pick<DueNotification, 'metric' | 'kind' | 'label' | 'skipped'>): { from: SupportLine; to: SupportLine } | undefined {
  const name = HANDOVER.exec(due.metric)?.[1];
  const from = name === undefined ? undefined : contract?.supportLines?.get(name);
  const escalate = from?.escalate;
  if (!from || !escalate) return undefined;
  const to = contract?.supportLines?.get(escalate.to);
  if (!to) return undefined;
  if (escalate.after === 'breach') return due.kind === 'breach' ? { from, to } : undefined;
  // A threshold passed while no bridge ran is told by the next message, which then escalates.
  const label = escalate.after.label;
  if ((due.kind === 'warning' && due.label === label) || (due.kind !== 'warning' && due.skipped.includes(label))) return { from, to };
  return undefined;
}

/** `assign: true` on a line of tracker groups: the groups' first member as last read. */
function firstAssignable(contract: Contract, line: string): string | undefined {
  const members = contract.lines?.get(line);
  return members instanceof LineMembers ? members.firstAssignable() : undefined;
}

/** The id of the escalation message: the notification's, marked with the line it goes to. */
export const escalationNotificationId = (notificationId: string, toLine: string) => `${notificationId}~to-${toLine}`;

export interface LineEscalationDeps {
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly trackers: ConnectorRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly fallbackChannel: Channel;
  readonly chatQueue: (channelId: string) => Queue<ChatJob | ChatNoticeJob>;
  /** The duty rota's teams (the live config's), for the person on duty an escalation names. */
  readonly teams?: ReadonlyMap<string, Team> | undefined;
  readonly assignQueue: Queue<LineAssignJob>;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * The next line's channels, each marked with the team whose person on duty the message names (the
 * line's `team:`, else the team serving the contract or source), and the team's fallback channel,
 * sent only when nobody is on duty, as for warnings and breaches (./duty-routing.ts).
 */
function escalationRoutes(deps: LineEscalationDeps, contract: Contract, to: SupportLine, source: string): Routed[] {
  const channels = escalationChannels(deps, contract, to);
  const team = to.team !== undefined ? deps.teams?.get(to.team) : teamFor(deps.teams, contract.id, source);
  if (!team) return channels.map((channel) => ({ channel }));
  const routes: Routed[] = channels.map((channel) => ({ channel, duty: { team: team.id } }));
  const fallback = team.fallbackChannel ? (deps.channels.get(team.fallbackChannel) ?? (team.fallbackChannel === deps.fallbackChannel.id ? deps.fallbackChannel : undefined)) : undefined;
  if (fallback && !channels.some((channel) => channel.id === fallback.id)) routes.push({ channel: fallback, duty: { team: team.id, onlyWhenNobody: true } });
  return routes;
}

function escalationChannels(deps: LineEscalationDeps, contract: Contract, to: SupportLine): Channel[] {
  const own = to.channel && (deps.channels.get(to.channel) ?? (to.channel === deps.fallbackChannel.id ? deps.fallbackChannel : undefined));
  if (own) return [own];
  const channels = (contract.notify?.breaches ?? []).flatMap((id) => deps.channels.get(id) ?? []);
  return channels.length > 0 ? channels : [deps.fallbackChannel];
}

/** Called by the notifier for every notification it sends out; does nothing unless it escalates. */
export function createLineEscalator(deps: LineEscalationDeps) {
  const log = deps.logger.child({ component: 'line-escalation' });
  return async (due: DueNotification, state: IssueState): Promise<void> => {
    if (!state.sla.covered) return;
    const contract = deps.contracts.get(state.sla.contract);
    const escalation = escalationOf(contract, due);
    if (!contract || !escalation) return;
    const { from, to } = escalation;
    const status = timedMetrics(state.sla).find((metric) => metric.metric === due.metric);
    const source = deps.sources.get(due.source);
    const tracker = source ? { kind: source.kind, name: connectorOf(deps.trackers, source.kind).displayName } : { kind: 'unknown', name: due.source };
    const id = escalationNotificationId(due.id, to.name);
    const assignee = from.escalate?.assignee ?? (from.escalate?.assignFirst ? firstAssignable(contract, to.name) : undefined);
    for (const { channel, duty } of escalationRoutes(deps, contract, to, due.source)) {
      const language = channel.language ?? contract.notify?.language ?? 'en';
      const base = status && buildNotification(due, state, status, language, tracker);
      if (!base) continue;
      const notice: LineEscalationNotice = {
        id,
        kind: 'line_escalation',
        language,
        customer: base.customer,
        contract: base.contract,
        zone: base.zone,
        firedAt: base.firedAt,
        fromLine: from.name,
        toLine: to.name,
        after: due.label,
        deadline: base.deadline,
        remainingMs: base.remainingMs,
        priority: base.priority.effective,
        assignee: base.assignee,
        ...(assignee ? { assignTo: assignee } : {}),
        issue: { source: due.source, id: base.issue.id, tracker: base.tracker.name ?? base.tracker.kind, key: base.issue.key, title: base.issue.title, ...(base.issue.url ? { url: base.issue.url } : {}) },
      };
      // Quiet hours as for the notifier's messages: an escalation is no warning, so it bypasses them where breaches do.
      const quiet = channel.quietHours && !channel.quietHours.bypassBreaches ? channel.quietHours.calendar : undefined;
      const now = deps.now();
      const delay = quiet ? Math.max(0, nextOpening(quiet, now) - now) : 0;
      const job: ChatNoticeJob = { channelId: channel.id, notice, ...(duty ? { duty } : {}) };
      await deps.chatQueue(channel.id).add(CHAT_NOTICE_JOB, job, { ...CHAT_JOB_OPTIONS, jobId: chatJobId(id, channel.id), delay });
    }
    if (from.escalate?.assignFirst && !assignee) log.warn('not assigning: no member of the next line\'s tracker groups has been read yet; the next line is only told', { source: due.source, issue: state.issue.key, to: to.name });
    if (assignee) {
      const job: LineAssignJob = { source: due.source, issueId: due.issueId, assignee, fromLine: from.name, toLine: to.name, notificationId: due.id };
      await deps.assignQueue.add(LINE_ASSIGN_JOB, job, { ...LINE_ASSIGN_JOB_OPTIONS, jobId: lineAssignJobId(due.id) });
    }
    log.info('escalated to the next line', { source: due.source, issue: state.issue.key, from: from.name, to: to.name, ...(assignee ? { assignee } : {}) });
  };
}

export interface LineAssignDeps {
  readonly store: IssueStore;
  /** To see whether the issue is still with the line that escalated. */
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly connectors: ConnectorRegistry;
  readonly http: OutboundHttp;
  readonly deadLetters: DeadLetterStore;
  readonly ingest: Queue<DeliveryJob>;
  readonly now: () => number;
  readonly logger: Logger;
}

export interface LineAssignOutcome {
  readonly outcome: 'assigned' | 'skipped' | 'unsupported' | 'dead-lettered';
  readonly issueId: string;
}

/** Sends the assignment, then records it in the issue's history as the bridge's own delivery. */
export function createLineAssignProcessor(deps: LineAssignDeps) {
  const log = deps.logger.child({ component: 'line-assign' });
  // Under the write-back's lock of the issue: the bridge's writes to one issue go one at a time.
  // MantisBT's REST PATCH lays the patch over the whole issue as it read it when the request began
  // and writes all of it back (custom fields, due date, handler), so an assignment made while the
  // breach's write-back was on its way could put the old deadlines back (issues_rest.php).
  return (job: Job<LineAssignJob>): Promise<LineAssignOutcome> => deps.store.withIssueLock(job.data.source, job.data.issueId, () => assign(job), 'write-back-lock');

  async function assign(job: Job<LineAssignJob>): Promise<LineAssignOutcome> {
    const { source: sourceId, issueId, assignee, notificationId } = job.data;
    const source = deps.sources.get(sourceId);
    const state = await deps.store.loadState(sourceId, issueId);
    if (!source || !state || !state.sla.covered || state.sla.deleted || state.sla.resolved) return { outcome: 'skipped', issueId };
    // Someone already gave it to the assignee or elsewhere (or the echo came first): a person's
    // choice made since the escalation stands.
    if (state.sla.assignee?.toLowerCase() === assignee.toLowerCase()) return { outcome: 'skipped', issueId };
    const line = currentLine(deps.contracts.get(state.sla.contract), state.sla);
    if (line !== job.data.fromLine) {
      log.info('not assigning: the issue is no longer with the line that escalated', { source: sourceId, issue: state.issue.key, from: job.data.fromLine, now: line ?? null });
      return { outcome: 'skipped', issueId };
    }
    const connector = connectorOf(deps.connectors, source.kind);
    if (!connector.assign) {
      log.warn('this tracker cannot be assigned by the bridge; the next line is only told', { source: sourceId, issue: state.issue.key, tracker: source.kind });
      return { outcome: 'unsupported', issueId };
    }
    let requests: readonly OutboundRequest[];
    try {
      const target = connector.assigneeId ? await connector.assigneeId(source, assignee, trackerRead(deps.http)) : assignee;
      requests = connector.assign(source, state.issue, target);
    } catch (error) {
      // The tracker could not be asked now: the job is retried.
      if (error instanceof DeliveryFailure && !error.permanent) throw error;
      // No API token for the source, or no such user: retrying will not make one.
      log.warn('cannot assign the issue to the next line', { source: sourceId, issue: state.issue.key, error: (error as Error).message });
      return { outcome: 'unsupported', issueId };
    }
    for (const request of requests) {
      try {
        await deps.http.send(request);
      } catch (error) {
        if (!(error instanceof DeliveryFailure)) throw error;
        const id = await deps.deadLetters.add(error, request);
        log.warn('assignment to the next line dead-lettered', { source: sourceId, issue: state.issue.key, deadLetter: id, reason: error.reason });
        return { outcome: 'dead-lettered', issueId };
      }
    }
    const at = deps.now();
    const deliveryId = `line-assign:${notificationId}`;
    const toAgent = source.agents.users.has(assignee.toLowerCase());
    await deps.ingest.add(
      DELIVERY_JOB,
      { sourceId, deliveryId, receivedAt: at, issue: state.issue, events: [{ type: 'assigned', at, assignee, ...(toAgent ? { toAgent } : {}) }] },
      { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(sourceId, deliveryId) },
    );
    log.info('assigned to the next line', { source: sourceId, issue: state.issue.key, assignee, to: job.data.toLine });
    return { outcome: 'assigned', issueId };
  }
}
