/** Sends one chat message; a permanent failure goes to the dead-letter list instead of being lost. */
import type { Job } from 'bullmq';
import { isHttpPost } from '../../../connectors/chat/chat-channel.js';
import { messageText, plainText } from '../../../connectors/chat/message-text.js';
import type { Channel } from '../../config/channel.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import { DeliveryFailure, type OutboundHttp } from '../outbound/outbound-http.js';
import type { ChatJob } from './pipeline.js';

export interface ChatSendDeps {
  readonly channels: ReadonlyMap<string, Channel>;
  /** For a message whose channel is no longer configured. */
  readonly fallbackChannel: Channel;
  readonly http: OutboundHttp;
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
}

export type ChatSendOutcome = { readonly outcome: 'sent' | 'logged' | 'dead-lettered'; readonly text: string };

export function createChatSendProcessor(deps: ChatSendDeps) {
  const consoleLog = deps.logger.child({ component: 'console-channel' });
  return async (job: Job<ChatJob>): Promise<ChatSendOutcome> => {
    const { channelId, notification } = job.data;
    const channel = deps.channels.get(channelId) ?? deps.fallbackChannel;
    const request = channel.chat.buildRequest(notification);
    const text = plainText(messageText(notification));
    if (!isHttpPost(request)) {
      consoleLog.info(request.log, { notification: notification.id });
      deps.metrics.notification(channel.kind, 'logged');
      return { outcome: 'logged', text };
    }
    const description = `${channel.id} (${channel.kind}): ${notification.kind} ${notification.threshold} ${notification.metric} ${notification.issue.key}`;
    try {
      await deps.http.send({ ...request, headers: { ...request.headers }, description });
      deps.metrics.notification(channel.kind, 'sent');
      return { outcome: 'sent', text };
    } catch (error) {
      if (!(error instanceof DeliveryFailure)) throw error;
      const id = await deps.deadLetters.add(error, { ...request, headers: { ...request.headers }, description });
      deps.metrics.notification(channel.kind, 'failed');
      deps.logger.warn('chat message dead-lettered', { component: 'chat', channel: channel.id, deadLetter: id, reason: error.reason });
      return { outcome: 'dead-lettered', text };
    }
  };
}
