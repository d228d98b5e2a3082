import type { ChatChannel } from '../chat-channel.js';
import { jsonPost } from '../json-post.js';
import { messageText } from '../message-text.js';
import { noticeText } from '../notice-text.js';
import { noticeSeverity } from '../notice.js';
import { teamsConfigSchema, type TeamsConfig } from './config.js';
import { teamsMessage } from './payload.js';

export type { TeamsConfig } from './config.js';

export const teamsChannel: ChatChannel<TeamsConfig, 'teams'> = {
  kind: 'teams',
  configSchema: teamsConfigSchema,
  buildRequest: (config, notification) => jsonPost(config.url, teamsMessage(messageText(notification), notification.kind)),
  buildNoticeRequest: (config, notice) => jsonPost(config.url, teamsMessage(noticeText(notice), noticeSeverity(notice))),
};
