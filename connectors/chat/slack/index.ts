import type { ChatChannel } from '../chat-channel.js';
import { jsonPost } from '../json-post.js';
import { messageText } from '../message-text.js';
import { noticeText } from '../notice-text.js';
import { noticeSeverity } from '../notice.js';
import { slackConfigSchema, type SlackConfig } from './config.js';
import { slackMessage } from './payload.js';

export type { SlackConfig } from './config.js';

export const slackChannel: ChatChannel<SlackConfig, 'slack'> = {
  kind: 'slack',
  configSchema: slackConfigSchema,
  buildRequest: (config, notification) => jsonPost(config.url, slackMessage(messageText(notification), notification)),
  buildNoticeRequest: (config, notice) => jsonPost(config.url, slackMessage(noticeText(notice), { kind: noticeSeverity(notice), id: notice.id })),
};
