import type { ChatChannel } from '../chat-channel.js';
import { jsonPost } from '../json-post.js';
import { messageText } from '../message-text.js';
import { noticeText } from '../notice-text.js';
import { noticeSeverity } from '../notice.js';
import { mattermostConfigSchema, type MattermostConfig } from './config.js';
import { mattermostMessage } from './payload.js';

export type { MattermostConfig } from './config.js';

export const mattermostChannel: ChatChannel<MattermostConfig, 'mattermost'> = {
  kind: 'mattermost',
  configSchema: mattermostConfigSchema,
  buildRequest: (config, notification) => jsonPost(config.url, mattermostMessage(config, messageText(notification), notification.kind)),
  buildNoticeRequest: (config, notice) => jsonPost(config.url, mattermostMessage(config, noticeText(notice), noticeSeverity(notice))),
};
