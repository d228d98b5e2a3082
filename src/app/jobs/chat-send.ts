/**
 * Sends one chat message, one HTTP attempt per run. A failure that may pass (5xx, 408, 429, a
 * timeout, the network) throws `ChatRetryLater`, so the job comes back as a delayed retry and the
 * worker slot is free for the channel's next message; a 429 or a Retry-After also pauses the
 * channel's whole queue for that long, as the service asked. A permanent failure, or a transient
 * one on the last attempt, goes to the dead-letter list instead of being lost.
 */
import type { Job } from 'bullmq';
import { isHttpPost } from '../../../connectors/chat/chat-channel.js';
import { messageText, plainText } from '../../../connectors/chat/message-text.js';
import { noticeText } from '../../../connectors/chat/notice-text.js';
import { noticeSubject } from '../../../connectors/chat/notice.js';
import type { Channel } from '../../config/channel.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import { journalQuietly, type IssueJournal } from '../store/issue-journal.js';
import type { NotificationRecord } from '../../domain/issue-journal.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import { DeliveryFailure, type OutboundHttp } from '../outbound/outbound-http.js';
import { ChatRetryLater, chatRetryDelay, isLastAttempt } from './chat-retry.js';
import type { ChatJob, ChatNoticeJob, ChatRetryPolicy } from './pipeline.js';
import { withDutyLine } from '../../../connectors/chat/duty-mention.js';
import { resolveDuty, type DutyDeps } from './duty-routing.js';

export interface ChatSendDeps {
  readonly channels: ReadonlyMap<string, Channel>;
  /** For a message whose channel is no longer configured. */
  readonly fallbackChannel: Channel;
  readonly http: OutboundHttp;
  readonly deadLetters: DeadLetterStore;
  readonly retry: ChatRetryPolicy;
  /** Holds every message of the channel back for `ms` (BullMQ's queue rate limit). */
  readonly pauseChannel: (channelId: string, ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Who is on duty, for messages of a team's contracts. */
  readonly duty?: DutyDeps;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  /** Where each SLA message's outcome is recorded for the issue's explanation. */
  readonly journal?: IssueJournal | undefined;
  readonly now?: () => number;
}

export type ChatSendOutcome = { readonly outcome: 'sent' | 'logged' | 'dead-lettered' | 'skipped'; readonly text: string };

/** The request and words of an SLA message or of a contract notice, and how logs name it. */
function rendered(channel: Channel, data: ChatJob | ChatNoticeJob) {
  if ('notice' in data) {
    const { notice } = data;
    return { request: channel.chat.buildNoticeRequest(notice), text: plainText(noticeText(notice)), notification: { id: notice.id, what: noticeSubject(notice) } };
  }
  const { notification } = data;
  return {
    request: channel.chat.buildRequest(notification),
    text: plainText(messageText(notification)),
    notification: { id: notification.id, what: `${notification.kind} ${notification.threshold} ${'metric' in notification ? notification.metric : notification.subject} ${notification.issue.key}` },
  };
}

export function createChatSendProcessor(deps: ChatSendDeps) {
  const consoleLog = deps.logger.child({ component: 'console-channel' });
  const log = deps.logger.child({ component: 'chat' });
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  // Only an issue's SLA message has an issue and a metric to explain.
  const record = (data: ChatJob | ChatNoticeJob, channel: Channel, outcome: NotificationRecord['outcome'], reason?: string) => {
    if ('notice' in data && data.notice.kind === 'line_escalation') {
      // A support line's escalation is about the issue's handover metric: its explanation shows it.
      const { notice } = data;
      const entry: NotificationRecord = { type: 'notification', at: now(), metric: `handover-${notice.fromLine}`, kind: 'escalation', label: `${notice.after} → ${notice.toLine}`, channel: channel.id, channelKind: channel.kind, outcome, firedAt: notice.firedAt, ...(reason ? { reason } : {}) };
      return journalQuietly(deps.journal, notice.issue.source, notice.issue.id, entry, (error) => log.warn('could not record the message in the issue journal', { channel: channel.id, error: error.message }));
    }
    if ('notice' in data || !('metric' in data.notification)) return Promise.resolve();
    const sla = data.notification;
    const entry: NotificationRecord = { type: 'notification', at: now(), metric: sla.metric, kind: sla.kind, label: sla.threshold, channel: channel.id, channelKind: channel.kind, outcome, firedAt: sla.firedAt, ...(reason ? { reason } : {}) };
    return journalQuietly(deps.journal, sla.tracker.source, sla.issue.id, entry, (error) => log.warn('could not record the message in the issue journal', { channel: channel.id, error: error.message }));
  };
  return async (job: Job<ChatJob | ChatNoticeJob>): Promise<ChatSendOutcome> => {
    const { channelId } = job.data;
    const channel = deps.channels.get(channelId) ?? deps.fallbackChannel;
    const duty = deps.duty && (await resolveDuty(job, deps.duty));
    if (duty?.skip) return { outcome: 'skipped', text: 'someone is on duty: the fallback channel is not needed' };
    const plain = rendered(channel, job.data);
    const language = 'notice' in job.data ? job.data.notice.language : job.data.notification.language;
    const { request, text, notification } = duty ? { ...plain, request: withDutyLine(channel.kind, plain.request, duty.line, language) } : plain;
    if (!isHttpPost(request)) {
      consoleLog.info(request.log, { notification: notification.id });
      deps.metrics.notification(channel.kind, 'logged');
      await record(job.data, channel, 'logged');
      return { outcome: 'logged', text };
    }
    const description = `${channel.id} (${channel.kind}): ${notification.what}`;
    const outbound = { ...request, headers: { ...request.headers }, description };
    const attempt = job.attemptsMade + 1;
    try {
      await deps.http.send(outbound, { maxAttempts: 1 });
      deps.metrics.notification(channel.kind, 'sent');
      if (attempt > 1) log.info('chat message sent after retrying', { channel: channel.id, notification: notification.id, attempts: attempt });
      await record(job.data, channel, 'sent');
      return { outcome: 'sent', text };
    } catch (error) {
      if (!(error instanceof DeliveryFailure)) throw error;
      if (!error.permanent && !isLastAttempt(job)) {
        const delayMs = chatRetryDelay(attempt, error.retryAfterMs, deps.retry, random);
        // The service said the channel is over its rate: its other messages would be refused too.
        if (error.status === 429 || error.retryAfterMs !== undefined) await deps.pauseChannel(channelId, delayMs);
        deps.metrics.notification(channel.kind, 'retried');
        log.info('chat message to be retried', { channel: channel.id, notification: notification.id, attempt, delayMs, reason: error.reason });
        throw new ChatRetryLater(error, delayMs);
      }
      const id = await deps.deadLetters.add({ permanent: error.permanent, status: error.status, code: error.code, attempts: attempt, reason: error.reason }, outbound);
      deps.metrics.notification(channel.kind, 'failed');
      log.warn('chat message dead-lettered', { channel: channel.id, deadLetter: id, attempts: attempt, reason: error.reason });
      await record(job.data, channel, 'dead-lettered', error.reason);
      return { outcome: 'dead-lettered', text };
    }
  };
}
