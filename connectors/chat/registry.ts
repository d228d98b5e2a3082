/** Every chat channel, by kind: the only list the notifier consults. */
import type { ChatChannel, ChatChannelKind } from './chat-channel.js';
import { consoleChannel, type ConsoleConfig } from './console/index.js';
import { googleChatChannel, type GoogleChatConfig } from './google-chat/index.js';
import { mattermostChannel, type MattermostConfig } from './mattermost/index.js';
import { slackChannel, type SlackConfig } from './slack/index.js';
import { teamsChannel, type TeamsConfig } from './teams/index.js';
import { webhookChannel, type WebhookConfig } from './webhook/index.js';

export interface ChatChannelConfigs {
  readonly slack: SlackConfig;
  readonly teams: TeamsConfig;
  readonly mattermost: MattermostConfig;
  readonly 'google-chat': GoogleChatConfig;
  readonly webhook: WebhookConfig;
  readonly console: ConsoleConfig;
}

export type ChatChannelRegistry = { readonly [K in ChatChannelKind]: ChatChannel<ChatChannelConfigs[K], K> };

export const chatChannels: ChatChannelRegistry = {
  slack: slackChannel,
  teams: teamsChannel,
  mattermost: mattermostChannel,
  'google-chat': googleChatChannel,
  webhook: webhookChannel,
  console: consoleChannel,
};

/** Where notifications go when the config names no chat channel. */
export const DEFAULT_CHAT_CHANNEL: ChatChannelKind = 'console';
