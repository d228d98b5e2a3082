import type { SupportLine } from './support-line.js';
import type { BusinessCalendar } from './business-calendar.js';
import type { AuthorizedContacts } from './contacts-rule.js';
import type { TermWarning } from './contract-term.js';
import type { SignoffRule } from './signoff-rule.js';
import { durationToMs, formatDuration, type Duration } from './duration.js';
import type { HoursCard } from './hours-card.js';
import type { Language } from './language.js';
import type { Metric } from './metric.js';
import type { MetricDefinition } from './metric-definition.js';
import type { Obligation } from './obligation.js';
import type { AvailabilityRule } from './availability.js';
import type { Priority } from './priority.js';
import type { MetricRule, WarningRule } from './metric-rule.js';

export interface Coverage {
  readonly source: string;
  readonly project: string;
  readonly component?: string | undefined;
  readonly label?: string | undefined;
}

export interface EnvironmentRule {
  readonly clampTo: Priority;
  readonly reason: string;
}

export interface Contract {
  readonly id: string;
  readonly customer: string;
  readonly tier?: string | undefined;
  /** Inclusive local dates (YYYY-MM-DD) in the contract calendar's zone. */
  readonly validFrom?: string | undefined;
  readonly validUntil?: string | undefined;
  readonly calendar: BusinessCalendar;
  readonly priorityCalendars: Readonly<Partial<Record<Priority, BusinessCalendar>>>;
  readonly covers: readonly Coverage[];
  /** Keyed by lower-cased environment name, e.g. `test`. */
  readonly environments: ReadonlyMap<string, EnvironmentRule>;
  /** Only the metrics the contract measures, in the order reaction, response, resolution. */
  readonly metrics: readonly MetricRule[];
  /** Metrics defined by conditions, after the presets (metric-definition.ts). */
  readonly customMetrics?: readonly MetricDefinition[] | undefined;
  /** Support lines by name: their members' lower-cased user names and e-mail addresses, a group to conditions. */
  readonly lines?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** Support lines' components (Jira) or categories (MantisBT), lower-cased, by line name; only lines that name any. */
  readonly lineComponents?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** The lines' channels and escalations (src/config/line-escalation-config.ts), by line name. */
  readonly supportLines?: ReadonlyMap<string, SupportLine> | undefined;
  readonly warnings: readonly WarningRule[];
  /** Channel ids for warnings and for breaches/escalations; none configured: the console. */
  readonly notify?: { readonly language?: Language | undefined; readonly warnings: readonly string[]; readonly breaches: readonly string[] } | undefined;
  /** Repeats of the breach message while the metric stays unmet, in business time of its calendar. */
  readonly escalation?: { readonly every: Duration; readonly max?: number | undefined } | undefined;
  /** A prepaid hours card (strippenkaart), when the contract has one. */
  readonly hours?: HoursCard | undefined;
  /** Who may report issues; absent: anyone. */
  readonly contacts?: AuthorizedContacts | undefined;
  /** Warn the managers this long before `validUntil` ends; only with `validUntil`. */
  readonly term?: TermWarning | undefined;
  /** The customer's sign-off of resolutions, measured when set. */
  readonly signoff?: SignoffRule | undefined;
  /** Recurring work owed every period (obligation.ts); absent when the contract lists none. */
  readonly obligations?: readonly Obligation[] | undefined;
  /** A monthly uptime target; absent when the contract has none. */
  readonly availability?: AvailabilityRule | undefined;
}

export function calendarFor(contract: Contract, priority: Priority): BusinessCalendar {
  return contract.priorityCalendars[priority] ?? contract.calendar;
}

export interface ResolvedTarget {
  readonly calendar: BusinessCalendar;
  readonly text: string;
  readonly ms: number;
}

/** A metric's target for a priority in business ms of that priority's calendar; null when there is none. */
export function resolveTarget(contract: Contract, metric: Metric, priority: Priority): ResolvedTarget | null {
  const duration = contract.metrics.find((rule) => rule.metric === metric)?.targets[priority];
  if (!duration) return null;
  const calendar = calendarFor(contract, priority);
  return { calendar, text: formatDuration(duration), ms: durationToMs(duration, calendar.dayMs, calendar.weekMs) };
}
