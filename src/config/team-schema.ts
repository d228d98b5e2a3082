/** `config/teams/*.yaml`: a team, its people with their tracker and chat names, and its duty rota. */
import { z } from 'zod';
import { zoneSchema } from '../domain/local-time.js';
import { idSchema, localDateSchema } from './field-schemas.js';

/** `2.5 working days`, `1 working day`, `3 days`, `5d`: whole or half working days. */
export const rotationStepSchema = z.union([z.string(), z.number()]).transform((input, ctx): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(working\s+days?|days?|d)?\s*$/i.exec(String(input));
  const halfDays = match ? Number(match[1]) * 2 : NaN;
  if (!match || !Number.isInteger(halfDays) || halfDays <= 0) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(input)} is not a number of working days in halves (use e.g. "2.5 working days", "1 working day", "5 working days")` });
    return z.NEVER;
  }
  return halfDays;
});

/**
 * A local date (the whole day) or a local date-time (`2026-03-04T13:00`) in the team's zone; with
 * an offset (`2027-10-31T02:30+01:00`) where the local time alone is ambiguous: the night the clocks
 * go back has its hour from 02:00 twice.
 */
const whenSchema = z.union([z.string(), z.date()]).transform((input, ctx): string => {
  // YAML reads an unquoted 2026-03-04 as a date: it means the local date, not UTC midnight.
  const text = input instanceof Date ? input.toISOString().slice(0, 10) : input.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(input)} is not a local date or date-time (use YYYY-MM-DD, YYYY-MM-DDTHH:MM, or with an offset YYYY-MM-DDTHH:MM+01:00)` });
    return z.NEVER;
  }
  return text;
});

const personRef = z.string().min(1);

export const teamMemberSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).optional(),
  email: z.string().min(3).optional(),
  /** Per source id: the names the tracker reports this person under (login, account id, e-mail). */
  tracker: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
  chat: z
    .strictObject({
      slack: z.string().regex(/^[UW][A-Z0-9]{2,}$/, { error: 'a Slack user id looks like U012AB3CD (not the display name)' }).optional(),
      teams: z.strictObject({ id: z.string().min(1), name: z.string().min(1) }).optional(),
      mattermost: z.string().regex(/^@?[a-z0-9._-]+$/i, { error: 'a Mattermost username is letters, digits, dots, dashes and underscores' }).optional(),
      google_chat: z.string().regex(/^users\/[A-Za-z0-9._@-]+$/, { error: 'a Google Chat user is "users/<id>", e.g. users/123456789' }).optional(),
    })
    .default({}),
});

const rangeSchema = z.strictObject({ from: whenSchema, until: whenSchema });

export const rotaSchema = z
  .strictObject({
    rotation: z.strictObject({ every: rotationStepSchema, order: z.array(personRef).min(1), starting: localDateSchema.or(z.date().transform((date) => date.toISOString().slice(0, 10))) }).optional(),
    /** An iCalendar file, relative to the config directory: each VEVENT's SUMMARY or ATTENDEE names the person. */
    ical: z.string().min(1).optional(),
    overrides: z.array(rangeSchema.extend({ person: personRef.nullable() })).default([]),
    leave: z.array(rangeSchema.extend({ person: personRef, cover: personRef.optional() })).default([]),
  })
  .superRefine((rota, ctx) => {
    if (!rota.rotation === !rota.ical) ctx.addIssue({ code: 'custom', path: [], message: 'give either rotation or ical (one of them)' });
  });

export const teamFileSchema = z.strictObject({
  id: idSchema.optional(),
  name: z.string().min(1).optional(),
  calendar: idSchema,
  /** Where shifts are shown and dates of overrides and leave are read; default the calendar's zone. */
  zone: zoneSchema.optional(),
  serves: z.strictObject({ contracts: z.array(idSchema).default([]), sources: z.array(z.string().min(1)).default([]) }),
  /** Gets the team's warnings and breaches while nobody is on duty. */
  fallback_channel: z.string().min(1).optional(),
  /** Whether the next person gets a summary of the open issues when the duty passes to them. */
  handover: z.strictObject({ summary: z.boolean().default(true), channel: z.string().min(1).optional() }).default({ summary: true }),
  members: z.array(teamMemberSchema).min(1),
  rota: rotaSchema,
});

export type TeamFile = z.infer<typeof teamFileSchema>;
