/**
 * The JSON the SlaBridge MantisBT plugin (connectors/mantis/plugin/SlaBridge/SlaBridge.php) posts.
 * MantisBT has no webhooks of its own, so this format is ours: change it here and in the plugin
 * together. Objects are loose so that a newer plugin adding fields never gets a 400.
 */
import { z } from 'zod';

/** Milliseconds since the epoch; MantisBT keeps seconds, the plugin multiplies. */
const epochMs = z.number().int().nonnegative();

/** A MantisBT enum value: the number stored and its English name from the `*_enum_string` config. */
const enumValue = z.looseObject({ id: z.number().int(), name: z.string().min(1) });

const project = z.looseObject({ id: z.number().int(), name: z.string().min(1) });

/** `access_level` is the user's level in the issue's project (55 = developer by default). */
const user = z.looseObject({
  id: z.number().int(),
  name: z.string().min(1),
  real_name: z.string().optional(),
  email: z.string().optional(),
  access_level: z.number().int(),
});

/** Custom field values as MantisBT stores them: a date field holds epoch seconds, a list `a|b`. */
const customFields = z.record(z.string(), z.string().nullable());

/** What an update can change: the plugin sends it as it was before the update, and as it is now. */
const changeable = {
  project,
  category: z.string().nullable(),
  status: enumValue,
  priority: enumValue,
  severity: enumValue,
  handler: user.nullable(),
};

const issue = z.looseObject({
  id: z.number().int().positive(),
  ...changeable,
  summary: z.string(),
  /** null once the reporting user has been deleted from MantisBT. */
  reporter: user.nullable(),
  tags: z.array(z.string()),
  custom_fields: customFields,
  created_at: epochMs,
  updated_at: epochMs,
  /** In ms, null for none; plugins before 1.1 leave it out. */
  due_date: epochMs.nullable().optional(),
  view_url: z.string(),
});

/** Tags and custom fields are only present when the plugin could read them before the save. */
const previous = z.looseObject({
  ...changeable,
  category: changeable.category.optional(),
  tags: z.array(z.string()).optional(),
  custom_fields: customFields.optional(),
});

const note = z.looseObject({
  id: z.number().int().positive(),
  reporter: user.nullable(),
  view_state: z.enum(['public', 'private']),
  created_at: epochMs,
  text: z.string(),
  /** Minutes of time tracking booked with the note (plugin 1.2+; absent from older plugins). */
  time_tracking: z.number().int().nonnegative().optional(),
});

const common = {
  /** When the plugin saw the event happen, in ms: every normalized event is stamped with it. */
  timestamp: epochMs,
  mantis_version: z.string(),
  issue,
};

export const mantisPayloadSchema = z.discriminatedUnion('event', [
  z.looseObject({ event: z.literal('issue_reported'), ...common }),
  /** Without `previous` from a group action (plugin 1.1+), which has no state from before it. */
  z.looseObject({ event: z.literal('issue_updated'), ...common, previous: previous.optional() }),
  z.looseObject({ event: z.literal('note_added'), ...common, note }),
  /** Sent just before MantisBT deletes the issue, so the issue is still complete. */
  z.looseObject({ event: z.literal('issue_deleted'), ...common }),
]);

export type MantisPayload = z.output<typeof mantisPayloadSchema>;
export type MantisIssue = z.output<typeof issue>;
export type MantisPrevious = z.output<typeof previous>;
export type MantisNote = z.output<typeof note>;
export type MantisUser = z.output<typeof user>;
export type MantisEventName = MantisPayload['event'];
