/**
 * A channel bound to its parsed settings. The registry's channels are typed per kind; config files
 * arrive untyped, so this is the one place that pairs a kind with its own schema: the config is
 * parsed once, up front, and a mistake fails at startup instead of at the first breach.
 */
import type { ChatChannel, ChatChannelKind, OutgoingRequest } from './chat-channel.js';
import type { SlaNotification } from './notification.js';
import { chatChannels } from './registry.js';

export interface ConfiguredChatChannel {
  readonly kind: ChatChannelKind;
  buildRequest(notification: SlaNotification): OutgoingRequest;
}

/** Throws the schema's ZodError when `rawConfig` is not valid for `kind`. */
export function configureChatChannel(kind: ChatChannelKind, rawConfig: unknown): ConfiguredChatChannel {
  // Safe: the registry's type pairs every kind with the schema whose output its buildRequest takes.
  const channel = chatChannels[kind] as ChatChannel<unknown>;
  const config = channel.configSchema.parse(rawConfig);
  return { kind, buildRequest: (notification) => channel.buildRequest(config, notification) };
}
