/**
 * What a metric's clock says at `now`: its state, target, deadline, warnings and the stretches it
 * ran, as the SLA clock (./sla-clock.ts) and the condition engine (./condition-engine.ts) give it.
 */
import type { Instant } from './business-calendar.js';
import type { Metric } from './metric.js';
import type { Priority } from './priority.js';

export type MetricState = 'running' | 'paused' | 'met' | 'breached' | 'not_started' | 'not_applicable';

/** A stretch of time during which a metric's clock ran, at one priority. */
export interface ClockSegment {
  readonly from: Instant;
  /** `null` while the clock is still running. */
  readonly to: Instant | null;
  readonly priority: Priority;
  readonly calendar: string;
}

export interface ThresholdInstant {
  readonly label: string;
  /** Business ms of elapsed time at which the threshold is reached. */
  readonly elapsedMs: number;
  /** When it was or will be reached; `null` while paused before reaching it, or never (met first). */
  readonly at: Instant | null;
}

export interface MetricStatus {
  readonly metric: Metric;
  readonly state: MetricState;
  /** Why a metric is paused, not started or not applicable, or how it was met. */
  readonly reason?: string;
  readonly priority: Priority;
  readonly calendar: string;
  /** The calendar's time zone: deadlines are shown in its local time. */
  readonly zone: string;
  readonly target?: { readonly text: string; readonly ms: number };
  readonly startedAt?: Instant;
  readonly metAt?: Instant;
  /** When the target is or was reached; `null` while paused before reaching it. */
  readonly deadline?: Instant | null;
  readonly elapsedMs?: number;
  /** Target minus elapsed business time: negative when overdue. */
  readonly remainingMs?: number;
  readonly warnings?: readonly ThresholdInstant[];
  /**
   * Repeats after the breach, as far as they have come by `now` plus the next one; empty when the
   * contract has none.
   */
  readonly escalations?: readonly ThresholdInstant[];
  readonly segments?: readonly ClockSegment[];
}
