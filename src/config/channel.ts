import { configureChatChannel, type ConfiguredChatChannel } from '../../connectors/chat/configured-channel.js';
import type { ChatChannelKind } from '../../connectors/chat/chat-channel.js';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { Language } from '../domain/language.js';

/** A configured chat channel: where a notification goes, in which language, and when. */
export interface Channel {
  readonly id: string;
  readonly kind: ChatChannelKind;
  readonly language?: Language | undefined;
  readonly quietHours?: { readonly calendar: BusinessCalendar; readonly bypassBreaches: boolean } | undefined;
  readonly chat: ConfiguredChatChannel;
}

/** Used when the config has no channel for a contract: a new user sees warnings in the log at once. */
export const CONSOLE_CHANNEL: Channel = { id: 'console', kind: 'console', chat: configureChatChannel('console', {}) };
