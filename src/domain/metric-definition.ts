/**
 * A metric defined by conditions, and the three fixed metrics (`reaction`, `response`,
 * `resolution`) as presets of it. What the conditions mean, and their order within one instant,
 * is condition-engine.ts.
 */
import type { BusinessCalendar } from './business-calendar.js';
import type { MetricRule, WarningRule } from './metric-rule.js';
import type { Duration } from './duration.js';
import { describeEvent, describeState, orList, parseEventCondition, parseStateCondition, type EventCondition, type StateCondition, type Written } from './metric-condition.js';
import type { Priority } from './priority.js';

export const REOPEN_ACTIONS = ['ignore', 'resume', 'new_cycle'] as const;
export type ReopenAction = (typeof REOPEN_ACTIONS)[number];

export interface MetricDefinition {
  /** `reaction`, `response`, `resolution` or the contract's own name, e.g. `handover`. */
  readonly name: string;
  /** Any of these starts a cycle. */
  readonly start: readonly Written<EventCondition>[];
  /** Any of these meets the running cycle. */
  readonly stop: readonly Written<EventCondition>[];
  /** The clock stands still while any of these holds. */
  readonly pauseWhile: readonly Written<StateCondition>[];
  /** These pause the clock until one of `resume` happens. */
  readonly pause: readonly Written<EventCondition>[];
  readonly resume: readonly Written<EventCondition>[];
  /** The running cycle starts over at this instant: the elapsed time so far is dropped. */
  readonly reset: readonly Written<EventCondition>[];
  /** The running cycle ends unmeasured. */
  readonly cancel: readonly Written<EventCondition>[];
  /** The first cycle counts from the issue's creation when it starts later. */
  readonly retroactive: boolean;
  /** After a cycle is met or cancelled, a start condition opens a new one (e.g. each handover). */
  readonly restarts: boolean;
  /** What reopening the issue does to a met cycle. */
  readonly onReopen: ReopenAction;
  /** `null`: no target for that priority. */
  readonly targets: Readonly<Record<Priority, Duration | null>>;
  /** Overrides the contract's warnings. */
  readonly warnings?: readonly WarningRule[] | undefined;
  /** Overrides the contract's calendars (its priority calendars too). */
  readonly calendar?: BusinessCalendar | undefined;
}

const written = <C>(parse: (text: string) => C | string, text: string): Written<C> => {
  const parsed = parse(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return { ...parsed, text };
};

/**
 * Today's fixed metric as conditions. `starts: created` means the acceptance for an issue of an
 * unlisted contact that waits for it (condition-engine.ts); a source's pausing statuses pause
 * every fixed metric; a resolved issue holds the ones that resolving does not meet; reopening
 * resumes only resolution.
 */
export function presetDefinition(rule: MetricRule): MetricDefinition {
  const start = rule.starts === 'created' ? 'created' : `met:${rule.starts.replace('_met', '')}`;
  const metByResolving = rule.metBy.includes('resolved');
  return {
    name: rule.metric,
    start: [written(parseEventCondition, start)],
    stop: rule.metBy.map((text) => written(parseEventCondition, text)),
    pauseWhile: [
      written(parseStateCondition, 'category:paused'),
      ...[...rule.pausesOn].map((status) => written(parseStateCondition, `status:${status}`)),
      ...(metByResolving ? [] : [written(parseStateCondition, 'category:resolved')]),
    ],
    pause: [],
    resume: [],
    reset: [],
    cancel: [],
    retroactive: false,
    restarts: false,
    onReopen: rule.metric === 'resolution' ? 'resume' : 'ignore',
    targets: rule.targets,
  };
}

const events = (conditions: readonly Written<EventCondition>[]) => orList(conditions.map(describeEvent));

/** One sentence: "starts when ..., pauses while ..., stops when ...". */
export function explainMetric(definition: MetricDefinition, options: { readonly unlistedWaitForAcceptance?: boolean } = {}): string {
  const accepting = options.unlistedWaitForAcceptance && definition.start.some((condition) => condition.kind === 'created');
  const parts = [
    `${definition.name} starts when ${events(definition.start)}${accepting ? ' (reported by an unlisted contact: when an agent accepts it)' : ''}${definition.retroactive ? ' (counted from creation)' : ''}`,
  ];
  const pauses = [
    ...(definition.pauseWhile.length > 0 ? [`pauses while ${orList(definition.pauseWhile.map(describeState))}`] : []),
    ...(definition.pause.length > 0
      ? [`pauses when ${events(definition.pause)}${definition.resume.length > 0 ? ` until ${events(definition.resume)}` : ''}`]
      : []),
  ];
  parts.push(...pauses, `stops when ${events(definition.stop)}`);
  if (definition.reset.length > 0) parts.push(`starts over when ${events(definition.reset)}`);
  if (definition.cancel.length > 0) parts.push(`is cancelled when ${events(definition.cancel)}`);
  if (definition.restarts) parts.push('and starts a new cycle each time it starts again');
  if (definition.onReopen === 'resume') parts.push('and resumes when the issue is reopened');
  if (definition.onReopen === 'new_cycle') parts.push('and starts a new cycle when the issue is reopened');
  const last = parts.pop()!;
  return `${parts.join(', ')}${parts.length > 0 ? (last.startsWith('and ') ? ' ' : ', ') : ''}${last}.`;
}
