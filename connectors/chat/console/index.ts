/**
 * The channel used when no chat is configured: the message goes to the bridge's log, so warnings
 * are visible from the first run and nothing is sent anywhere by default.
 */
import { z } from 'zod';
import type { ChatChannel } from '../chat-channel.js';
import { messageText, plainText } from '../message-text.js';
import { noticeText } from '../notice-text.js';

export const consoleConfigSchema = z.strictObject({});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

export const consoleChannel: ChatChannel<ConsoleConfig, 'console'> = {
  kind: 'console',
  configSchema: consoleConfigSchema,
  buildRequest: (_config, notification) => ({ log: plainText(messageText(notification)) }),
  buildNoticeRequest: (_config, notice) => ({ log: plainText(noticeText(notice)) }),
};
