/** Turns validated config files into the domain's calendars and contracts, checking cross-references. */
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { Contract } from '../domain/contract.js';
import type { MetricRule, WarningRule } from '../domain/metric-rule.js';
import { HolidayResolver } from '../domain/holidays.js';
import { METRICS, type Metric } from '../domain/metric.js';
import { PRIORITIES } from '../domain/priority.js';
import { WallClockCalendar } from '../domain/wall-clock-calendar.js';
import { WindowedCalendar } from '../domain/windowed-calendar.js';
import { durationToMs } from '../domain/duration.js';
import type { PathPart, Report } from './config-report.js';
import { WEEKDAYS, type CalendarFile, type ContractFile } from './schema.js';
import { compileHoursCard } from './hours-card-schema.js';
import { compileContacts } from './contacts-config.js';
import { compileObligations } from './compile-obligations.js';
import { compileConditionMetrics } from './metrics-config.js';
import { compileLines } from './lines-config.js';

const DEFAULT_METRIC_RULES: Record<Metric, Omit<MetricRule, 'metric' | 'targets'>> = {
  reaction: { starts: 'created', metBy: ['agent_comment', 'resolved'], pausesOn: new Set() },
  response: { starts: 'created', metBy: ['resolved'], pausesOn: new Set() },
  resolution: { starts: 'created', metBy: ['resolved'], pausesOn: new Set() },
};

export function compileCalendar(id: string, file: CalendarFile, report: Report): BusinessCalendar | undefined {
  const hours = file.hours;
  if (hours === '24x7') return new WallClockCalendar(id, file.zone);
  const week = WEEKDAYS.map((day) => hours[day]);
  if (week.every((windows) => windows.length === 0)) {
    report(['hours'], 'no working windows on any day of the week');
    return undefined;
  }
  if (file.day_length && (file.day_length.days > 0 || file.day_length.weeks > 0)) {
    report(['day_length'], 'give the working day length in hours and minutes, e.g. 8h or 7h30m');
    return undefined;
  }
  const holidays = file.holidays ? holidayResolver(file.holidays, report) : undefined;
  if (holidays === null) return undefined;
  const closed = file.closed.map((entry) =>
    typeof entry === 'string' ? { date: entry, reason: 'closed' } : { date: entry.date, reason: entry.reason ?? 'closed' },
  );
  const closedDays = (year: number): ReadonlyMap<string, string> => {
    const dates = new Map(holidays?.closedDates(year) ?? []);
    for (const entry of closed) if (entry.date.startsWith(`${year}-`)) dates.set(entry.date, entry.reason);
    return dates;
  };
  const dayMs = file.day_length ? durationToMs(file.day_length, 0, 0) : undefined;
  return new WindowedCalendar({ id, zone: file.zone, week, dayMs, closedDays });
}

/** The holiday rules of a calendar file, or null after reporting why they cannot be used. */
function holidayResolver(rules: NonNullable<CalendarFile['holidays']>, report: Report): HolidayResolver | null {
  let resolver: HolidayResolver;
  try {
    resolver = new HolidayResolver(rules);
  } catch (error) {
    report(['holidays', rules.region ? 'region' : 'country'], (error as Error).message);
    return null;
  }
  const unknown = new Set(resolver.unknownNames());
  if (unknown.size === 0) return resolver;
  const known = resolver.knownNames(2026).join(', ');
  for (const list of ['add', 'remove'] as const) {
    rules[list].forEach((entry, index) => {
      if (unknown.has(entry)) report(['holidays', list, index], `"${entry}" is not a holiday of ${rules.country} (known: ${known})`);
    });
  }
  return null;
}

export function compileContract(
  id: string,
  file: ContractFile,
  calendars: ReadonlyMap<string, BusinessCalendar>,
  report: Report,
): Contract | undefined {
  let failures = 0;
  const fail: Report = (path, message) => {
    failures += 1;
    report(path, message);
  };
  const calendarById = (path: PathPart[], calendarId: string): BusinessCalendar | undefined => {
    const calendar = calendars.get(calendarId);
    if (!calendar) fail(path, `unknown calendar "${calendarId}" (known: ${[...calendars.keys()].sort().join(', ') || 'none'})`);
    return calendar;
  };
  const calendar = calendarById(['calendar'], file.calendar);
  const priorityCalendars: Partial<Record<(typeof PRIORITIES)[number], BusinessCalendar>> = {};
  for (const priority of PRIORITIES) {
    const calendarId = file.priority_calendars[priority];
    if (calendarId) priorityCalendars[priority] = calendarById(['priority_calendars', priority], calendarId);
  }

  const measured = METRICS.filter((metric) => file.policies[metric] !== undefined);
  for (const metric of METRICS) {
    if (file.metrics.presets[metric] && !file.policies[metric]) {
      fail(['metrics', metric], `is defined but policies.${metric} is missing (use "${metric}: none" for no target)`);
    }
    const starts = file.metrics.presets[metric]?.starts;
    const after = starts === 'reaction_met' ? 'reaction' : starts === 'response_met' ? 'response' : undefined;
    if (after && !measured.includes(after)) fail(['metrics', metric, 'starts'], `${after} is not measured by this contract (no policies.${after})`);
  }
  if (measured.length === 0 && file.metrics.custom.length === 0 && !file.lines?.some(([, line]) => line.handover)) fail(['policies'], 'the contract measures no metric');

  const metrics: MetricRule[] = measured.map((metric) => {
    const defined = file.metrics.presets[metric];
    const defaults = DEFAULT_METRIC_RULES[metric];
    return {
      metric,
      starts: defined?.starts ?? defaults.starts,
      metBy: defined?.met_by ?? defaults.metBy,
      pausesOn: defined ? new Set(defined.pauses_on.map((status) => status.toLowerCase())) : defaults.pausesOn,
      targets: file.policies[metric]!,
    };
  });
  const lines = file.lines && compileLines(file.lines, calendars, new Set(file.metrics.custom.map(([name]) => name)), fail, file.warnings);
  const customMetrics = [...compileConditionMetrics(file.metrics, measured, calendars, fail), ...(lines?.metrics ?? [])];
  const warnings: WarningRule[] = file.warnings;
  const obligations = file.obligations && compileObligations(file.obligations, calendar, calendars, fail);
  if (failures > 0 || !calendar) return undefined;
  return {
    id,
    customer: file.customer,
    tier: file.tier,
    validFrom: file.valid.from,
    validUntil: file.valid.until,
    calendar,
    priorityCalendars,
    covers: file.covers,
    environments: new Map(
      Object.entries(file.environments).map(([name, rule]) => [
        name.toLowerCase(),
        { clampTo: rule.clamp_to, reason: rule.reason ?? `${name} environment` },
      ]),
    ),
    metrics,
    ...(customMetrics.length > 0 ? { customMetrics } : {}),
    ...(lines ? { lines: lines.groups, supportLines: lines.lines, ...(lines.components.size > 0 ? { lineComponents: lines.components } : {}) } : {}),
    warnings,
    escalation: file.escalation,
    notify: file.notify,
    hours: file.hours && compileHoursCard(file.hours, calendar.zone, calendar.dayMs, calendar.weekMs),
    ...(file.contacts ? { contacts: compileContacts(file.contacts) } : {}),
    ...(file.term ? { term: { warnBefore: file.term.warn_before } } : {}),
    ...(file.signoff ? { signoff: { confirmedBy: file.signoff.confirmed_by, within: file.signoff.within } } : {}),
    ...(obligations ? { obligations } : {}),
    ...(file.availability
      ? {
          availability: {
            targetPercent: file.availability.target,
            priority: file.availability.priority,
            restoredStatuses: new Set(file.availability.restored_statuses.map((status) => status.toLowerCase())),
            warnAt: [...new Set(file.availability.warn_at.map((percent) => percent / 100))].sort((a, b) => b - a),
            downSinceField: file.availability.down_since_field,
            restoredField: file.availability.restored_field,
          },
        }
      : {}),
  };
}
