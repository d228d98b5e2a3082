import type { ChatChannel, HttpPost } from '../chat-channel.js';
import { jsonPost } from '../json-post.js';
import { messageText } from '../message-text.js';
import { webhookConfigSchema, type WebhookConfig } from './config.js';
import { webhookBody, webhookNoticeBody } from './payload.js';
import { noticeText } from '../notice-text.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

export type { WebhookConfig } from './config.js';

export const EVENT_HEADER = 'X-Sla-Bridge-Event';
export const NOTIFICATION_ID_HEADER = 'X-Sla-Bridge-Notification-Id';

function signed(config: WebhookConfig, unsigned: HttpPost): HttpPost {
  if (!config.secret) return unsigned;
  return { ...unsigned, headers: { ...unsigned.headers, [SIGNATURE_HEADER]: signatureHeader(config.secret, unsigned.body) } };
}

export const webhookChannel: ChatChannel<WebhookConfig, 'webhook'> = {
  kind: 'webhook',
  configSchema: webhookConfigSchema,
  buildRequest(config, notification): HttpPost {
    const unsigned = jsonPost(config.url, webhookBody(notification, messageText(notification)), {
      ...config.headers,
      [EVENT_HEADER]: notification.kind,
      [NOTIFICATION_ID_HEADER]: notification.id,
    });
    return signed(config, unsigned);
  },
  buildNoticeRequest(config, notice): HttpPost {
    const unsigned = jsonPost(config.url, webhookNoticeBody(notice, noticeText(notice)), { ...config.headers, [EVENT_HEADER]: notice.kind, [NOTIFICATION_ID_HEADER]: notice.id });
    return signed(config, unsigned);
  },
};
