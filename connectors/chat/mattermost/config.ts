import { z } from 'zod';
import { requireHttps, webhookUrlShape } from '../webhook-url.js';

/**
 * A Mattermost incoming webhook. `channel`, `username` and the icon replace the webhook's defaults;
 * the last three only take effect when the server allows integrations to override them (System
 * Console → Integrations), otherwise Mattermost silently keeps its own.
 */
export const mattermostConfigSchema = z
  .strictObject({
    ...webhookUrlShape('https://chat.example.com/hooks/xxxxxxxxxxxxxxxxxxxxxxxxxx'),
    channel: z.string().min(1, { error: 'give the channel name (e.g. town-square) or leave channel out' }).optional(),
    username: z.string().min(1).optional(),
    icon_url: z.url({ protocol: /^https$/, error: 'must be an https:// image URL' }).optional(),
    icon_emoji: z.string().min(1).optional(),
  })
  .superRefine(requireHttps);

export type MattermostConfig = z.infer<typeof mattermostConfigSchema>;
