/**
 * A contract's rule for one preset metric (reaction, response, resolution: when its clock starts,
 * what meets it, what pauses it, its target per priority) and the warnings before a deadline.
 */
import { z } from 'zod';
import type { Duration } from './duration.js';
import type { Metric } from './metric.js';
import type { Priority } from './priority.js';

/** When a metric's clock starts: at creation, or when an earlier metric is met. */
export const metricStartSchema = z.enum(['created', 'reaction_met', 'response_met']);
export type MetricStart = z.infer<typeof metricStartSchema>;

/** What meets a metric: a public agent comment, an assignment, resolving, or reaching a status. */
export const meetConditionSchema = z.string().refine((text) => /^(agent_comment|assigned|resolved|status:.+)$/.test(text), {
  error: (issue) => `${JSON.stringify(issue.input)} is not a meeting event (use agent_comment, assigned, resolved or status:<name>)`,
});
export type MeetCondition = z.infer<typeof meetConditionSchema>;

export interface MetricRule {
  readonly metric: Metric;
  readonly starts: MetricStart;
  readonly metBy: readonly MeetCondition[];
  /** Lower-cased status names during which the clock stands still. */
  readonly pausesOn: ReadonlySet<string>;
  /** `null`: the contract sets no target for that priority. */
  readonly targets: Readonly<Record<Priority, Duration | null>>;
}

export type WarningRule =
  | { readonly kind: 'fraction'; readonly fraction: number; readonly label: string }
  | { readonly kind: 'before'; readonly duration: Duration; readonly label: string };
