import { z } from 'zod';
import { requireHttps, webhookUrlShape } from '../webhook-url.js';

/**
 * A Google Chat space webhook (space → Apps & integrations → Webhooks). The URL as Google shows it,
 * with its `key` and `token` parameters; both are secrets.
 */
export const googleChatConfigSchema = z
  .strictObject(webhookUrlShape('https://chat.googleapis.com/v1/spaces/AAAA/messages?key=…&token=…'))
  .superRefine(requireHttps);

export type GoogleChatConfig = z.infer<typeof googleChatConfigSchema>;
