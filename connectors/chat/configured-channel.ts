/**
 * A chat system of the registry bound to its settings, by kind: the registry types every kind's
 * channel with its own settings, and this pairs them.
 */
import { configureChannel, type ChatChannel, type ChatChannelKind, type ConfiguredChatChannel } from './chat-channel.js';
import { chatChannels } from './registry.js';

/** Throws the schema's ZodError when `rawConfig` is not valid for `kind`. */
export function configureChatChannel(kind: ChatChannelKind, rawConfig: unknown): ConfiguredChatChannel {
  return configureChannel(chatChannels[kind] as ChatChannel<unknown, string>, rawConfig);
}
