import type { ChatChannel } from '../chat-channel.js';
import { jsonPost } from '../json-post.js';
import { messageText } from '../message-text.js';
import { noticeText } from '../notice-text.js';
import { googleChatConfigSchema, type GoogleChatConfig } from './config.js';
import { googleChatMessage } from './payload.js';
import { messageUrl, threadKey } from './thread.js';

export type { GoogleChatConfig } from './config.js';

export const googleChatChannel: ChatChannel<GoogleChatConfig, 'google-chat'> = {
  kind: 'google-chat',
  configSchema: googleChatConfigSchema,
  buildRequest: (config, notification) =>
    jsonPost(
      messageUrl(config.url, notification.id),
      googleChatMessage(messageText(notification), threadKey(notification.tracker.source, notification.issue.id)),
    ),
  buildNoticeRequest: (config, notice) => jsonPost(messageUrl(config.url, notice.id), googleChatMessage(noticeText(notice), notice.kind === 'duty_handover' ? threadKey('team', notice.team) : threadKey('contract', notice.contract))),
};
