/**
 * The schemas of single config values (an id, a duration, a target, a date, a warning, a policy
 * of targets per priority), shared by the file schemas (./schema.ts) and the sections of a
 * contract with compilers of their own (./metrics-config.ts, ./lines-config.ts, ./hours-card-schema.ts).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseDuration, type Duration } from '../domain/duration.js';
import { meetConditionSchema, metricStartSchema } from '../domain/metric-rule.js';
import type { Priority } from '../domain/priority.js';

/**
 * Picks the schema by the input's shape (e.g. a duration string or a per-priority map). Unlike
 * z.union it reports the chosen branch's own problems, with their paths, instead of "Invalid input".
 */
export function byShape<S extends z.ZodType, O extends z.ZodType>(scalar: S, structured: O) {
  return z.unknown().transform((input, ctx): z.output<S> | z.output<O> => {
    const schema = input !== null && typeof input === 'object' ? structured : scalar;
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return result.data as z.output<S> | z.output<O>;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0] & object);
    return z.NEVER;
  });
}

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes (e.g. "nl-office")' });

export const durationSchema = z.string({ error: 'expected a duration such as 30m, 2h, 2d or 1w' }).transform((text, ctx): Duration => {
  const duration = parseDuration(text);
  if (!duration) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use e.g. 45s, 30m, 2h, 2d, 1w or 1d4h)` });
    return z.NEVER;
  }
  return duration;
});

/** A target: a duration, or `none` where the contract sets no target. */
export const targetSchema = z.union([z.literal('none').transform(() => null), durationSchema], {
  error: (issue) => `${JSON.stringify(issue.input)} is not a duration (use e.g. 30m, 2h, 2d, 1w, or none)`,
});

export const localDateSchema = z
  .string({ error: 'expected a date as YYYY-MM-DD' })
  .refine((text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text).isValid, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a date (use YYYY-MM-DD)`,
  });

export const metricDefinitionSchema = z.strictObject({
  starts: metricStartSchema.default('created'),
  met_by: z.array(meetConditionSchema).min(1),
  pauses_on: z.array(z.string().min(1)).default([]),
});

/** `50%` of the target, or `2h before` the breach. */
export const warningSchema = z.string().transform((text, ctx) => {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (percent) {
    const fraction = Number(percent[1]) / 100;
    if (fraction > 0 && fraction < 1) return { kind: 'fraction' as const, fraction, label: text.trim() };
  }
  const before = /^(.+?)\s+before$/.exec(text.trim());
  const duration = before ? parseDuration(before[1]!) : undefined;
  if (duration) return { kind: 'before' as const, duration, label: text.trim() };
  ctx.addIssue({ code: 'custom', message: `"${text}" is not a warning (use a percentage below 100%, e.g. 75%, or e.g. "2h before")` });
  return z.NEVER;
});
export type Warning = z.infer<typeof warningSchema>;

const perPriorityTargetsSchema = z.strictObject({
  P1: targetSchema.optional(),
  P2: targetSchema.optional(),
  P3: targetSchema.optional(),
  P4: targetSchema.optional(),
});

/** One target for every priority, or a target per priority; a priority left out has none. */
export const policySchema = byShape(targetSchema, perPriorityTargetsSchema)
  .transform((policy): Record<Priority, Duration | null> => {
    if (policy === null || 'weeks' in policy) return { P1: policy, P2: policy, P3: policy, P4: policy };
    return { P1: policy.P1 ?? null, P2: policy.P2 ?? null, P3: policy.P3 ?? null, P4: policy.P4 ?? null };
  });
