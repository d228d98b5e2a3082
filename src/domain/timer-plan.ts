/**
 * When the next SLA notification of one metric is due: its next warning threshold, its breach, or
 * the next repeat escalation after the breach. Pure: the metric's state and `now` are passed in.
 *
 * The plan is recomputed from the metric's current state after every change, so a priority change,
 * pause, resume, met or reopen simply yields a different (or no) next notification; a timer that
 * fires checks that it is still the plan before anything is sent.
 */
import { z } from 'zod';
import type { Instant } from './business-calendar.js';
import type { MetricStatus } from './metric-status.js';

/** What a plan reads of a metric's state: a preset's or one defined by conditions. */
export type TimedStatus = Pick<MetricStatus, 'warnings' | 'deadline' | 'escalations' | 'segments' | 'metAt'> & { readonly metric: string };

export const NOTIFICATION_KINDS = ['warning', 'breach', 'escalation'] as const;
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export interface PlannedNotification {
  readonly metric: string;
  readonly kind: NotificationKind;
  /** Unique within the metric: `50%`, `2h before`, `breach`, `escalation 1`, ... */
  readonly label: string;
  readonly at: Instant;
  /** Earlier notifications that passed unsent (the bridge was down) and that this one stands for. */
  readonly skipped: readonly string[];
  /** With `skipped`: the instant of the earliest of them, from which this message is late. */
  readonly skippedSince?: Instant;
}

/** Every notification instant of a metric (its warnings, breach and escalations), earliest first. */
export function duePoints(status: TimedStatus): PlannedNotification[] {
  const point = (kind: NotificationKind, label: string, at: Instant | null | undefined) =>
    at == null ? [] : [{ metric: status.metric, kind, label, at, skipped: [] }];
  return [
    ...(status.warnings ?? []).flatMap((warning) => point('warning', warning.label, warning.at)),
    ...point('breach', 'breach', status.deadline),
    ...(status.escalations ?? []).flatMap((escalation) => point('escalation', escalation.label, escalation.at)),
  ].sort((a, b) => a.at - b.at);
}

/**
 * The next notification of a metric that has not been sent, or null when none is due: the metric
 * is met, paused, not started or not applicable, or everything is sent. When several instants have
 * passed unsent (the bridge was down), only the latest is planned, at once, naming the ones it
 * stands for: one late message instead of a burst of stale ones.
 */
export function nextNotification(status: TimedStatus, sent: ReadonlySet<string>, now: Instant): PlannedNotification | null {
  const running = status.segments?.some((segment) => segment.to === null) ?? false;
  if (!running || status.metAt !== undefined) return null;
  const unsent = duePoints(status).filter((point) => !sent.has(point.label));
  const passed = unsent.filter((point) => point.at <= now);
  if (passed.length > 0) {
    const latest = passed[passed.length - 1]!;
    const skipped = passed.slice(0, -1);
    return { ...latest, skipped: skipped.map((point) => point.label), ...(skipped.length > 0 ? { skippedSince: skipped[0]!.at } : {}) };
  }
  return unsent[0] ?? null;
}
