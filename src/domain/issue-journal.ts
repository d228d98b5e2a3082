/**
 * What the bridge did about an issue, as opposed to what happened to it (the event log): each
 * chat message with when and where it went, each write-back into the tracker with its result. The
 * deadline explanation reads it; nothing computes SLA state from it.
 */
import { z } from 'zod';
import { notificationKindSchema } from './timer-plan.js';

const instant = z.number().int();

export const notificationRecordSchema = z.object({
  type: z.literal('notification'),
  /** When the channel took the message (sent, logged, given up on), or when it was held. */
  at: instant,
  /** A preset's name or that of a metric defined by conditions. */
  metric: z.string().min(1),
  kind: notificationKindSchema,
  /** `50%`, `breach`, `escalation 1`, ... */
  label: z.string().min(1),
  channel: z.string().min(1),
  channelKind: z.string().min(1),
  /** `held`: queued to wait for the channel's quiet hours to end, at `until`. */
  outcome: z.enum(['sent', 'logged', 'dead-lettered', 'held']),
  until: instant.optional(),
  /** When the timer fired and the notification was claimed. */
  firedAt: instant.optional(),
  /** Why it was given up on (dead-lettered), in the outbound layer's redacted words. */
  reason: z.string().optional(),
});

export const writeBackRecordSchema = z.object({
  type: z.literal('write-back'),
  at: instant,
  outcome: z.enum(['written', 'restored', 'dead-lettered', 'gone']),
  requests: z.number().int().nonnegative(),
  /** The nearest open deadline the write brought into the tracker; null: the fields were cleared. */
  nearest: instant.nullable().optional(),
  reason: z.string().optional(),
});

export const journalRecordSchema = z.discriminatedUnion('type', [notificationRecordSchema, writeBackRecordSchema]);

export type NotificationRecord = z.infer<typeof notificationRecordSchema>;
export type WriteBackRecord = z.infer<typeof writeBackRecordSchema>;
export type JournalRecord = z.infer<typeof journalRecordSchema>;
