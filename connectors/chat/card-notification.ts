/**
 * A chat message about a contract's hours card (strippenkaart) rather than one issue's SLA clock:
 * the card's balance reached a warning level, or booked hours wait too long for the customer's
 * approval. It names the call that brought it about, so every chat system can link and thread it
 * like an issue message.
 */
import { z } from 'zod';
import { languageSchema } from '../../src/domain/language.js';
import type { SlaNotification } from './notification.js';

const seconds = z.number().int();

export const cardNotificationSchema = z.strictObject({
  subject: z.enum(['hours-card', 'hours-approval']),
  /** Stable per (contract, purchase, level), or per (call, approval wait): receivers deduplicate on it. */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'the notification id must be 1-200 printable ASCII characters without spaces' }),
  kind: z.literal('warning'),
  /** The level's label from the contract (`5h`, `0h`), or the approval wait (`2d`). */
  threshold: z.string().min(1),
  language: languageSchema,
  customer: z.string().min(1),
  contract: z.string().min(1),
  /** The card's balance when it was sent; negative when overdrawn. */
  balanceSeconds: seconds,
  purchase: z.string().min(1),
  tracker: z.strictObject({ kind: z.string().min(1), name: z.string().min(1).optional(), source: z.string().min(1) }),
  /** The call whose charge crossed the level, or whose hours wait for approval. */
  issue: z.strictObject({ id: z.string().min(1), key: z.string().min(1), title: z.string(), url: z.url({ protocol: /^https?$/ }).optional() }),
  call: z.strictObject({ rawSeconds: seconds.nonnegative(), billedSeconds: seconds.nonnegative(), since: z.number().int().optional() }),
  firedAt: z.number().int().nonnegative(),
});

export type CardNotification = z.infer<typeof cardNotificationSchema>;

/** What a chat channel is handed: an issue's SLA message or a card message. */
export type ChatNotification = SlaNotification | CardNotification;

export function isCardNotification(notification: ChatNotification): notification is CardNotification {
  return 'subject' in notification;
}
