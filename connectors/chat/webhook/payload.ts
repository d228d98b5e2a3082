/**
 * The generic webhook body: the notification as the bridge holds it, for machines, plus the
 * rendered words in the notification's language, for receivers that only relay text. `schema`
 * versions the shape so receivers can reject what they do not understand.
 */
import { plainText, type MessageField, type MessageText } from '../message-text.js';
import type { ChatNotification } from '../card-notification.js';
import type { ChatNotice } from '../notice.js';

export const WEBHOOK_SCHEMA = 'sla-bridge.notification/v1';

export interface WebhookBody {
  readonly schema: typeof WEBHOOK_SCHEMA;
  readonly notification: ChatNotification;
  readonly message: {
    readonly language: ChatNotification['language'];
    readonly summary: string;
    readonly lateNote?: string;
    readonly fields: readonly MessageField[];
    readonly text: string;
  };
}

export function webhookBody(notification: ChatNotification, message: MessageText): WebhookBody {
  return {
    schema: WEBHOOK_SCHEMA,
    notification,
    message: {
      language: message.language,
      summary: message.summary,
      ...(message.lateNote ? { lateNote: message.lateNote } : {}),
      fields: message.fields,
      text: plainText(message),
    },
  };
}

export const WEBHOOK_NOTICE_SCHEMA = 'sla-bridge.notice/v1';

/** A notice about a contract (its term ending): the notice as the bridge holds it, and its words. */
export function webhookNoticeBody(notice: ChatNotice, message: MessageText) {
  return {
    schema: WEBHOOK_NOTICE_SCHEMA,
    notice,
    message: { language: message.language, summary: message.summary, fields: message.fields, text: plainText(message) },
  };
}
