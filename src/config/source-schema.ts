/**
 * The source files' schema, built from the trackers the bridge has: the keys every source has
 * (./source-file.ts) plus each tracker's own (its connector's source settings). Objects are strict:
 * a key no tracker of that kind knows is an error.
 */
import { z } from 'zod';
import { coreIssues, sourceShape, type CoreSourceFile, type SettingsShape } from './source-file.js';
import type { SourceSettings } from './source-settings.js';
import { compileSource, type Source } from './source.js';

/** The trackers a source file may name, with their own settings; the connector registry is one. */
export type SourceTrackers = Readonly<Record<string, { readonly settings?: SourceSettings<SettingsShape, unknown> | undefined }>>;

/** A source file's schema for each tracker kind: the keys of every source plus the tracker's own. */
export function sourceFileSchemas(trackers: SourceTrackers): ReadonlyMap<string, z.ZodType<CoreSourceFile>> {
  const schemas = new Map<string, z.ZodType<CoreSourceFile>>();
  for (const [kind, tracker] of Object.entries(trackers)) {
    const settings = tracker.settings;
    const schema = z.strictObject(sourceShape(kind, settings?.shape ?? {})).superRefine((file, ctx) => {
      const issues = [...coreIssues(file), ...(settings?.check?.(file) ?? [])];
      for (const issue of issues) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
    });
    schemas.set(kind, schema as unknown as z.ZodType<CoreSourceFile>);
  }
  return schemas;
}

/**
 * Picks the schema by the file's `kind`, so that an unknown kind is one clear error and a known
 * kind's own problems come with their paths.
 */
export function sourceFileSchema(trackers: SourceTrackers): z.ZodType<CoreSourceFile> {
  const schemas = sourceFileSchemas(trackers);
  const kinds = [...schemas.keys()];
  return z.unknown().transform((input, ctx): CoreSourceFile => {
    const kind = input !== null && typeof input === 'object' ? (input as { kind?: unknown }).kind : undefined;
    const schema = typeof kind === 'string' ? schemas.get(kind) : undefined;
    if (!schema) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: kind === undefined ? `is required (one of ${kinds.join(', ')})` : `${JSON.stringify(kind)} is not a tracker kind (use one of ${kinds.join(', ')})`,
        input: kind,
      });
      return z.NEVER;
    }
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0] & object);
    return z.NEVER;
  });
}

/** One source file's contents as the bridge uses it; throws the schema's ZodError. */
export function parseSource(id: string, raw: unknown, trackers: SourceTrackers): Source {
  const file = sourceFileSchema(trackers).parse(raw);
  return compileSource(id, file, trackers[file.kind]?.settings);
}
