/**
 * `config/bridge.yaml`: settings of the bridge as a whole rather than of one contract, calendar,
 * source or channel. Optional: without it the bridge keeps every event log for good.
 */
import { z } from 'zod';
import { durationToMs, type Duration } from '../domain/duration.js';
import { durationSchema } from './field-schemas.js';

const DAY_MS = 86_400_000;
/** Durations of the bridge's own housekeeping are real time: a day is 24 h. */
const realMs = (duration: Duration) => durationToMs(duration, DAY_MS, 7 * DAY_MS);

/**
 * Trackers resend a delivery for days after it was sent (GitHub's redeliveries reach 3 days back,
 * an Enterprise Server's 7, GitLab's hook log shows a week), and a compacted log no longer knows
 * the deliveries it was told.
 */
export const MIN_CLOSED_FOR_MS = 7 * DAY_MS;

export const retentionSchema = z.strictObject({
  /** How long an issue must have been resolved or deleted, without any event, before its log is compacted. */
  closed_for: durationSchema.refine((duration) => realMs(duration) >= MIN_CLOSED_FOR_MS, {
    error: 'must be at least 7d: trackers resend deliveries for days, and a compacted log no longer knows which it had',
  }),
  /** How often the bridge compacts: a BullMQ job scheduler, once per interval however many workers run. */
  every: durationSchema.prefault('1d').refine((duration) => realMs(duration) >= 60_000, { error: 'must be at least 1m' }),
});

export const bridgeFileSchema = z.strictObject({
  description: z.string().optional(),
  retention: retentionSchema.optional(),
});
export type BridgeFile = z.infer<typeof bridgeFileSchema>;

export interface Retention {
  readonly closedForMs: number;
  readonly everyMs: number;
}

export interface BridgeSettings {
  /** Absent: event logs are kept whole for good. */
  readonly retention?: Retention | undefined;
}

export function compileBridgeSettings(file: BridgeFile): BridgeSettings {
  return { retention: file.retention && { closedForMs: realMs(file.retention.closed_for), everyMs: realMs(file.retention.every) } };
}
