/**
 * The one interface between the bridge and a chat system. A channel only turns a notification into
 * the exact request to send: no I/O, no clock, no retries. The caller owns delivery (queues, rate
 * limits, 429 handling), so every channel is tested without a network and a retry resends the very
 * bytes that failed.
 */
import { z } from 'zod';
import type { OutboundRequest } from '../outbound-request.js';
import type { ChatNotification } from './card-notification.js';
import type { ChatNotice } from './notice.js';

export const CHAT_CHANNEL_KINDS = ['slack', 'teams', 'mattermost', 'google-chat', 'webhook', 'console'] as const;
export const chatChannelKindSchema = z.enum(CHAT_CHANNEL_KINDS);
export type ChatChannelKind = z.infer<typeof chatChannelKindSchema>;

/** An outbound request to a chat system: always a POST of a string. */
export interface HttpPost extends Omit<OutboundRequest, 'method' | 'headers' | 'body' | 'description'> {
  readonly method: 'POST';
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes to send (as UTF-8): signatures are computed over this string. */
  readonly body: string;
}

/** For the console channel: the text to write to the log instead of sending anything. */
export interface LogLine {
  readonly log: string;
}

/** What a chat channel makes of a notification: a POST to send, or a line for the log. */
export type ChatOutput = HttpPost | LogLine;

export function isHttpPost(request: ChatOutput): request is HttpPost {
  return 'url' in request;
}

export interface ChatChannel<Config, Kind extends string = ChatChannelKind> {
  readonly kind: Kind;
  /** Parses the channel's settings from the config file; messages name the problem, never echo a URL. */
  readonly configSchema: z.ZodType<Config>;
  /** Pure and deterministic; never throws for a notification that passed `slaNotificationSchema` or `cardNotificationSchema`. */
  buildRequest(config: Config, notification: ChatNotification): ChatOutput;
  /** The same for a notice about a contract (its term ending). */
  buildNoticeRequest(config: Config, notice: ChatNotice): ChatOutput;
}

/** A channel bound to its parsed settings. */
export interface ConfiguredChatChannel {
  readonly kind: string;
  buildRequest(notification: ChatNotification): ChatOutput;
  buildNoticeRequest(notice: ChatNotice): ChatOutput;
}

/**
 * Parses `rawConfig` with the channel's own schema, once, up front, so a mistake fails at startup
 * instead of at the first breach; throws the schema's ZodError.
 */
export function configureChannel(channel: ChatChannel<unknown, string>, rawConfig: unknown): ConfiguredChatChannel {
  const config = channel.configSchema.parse(rawConfig);
  return {
    kind: channel.kind,
    buildRequest: (notification) => channel.buildRequest(config, notification),
    buildNoticeRequest: (notice) => channel.buildNoticeRequest(config, notice),
  };
}
