/**
 * What one REST history row changed, in the terms of ./issue-changes.ts. MantisBT writes the raw
 * column values into `mantis_bug_history_table`, and the REST API (api/soap/mc_issue_api.php,
 * `mci_issue_get_history`) dresses up only some of them:
 *
 * - `status`, `priority`, `severity`: enum objects `{id, name, label}`;
 * - `handler` (the column `handler_id`): a user `{id, name, ...}`, `{id: 0}` for nobody;
 * - `project_id`: the bare project id as a string, `"7"`;
 * - `category`: the category's name when the change was saved, or MantisBT's "no category" text in
 *   the saving user's language (`(No Category)`, `(geen categorie)`, ...);
 * - `summary` and custom fields (by the field's name): the text. A custom field's old value is as
 *   the REST issue shows it (`custom_field_database_to_value`); its new value is the database's
 *   form (a multi-value field's `|a|b|`), which is why only old values are read here;
 * - tags: rows of type `tag-added` / `tag-deleted` carry `tag: {id, name}`; `tag-updated` (a tag
 *   renamed everywhere) the old and new name as `old_value` / `new_value`;
 * - `note-view-state-updated`: `view_state` is the note's NEW view state, `note` the note.
 *
 * Any other row (description, files, monitors, relationships, notes added) changes nothing the SLA
 * clock reads.
 */
import type { Source } from '../../src/config/source.js';
import { parseRest, restEnumSchema, restUserSchema, type RestHistoryEntry } from './rest-schema.js';
import type { MantisEnumValue } from './issue-changes.js';
import { z } from 'zod';

export type HistoryChange =
  | { readonly kind: 'status' | 'priority' | 'severity'; readonly before: MantisEnumValue }
  | { readonly kind: 'handler'; readonly before: { readonly id: number; readonly name: string } | null }
  | { readonly kind: 'category'; readonly before: string; readonly after: string }
  | { readonly kind: 'project'; readonly before: number }
  | { readonly kind: 'summary'; readonly before: string }
  | { readonly kind: 'custom_field'; readonly field: string; readonly before: string }
  | { readonly kind: 'tag_added' | 'tag_removed'; readonly tag: string }
  | { readonly kind: 'tag_renamed'; readonly from: string; readonly to: string }
  | { readonly kind: 'note_view_state'; readonly note: number; readonly nowPublic: boolean };

const text = z.string();
const projectId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** The change a row makes, or undefined when it changes nothing the clock reads. */
export function historyChange(source: Source, row: RestHistoryEntry, what: string): HistoryChange | undefined {
  const value = <T extends z.ZodType>(schema: T, key: 'old_value' | 'new_value' | 'tag' | 'note' | 'view_state') =>
    parseRest(schema, row[key], `${what}: ${row.field?.name ?? row.type.name} ${key}`);
  switch (row.type.name) {
    case 'field-updated':
      return fieldChange(source, row.field?.name, value);
    case 'tag-added':
      return { kind: 'tag_added', tag: value(z.looseObject({ name: text }), 'tag').name };
    case 'tag-deleted':
      return { kind: 'tag_removed', tag: value(z.looseObject({ name: text }), 'tag').name };
    case 'tag-updated':
      return { kind: 'tag_renamed', from: value(text, 'old_value'), to: value(text, 'new_value') };
    case 'note-view-state-updated':
      return { kind: 'note_view_state', note: value(z.looseObject({ id: z.number().int() }), 'note').id, nowPublic: value(restEnumSchema, 'view_state').name === 'public' };
    default:
      return undefined;
  }
}

type ValueOf = <T extends z.ZodType>(schema: T, key: 'old_value' | 'new_value') => z.output<T>;

function fieldChange(source: Source, field: string | undefined, value: ValueOf): HistoryChange | undefined {
  switch (field) {
    case 'status':
    case 'priority':
    case 'severity': {
      const { id, name } = value(restEnumSchema, 'old_value');
      return { kind: field, before: { id, name } };
    }
    case 'handler': {
      // The REST API renders a blank value as "" rather than as a user.
      const user = value(z.union([z.literal('').transform(() => ({ id: 0 })), restUserSchema]), 'old_value');
      return { kind: 'handler', before: user.id === 0 ? null : { id: user.id, name: userName(user) } };
    }
    case 'project_id':
      return { kind: 'project', before: value(projectId, 'old_value') };
    case 'category':
      return { kind: 'category', before: value(text, 'old_value'), after: value(text, 'new_value') };
    case 'summary':
      return { kind: 'summary', before: value(text, 'old_value') };
    default:
      if (field === undefined || !trackedCustomFields(source).has(field)) return undefined;
      return { kind: 'custom_field', field, before: value(text, 'old_value') };
  }
}

/** The custom fields the source reads: its environment field, a custom priority field and its watched fields. */
export function trackedCustomFields(source: Source): ReadonlySet<string> {
  const fields = new Set<string>(source.watchedFields.values());
  if (source.environment.field) fields.add(source.environment.field);
  if (source.priority.field !== 'priority' && source.priority.field !== 'severity') fields.add(source.priority.field);
  return fields;
}

/** A deleted user has only an id; the plugin would have sent the name it had then, which is lost. */
export function userName(user: { readonly id: number; readonly name?: string | undefined }): string {
  return user.name ?? `user ${user.id}`;
}
