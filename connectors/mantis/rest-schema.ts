/**
 * The parts of MantisBT's REST answers the reader uses, as MantisBT 2.x builds them
 * (api/soap/mc_issue_api.php `mci_issue_data_as_array`, `mci_issue_get_history`,
 * `mci_issue_note_data_as_array`; mc_account_api.php; mc_enum_api.php). Objects are loose, and only
 * what is read is required.
 *
 * MantisBT drops null values and empty arrays from an issue (`mci_remove_null_keys`,
 * `mci_remove_empty_arrays`): no handler, no category, no tags, no notes, no custom fields and no
 * history (the token's user is below `view_history_threshold`) all arrive as a missing key.
 */
import { z } from 'zod';

/** `date('c')` in the server's zone, to the second: `2026-11-23T09:14:05+01:00`. */
const dateTime = z.iso.datetime({ offset: true }).transform((text) => Date.parse(text));

/**
 * A user as `mci_account_get_array_by_id` gives it: only `id` for a deleted user; `real_name` and
 * `email` only when the token's user may see them (`show_realname`, `show_user_email_threshold`,
 * default NOBODY, or `manage_user_threshold`). Never the access level.
 */
export const restUserSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  email: z.string().optional(),
});

/** `name` is the English enum name (`status_enum_string`), `label` the token user's language. */
export const restEnumSchema = z.looseObject({ id: z.number().int(), name: z.string().min(1), label: z.string().optional() });

const projectSchema = z.looseObject({ id: z.number().int(), name: z.string().min(1) });

/** A tag's id comes straight from the database row, a number or a numeric string by driver. */
const tagSchema = z.looseObject({ name: z.string() });

const noteSchema = z.looseObject({
  id: z.number().int(),
  /** Always there, with only `id` once the author was deleted; optional so that no answer is refused for it. */
  reporter: restUserSchema.optional(),
  text: z.string(),
  view_state: restEnumSchema,
  created_at: dateTime,
  /** Only on a `timelog` note the token may see the time of (`time_tracking_view_threshold`): `{ duration: "01:30" }`. */
  time_tracking: z.looseObject({ duration: z.string() }).optional(),
});

/**
 * One history row. `field` is there for field changes (type `field-updated`): `handler_id` and
 * `reporter_id` are renamed `handler` and `reporter`, a custom field goes by its name, all others
 * by their column (`status`, `project_id`, `category`, ...). What the values hold depends on the
 * field and is read by ./rest-history-values.ts. Tag rows carry `tag`, note view-state rows
 * `view_state` and `note` instead of `old_value`/`new_value`.
 */
const historyEntrySchema = z.looseObject({
  created_at: dateTime,
  user: restUserSchema.optional(),
  field: z.looseObject({ name: z.string() }).optional(),
  type: z.looseObject({ id: z.number().int(), name: z.string() }),
  old_value: z.unknown().optional(),
  new_value: z.unknown().optional(),
  tag: tagSchema.optional(),
  note: z.looseObject({ id: z.number().int() }).optional(),
  view_state: restEnumSchema.optional(),
});

export const restIssueSchema = z.looseObject({
  id: z.number().int().positive(),
  summary: z.string(),
  project: projectSchema,
  category: z.looseObject({ name: z.string().nullish() }).optional(),
  status: restEnumSchema,
  priority: restEnumSchema,
  severity: restEnumSchema,
  /** Missing when nobody handles it, or the token's user is below `view_handler_threshold`. */
  handler: restUserSchema.optional(),
  reporter: restUserSchema.optional(),
  tags: z.array(tagSchema).optional(),
  custom_fields: z.array(z.looseObject({ field: z.looseObject({ name: z.string() }), value: z.string().nullable() })).optional(),
  created_at: dateTime,
  updated_at: dateTime,
  /** Oldest first (`mci_issue_get_notes` asks for ASC); private ones only for `private_bugnote_threshold`. */
  notes: z.array(noteSchema).optional(),
  /** In `history_order` (default ASC), rows of one second in the order they were written. */
  history: z.array(historyEntrySchema).optional(),
});

/** `GET /api/rest/issues` and `GET /api/rest/issues/{id}`: a page past the last one is empty. */
export const restIssueListSchema = z.looseObject({ issues: z.array(z.unknown()) });

/** `GET /api/rest/projects/{id}`: the project first, then its subprojects. */
export const restProjectListSchema = z.looseObject({ projects: z.array(projectSchema) });

/** `GET /api/rest/projects/{id}/users` (MantisBT 2.26+): `access_level` is the level in that project. */
export const restProjectUsersSchema = z.looseObject({
  users: z.array(restUserSchema.extend({ access_level: z.looseObject({ id: z.number().int() }) })),
});

export type RestUser = z.output<typeof restUserSchema>;
export type RestIssue = z.output<typeof restIssueSchema>;
export type RestNote = z.output<typeof noteSchema>;
export type RestHistoryEntry = z.output<typeof historyEntrySchema>;

/** The answer parsed, or an Error naming what was read and the first field that did not fit. */
export function parseRest<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  throw new Error(`${what}: ${field || '(body)'}: ${issue.message}`);
}
