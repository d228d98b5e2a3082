import { z } from 'zod';
import { requireHttps, webhookUrlShape } from '../webhook-url.js';

/**
 * A Teams Workflows webhook: a flow started by "When a Teams webhook request is received" that posts
 * the card to a channel or chat (the retired Office 365 connector URLs no longer work). The host is
 * not checked: Microsoft moved these URLs from `*.logic.azure.com` to
 * `*.environment.api.powerplatform.com` in 2025 and may move them again.
 */
export const teamsConfigSchema = z
  .strictObject(webhookUrlShape('https://<env>.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/…'))
  .superRefine(requireHttps);

export type TeamsConfig = z.infer<typeof teamsConfigSchema>;
