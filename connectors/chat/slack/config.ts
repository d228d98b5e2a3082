import { z } from 'zod';
import { requireHttps, webhookUrlShape } from '../webhook-url.js';

/**
 * A Slack incoming webhook (Slack app → Incoming Webhooks). Each URL posts to the one channel it
 * was created for; Slack ignores channel, username and icon overrides on these webhooks.
 */
export const slackConfigSchema = z
  .strictObject(webhookUrlShape('https://hooks.slack.com/services/T000/B000/XXXX'))
  .superRefine(requireHttps);

export type SlackConfig = z.infer<typeof slackConfigSchema>;
