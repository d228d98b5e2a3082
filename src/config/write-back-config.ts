/**
 * The `write_back:` block of a source file, as every tracker has it. What a tracker cannot do with
 * it (custom fields where it has none, labels where it writes none) its connector checks, and a
 * tracker may add keys of its own (a GitHub Project) through its source settings.
 *
 * - `fields`: per metric, the field that shows its open deadline (Jira: a date-time custom field
 *   by id; MantisBT: a date custom field by name).
 * - `due_date`: the tracker's own due date shows the nearest open deadline. The bridge then owns
 *   that field: a due date set by hand is overwritten at the next write.
 * - `labels`: label names put on while the SLA is at risk or breached.
 * - `comment_on_breach`: one comment when the issue goes from not breached to breached.
 */
import { z } from 'zod';

export const writeBackFieldsShape = {
  reaction: z.string().min(1).optional(),
  response: z.string().min(1).optional(),
  resolution: z.string().min(1).optional(),
};

export const writeBackConfigShape = {
  enabled: z.boolean().default(false),
  fields: z.strictObject(writeBackFieldsShape).default({}),
  due_date: z.boolean().default(false),
  labels: z
    .strictObject({
      at_risk: z.string().min(1).optional(),
      breached: z.string().min(1).optional(),
    })
    .default({}),
  comment_on_breach: z.boolean().default(false),
};

export const writeBackConfigSchema = z.strictObject(writeBackConfigShape);
export type WriteBackConfig = z.infer<typeof writeBackConfigSchema>;

/** The configured fields, as [metric, field] pairs. */
export function configuredFields(config: Pick<WriteBackConfig, 'fields'>): [string, string][] {
  return Object.entries(config.fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

export function configuredLabels(config: Pick<WriteBackConfig, 'labels'>): [string, string][] {
  return Object.entries(config.labels).filter((entry): entry is [string, string] => entry[1] !== undefined);
}
