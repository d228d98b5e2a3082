/**
 * The `hours:` block of a contract file: a prepaid hours card (strippenkaart), its billing rule per
 * call, which work goes on it, its purchases and corrections, when to warn, and how the customer
 * approves booked hours. Durations here are clock time (a call's 2h30m), never business days.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { HoursCard } from '../domain/hours-card.js';
import { parseDuration } from '../domain/duration.js';
import { durationSchema as durationSchemaOf, localDateSchema as localDateSchemaOf } from './field-schemas.js';

// schema.ts imports this file for its `hours:` key: read its schemas when parsing, not at load.
const durationSchema = z.lazy(() => durationSchemaOf);
const localDateSchema = z.lazy(() => localDateSchemaOf);

/** `15m`, `2h30m`, `0h`, `-2h`: whole seconds of clock time, no days or weeks. */
const clockSeconds = (allowNegative: boolean) =>
  z.string({ error: 'expected a time such as 15m, 2h30m or 0h' }).transform((text, ctx) => {
    const trimmed = text.trim();
    const negative = allowNegative && trimmed.startsWith('-');
    const duration = parseDuration(negative ? trimmed.slice(1) : trimmed);
    if (!duration || duration.days > 0 || duration.weeks > 0) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a time in hours and minutes (use e.g. 15m, 2h30m${allowNegative ? ', 0h or -2h' : ''})` });
      return z.NEVER;
    }
    const seconds = Math.round(duration.hours * 3600 + duration.minutes * 60 + duration.seconds);
    return { seconds: negative ? -seconds : seconds, label: trimmed };
  });

const hoursAmount = z.number({ error: 'expected a number of hours, e.g. 10 or 2.5' }).refine(Number.isFinite, { error: 'expected a finite number of hours' });

const workMatchSchema = z
  .strictObject({ label: z.string().min(1).optional(), component: z.string().min(1).optional(), category: z.string().min(1).optional() })
  .superRefine((match, ctx) => {
    if (!match.label && !match.component && !match.category) ctx.addIssue({ code: 'custom', message: 'name a label, a component or a category' });
    if (match.component && match.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a category is the MantisBT name of a component: give one of the two' });
  })
  .transform((match) => ({ label: match.label, component: match.component ?? match.category }));

const approvalSchema = z.discriminatedUnion(
  'by',
  [
    z.strictObject({ by: z.literal('status'), statuses: z.array(z.string().min(1)).min(1), warn_after: durationSchema.optional() }),
    z.strictObject({ by: z.literal('label'), labels: z.array(z.string().min(1)).min(1), warn_after: durationSchema.optional() }),
    z.strictObject({
      by: z.literal('reporter_note'),
      keyword: z
        .string()
        .transform((keyword) => keyword.trim().toLowerCase())
        .refine((keyword) => keyword !== '', { error: 'name the word the reporter writes to approve, e.g. akkoord' }),
      warn_after: durationSchema.optional(),
    }),
    z.strictObject({
      by: z.literal('field'),
      /** The source's name for the custom field (`fields:` of a Jira or MantisBT source). */
      field: z.string().min(1),
      values: z.array(z.string().trim().min(1).transform((value) => value.toLowerCase())).min(1, { error: 'name the field values that approve, e.g. [Approved]' }),
      warn_after: durationSchema.optional(),
    }),
  ],
  { error: 'approval.by must be status, label, field or reporter_note' },
);

export const hoursCardFileSchema = z
  .strictObject({
    billing: z
      .strictObject({ min: clockSeconds(false).default({ seconds: 900, label: '15m' }), max: clockSeconds(false).default({ seconds: 9000, label: '2h30m' }), step: clockSeconds(false).default({ seconds: 900, label: '15m' }) })
      .prefault({})
      .superRefine((billing, ctx) => {
        if (billing.step.seconds <= 0) ctx.addIssue({ code: 'custom', path: ['step'], message: 'must be more than 0' });
        if (billing.max.seconds < billing.min.seconds) ctx.addIssue({ code: 'custom', path: ['max'], message: `is below min (${billing.min.label})` });
      }),
    call: z.enum(['issue', 'time_record'], { error: 'call must be issue (all time on an issue is one call) or time_record' }).default('issue'),
    work: z
      .strictObject({
        default: z.enum(['card', 'included'], { error: 'work.default must be card or included' }).default('card'),
        card: z.array(workMatchSchema).default([]),
        included: z.array(workMatchSchema).default([]),
      })
      .prefault({}),
    purchases: z.array(z.strictObject({ hours: hoursAmount.refine((hours) => hours > 0, { error: 'a purchase is more than 0 hours' }), date: localDateSchema, reference: z.string().min(1) })).default([]),
    corrections: z
      .array(z.strictObject({ hours: hoursAmount.refine((hours) => hours !== 0, { error: 'a correction of 0 hours corrects nothing' }), date: localDateSchema, reference: z.string().min(1), reason: z.string().optional() }))
      .default([]),
    warnings: z.array(clockSeconds(true)).default([]),
    rate: z.strictObject({ per_hour: z.number().positive(), currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected a currency code such as EUR' }) }).optional(),
    approval: approvalSchema.optional(),
    notify: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be a channel id: lower-case letters, digits and dashes' })).min(1).optional(),
  })
  .superRefine((card, ctx) => {
    const seen = new Map<string, string>();
    const unique = (reference: string, path: (string | number)[]) => {
      const before = seen.get(reference);
      if (before) ctx.addIssue({ code: 'custom', path, message: `reference "${reference}" is already used at ${before}` });
      else seen.set(reference, `${path[0]}[${path[1]}].${path[2]}`);
    };
    card.purchases.forEach((purchase, index) => unique(purchase.reference, ['purchases', index, 'reference']));
    card.corrections.forEach((correction, index) => unique(correction.reference, ['corrections', index, 'reference']));
  });
export type HoursCardFile = z.output<typeof hoursCardFileSchema>;

/** The card in the domain's terms; dates are the start of their day in the contract calendar's zone. */
export function compileHoursCard(file: HoursCardFile, zone: string, dayMs: number, weekMs: number): HoursCard {
  const startOfDay = (date: string) => DateTime.fromISO(date, { zone }).startOf('day').toMillis();
  const toMs = (duration: { weeks: number; days: number; hours: number; minutes: number; seconds: number }) =>
    Math.round(duration.weeks * weekMs + duration.days * dayMs + ((duration.hours * 60 + duration.minutes) * 60 + duration.seconds) * 1000);
  const approval = file.approval;
  return {
    billing: { minSeconds: file.billing.min.seconds, maxSeconds: file.billing.max.seconds, stepSeconds: file.billing.step.seconds },
    call: file.call,
    work: file.work,
    purchases: file.purchases.map((purchase) => ({ reference: purchase.reference, seconds: Math.round(purchase.hours * 3600), date: purchase.date, at: startOfDay(purchase.date) })),
    corrections: file.corrections.map((correction) => ({
      reference: correction.reference,
      seconds: Math.round(correction.hours * 3600),
      date: correction.date,
      at: startOfDay(correction.date),
      reason: correction.reason,
    })),
    warnings: [...file.warnings].sort((a, b) => b.seconds - a.seconds),
    notify: file.notify,
    rate: file.rate ? { perHour: file.rate.per_hour, currency: file.rate.currency } : undefined,
    approval: approval
      ? {
          ...(approval.by === 'status'
            ? { by: 'status' as const, statuses: approval.statuses }
            : approval.by === 'label'
              ? { by: 'label' as const, labels: approval.labels }
              : approval.by === 'field'
                ? { by: 'field' as const, field: approval.field, values: approval.values }
                : { by: 'reporter_note' as const, keyword: approval.keyword }),
          warnAfterMs: approval.warn_after ? toMs(approval.warn_after) : undefined,
          warnAfterText: approval.warn_after ? formatWarnAfter(approval.warn_after) : undefined,
        }
      : undefined,
  };
}

function formatWarnAfter(duration: { weeks: number; days: number; hours: number; minutes: number; seconds: number }): string {
  return (['weeks', 'days', 'hours', 'minutes', 'seconds'] as const).map((key, index) => (duration[key] ? `${duration[key]}${'wdhms'[index]}` : '')).join('') || '0s';
}
