/**
 * The config files' schemas: the single source of the config types. Objects are strict so that a
 * misspelt key in a hand-edited file is an error instead of a silently ignored setting.
 */
import { z } from 'zod';
import { isHolidayDate } from '../domain/holidays.js';
import { UNLISTED_CLOCKS } from '../domain/contacts-rule.js';
import { languageSchema } from '../domain/language.js';
import { zoneSchema } from '../domain/local-time.js';
import { metricSchema } from '../domain/metric.js';
import { metricsFileSchema } from './metrics-config.js';
import { byShape, durationSchema, idSchema, localDateSchema, policySchema, warningSchema } from './field-schemas.js';
import { linesFileSchema } from './lines-config.js';
import { OBLIGATION_EVERY } from '../domain/obligation-period.js';
import { prioritySchema } from '../domain/priority.js';
import { hoursCardFileSchema } from './hours-card-schema.js';

function minuteOfDay(text: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return undefined;
  return hours * 60 + minutes;
}

export const windowSchema = z.string().transform((text, ctx) => {
  const [from, to, extra] = text.split('-').map((part) => part.trim());
  const startMinute = from === undefined ? undefined : minuteOfDay(from);
  const endMinute = to === undefined ? undefined : minuteOfDay(to);
  if (extra !== undefined || startMinute === undefined || endMinute === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a working window (use HH:MM-HH:MM, e.g. 09:00-17:00)` });
    return z.NEVER;
  }
  if (endMinute <= startMinute) {
    ctx.addIssue({ code: 'custom', message: `"${text}" ends before it starts (split a window that crosses midnight in two)` });
    return z.NEVER;
  }
  return { startMinute, endMinute };
});

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const dayWindowsSchema = byShape(
  z.literal('closed', { error: 'expected a list of windows such as ["09:00-17:00"], or closed' }).transform((): { startMinute: number; endMinute: number }[] => []),
  z.array(windowSchema),
)
  .superRefine((windows, ctx) => {
    const sorted = [...windows].sort((a, b) => a.startMinute - b.startMinute);
    for (let i = 1; i < sorted.length; i += 1) {
      if (sorted[i]!.startMinute < sorted[i - 1]!.endMinute) ctx.addIssue({ code: 'custom', message: 'working windows overlap' });
    }
  })
  .transform((windows) => [...windows].sort((a, b) => a.startMinute - b.startMinute));

export const weekSchema = z.strictObject(Object.fromEntries(WEEKDAYS.map((day) => [day, dayWindowsSchema.default([])])) as {
  [day in (typeof WEEKDAYS)[number]]: z.ZodDefault<typeof dayWindowsSchema>;
});

const holidayEntrySchema = z.string().min(1);

export const holidaysSchema = z.strictObject({
  country: z.string().regex(/^[A-Za-z]{2}$/, { error: 'expected an ISO 3166 country code such as NL' }),
  region: z.string().optional(),
  types: z.array(z.enum(['public', 'bank', 'school', 'optional', 'observance'])).default(['public']),
  add: z.array(holidayEntrySchema).default([]),
  remove: z.array(holidayEntrySchema).default([]),
});

export const closedDateSchema = z.union([
  localDateSchema,
  z.strictObject({ date: localDateSchema, reason: z.string().optional() }),
]);

export const calendarFileSchema = z
  .strictObject({
    id: idSchema.optional(),
    description: z.string().optional(),
    zone: zoneSchema,
    hours: byShape(z.literal('24x7', { error: 'expected 24x7 or working windows per weekday (mon: ["09:00-17:00"], ...)' }), weekSchema),
    day_length: durationSchema.optional(),
    holidays: holidaysSchema.optional(),
    closed: z.array(closedDateSchema).default([]),
  })
  .superRefine((calendar, ctx) => {
    if (calendar.hours === '24x7' && (calendar.holidays || calendar.closed.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hours'],
        message: 'a 24x7 calendar has no holidays or closed dates; use windows 00:00-24:00 on every day instead',
      });
    }
    if (calendar.holidays) {
      calendar.holidays.add.forEach((entry, index) => {
        if (/^\d/.test(entry) && !isHolidayDate(entry)) {
          ctx.addIssue({ code: 'custom', path: ['holidays', 'add', index], message: `"${entry}" is not a date (YYYY-MM-DD or MM-DD)` });
        }
      });
    }
  });
export type CalendarFile = z.infer<typeof calendarFileSchema>;

export const coverageSchema = z.strictObject({
  source: z.string().min(1),
  project: z.string().min(1),
  component: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
});
export type Coverage = z.infer<typeof coverageSchema>;

/**
 * The customer's authorized contacts: at most `max` people, each named per source by the tracker
 * user names or e-mail addresses they report with.
 */
export const contactsSchema = z
  .strictObject({
    max: z.number().int().positive(),
    people: z.array(
      z.strictObject({
        name: z.string().min(1),
        ids: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).refine((ids) => Object.keys(ids).length > 0, { error: 'name at least one source' }),
      }),
    ),
    /** What the clock of an issue reported by someone else does. */
    unlisted_clock: z.enum(UNLISTED_CLOCKS).default('as_usual'),
  })
  .superRefine((contacts, ctx) => {
    if (contacts.people.length > contacts.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['people'],
        message: `lists ${contacts.people.length} authorized contacts, more than contacts.max (${contacts.max})`,
      });
    }
  });

/** `status:closed`, `label:accepted` or `reporter_note:akkoord`. */
export const signoffConditionSchema = z.string().transform((text, ctx) => {
  const match = /^(status|label|reporter_note):(.+)$/.exec(text.trim());
  if (!match || match[2]!.trim() === '') {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a sign-off (use status:<name>, label:<name> or reporter_note:<keyword>)` });
    return z.NEVER;
  }
  return { kind: match[1] as 'status' | 'label' | 'reporter_note', value: match[2]!.trim().toLowerCase() };
});

/** A share in percent: `99.9%`; `below100` leaves out 100% itself. */
const percentSchema = (what: string) =>
  z.string({ error: `expected ${what} in percent, e.g. 99.9%` }).transform((text, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
    const percent = match ? Number(match[1]) : NaN;
    if (!(percent >= 0 && percent < 100)) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not ${what} (use a percentage from 0% to below 100%, e.g. 99.9%)` });
      return z.NEVER;
    }
    return percent;
  });

/** `availability:` of a contract: a monthly uptime target whose downtime is its incidents of one priority. */
export const availabilityFileSchema = z.strictObject({
  target: percentSchema('an uptime target').refine((percent) => percent > 0, { error: 'an uptime target must be above 0%' }),
  priority: prioritySchema.default('P1'),
  /** Statuses that say the service is back before the incident is resolved. */
  restored_statuses: z.array(z.string().min(1)).default([]),
  /** Watched custom fields (a Jira or MantisBT source's `fields:` names) holding when the service went down and came back. */
  down_since_field: z.string().min(1).optional(),
  restored_field: z.string().min(1).optional(),
  /** Shares of the month's downtime budget left at which the managers are warned. */
  warn_at: z.array(percentSchema('a share of the downtime budget left')).prefault(['50%', '0%']),
});
export type AvailabilityFile = z.infer<typeof availabilityFileSchema>;

/** `obligations:` of a contract: recurring work the bridge opens an issue for every period (compile-obligations.ts). */
export const obligationFileSchema = z.strictObject({
  id: idSchema,
  /** The issue's title; the period (`2027-Q1`) is appended. */
  title: z.string().min(1).max(200),
  every: z.enum(OBLIGATION_EVERY, { error: `expected one of ${OBLIGATION_EVERY.join(', ')}` }),
  /** Which days count; default the contract's calendar. */
  calendar: idSchema.optional(),
  /** The tracker source to open the issue in, and its project there. */
  source: z.string().min(1),
  project: z.string().min(1),
  /** Jira's issue type (default Task), MantisBT's category (default General). */
  issue_type: z.string().min(1).optional(),
  labels: z.array(z.string().min(1)).default([]),
  description: z.string().optional(),
  /** Business time of the obligation's calendar before the period's end at which the managers are warned. */
  warn_before: durationSchema.optional(),
});
export type ObligationFile = z.infer<typeof obligationFileSchema>;

export const obligationsSchema = z.array(obligationFileSchema).superRefine((obligations, ctx) => {
  const seen = new Set<string>();
  obligations.forEach((obligation, index) => {
    if (seen.has(obligation.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `"${obligation.id}" is listed twice` });
    seen.add(obligation.id);
  });
});

export const contractFileSchema = z
  .strictObject({
    id: idSchema.optional(),
    customer: z.string().min(1),
    tier: z.string().optional(),
    description: z.string().optional(),
    valid: z.strictObject({ from: localDateSchema.optional(), until: localDateSchema.optional() }).default({}),
    calendar: idSchema,
    priority_calendars: z.partialRecord(prioritySchema, idSchema).default({}),
    covers: z.array(coverageSchema).min(1),
    environments: z.record(z.string().min(1), z.strictObject({ clamp_to: prioritySchema, reason: z.string().optional() })).default({}),
    /** The presets and metrics defined by conditions: ./metrics-config.ts. */
    metrics: metricsFileSchema.prefault({}),
    /** The desk's support lines and their members: ./lines-config.ts. */
    lines: linesFileSchema.optional(),
    policies: z.partialRecord(metricSchema, policySchema),
    warnings: z.array(warningSchema).min(1).prefault(['50%', '75%', '90%']),
    /** Where notifications go: warnings to the team, breaches and escalations to the managers. */
    notify: z
      .strictObject({
        language: languageSchema.optional(),
        warnings: z.array(idSchema).default([]),
        breaches: z.array(idSchema).default([]),
      })
      .optional(),
    /** Repeat the breach message every `every` of business time while the metric stays unmet. */
    escalation: z.strictObject({ every: durationSchema, max: z.number().int().positive().optional() }).optional(),
    /** A prepaid hours card (strippenkaart): ./hours-card-schema.ts. */
    hours: hoursCardFileSchema.optional(),
    contacts: contactsSchema.optional(),
    /** A warning to the managers (notify.breaches) this long before valid.until ends, in calendar time. */
    term: z.strictObject({ warn_before: durationSchema }).optional(),
    /** The customer's sign-off of a resolution: what confirms it, and optionally how soon it should come. */
    signoff: z
      .strictObject({
        confirmed_by: z.array(signoffConditionSchema).min(1),
        within: durationSchema.optional(),
      })
      .optional(),
    /** Recurring work owed every period, each opened as an issue in the customer's tracker. */
    obligations: obligationsSchema.optional(),
    /** A monthly uptime target (availability.ts). */
    availability: availabilityFileSchema.optional(),
  })
  .superRefine((contract, ctx) => {
    if (contract.term && !contract.valid.until) {
      ctx.addIssue({ code: 'custom', path: ['term'], message: 'needs valid.until: the warning is given ahead of the end of the term' });
    }
    const covered = new Set(contract.covers.map((coverage) => coverage.source));
    contract.contacts?.people.forEach((person, index) => {
      for (const source of Object.keys(person.ids)) {
        if (!covered.has(source)) {
          ctx.addIssue({ code: 'custom', path: ['contacts', 'people', index, 'ids', source], message: `source "${source}" is not among the contract's covers (${[...covered].join(', ')})` });
        }
      }
    });
    if (contract.valid.from && contract.valid.until && contract.valid.until < contract.valid.from) {
      ctx.addIssue({ code: 'custom', path: ['valid', 'until'], message: 'is before valid.from' });
    }
    if (contract.metrics.presets.reaction && contract.metrics.presets.reaction.starts !== 'created') {
      ctx.addIssue({ code: 'custom', path: ['metrics', 'reaction', 'starts'], message: 'reaction can only start when the issue is created' });
    }
    if (contract.metrics.presets.response?.starts === 'response_met') {
      ctx.addIssue({ code: 'custom', path: ['metrics', 'response', 'starts'], message: 'response cannot start when response is met' });
    }
  });
export type ContractFile = z.infer<typeof contractFileSchema>;

/** `1mb`, `512kb`, `100b` */
export const byteSizeSchema = z.string().transform((text, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)$/i.exec(text.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a size (use e.g. 512kb or 1mb)` });
    return z.NEVER;
  }
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2]!.toLowerCase() as 'b' | 'kb' | 'mb'];
  return Math.round(Number(match[1]) * unit);
});

export const channelFileSchema = z.strictObject({
  id: idSchema.optional(),
  /** A chat system the bridge has (connectors/chat/registry.ts); the config loader checks it. */
  kind: z.string().min(1),
  description: z.string().optional(),
  /** The channel's language wins over the contract's; English when neither says. */
  language: languageSchema.optional(),
  /** Messages are held until the calendar is open; breaches and escalations may bypass that. */
  quiet_hours: z.strictObject({ calendar: idSchema, bypass_breaches: z.boolean().default(true) }).optional(),
  /** The chat system's own settings (webhook URL, ...), checked by that system's schema. */
  settings: z.record(z.string(), z.unknown()).default({}),
});
export type ChannelFile = z.infer<typeof channelFileSchema>;
