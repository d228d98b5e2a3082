import type { ConfiguredChatChannel } from '../../connectors/chat/chat-channel.js';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { Language } from '../domain/language.js';

/** A configured chat channel: where a notification goes, in which language, and when. */
export interface Channel {
  readonly id: string;
  readonly kind: string;
  readonly language?: Language | undefined;
  readonly quietHours?: { readonly calendar: BusinessCalendar; readonly bypassBreaches: boolean } | undefined;
  readonly chat: ConfiguredChatChannel;
}
