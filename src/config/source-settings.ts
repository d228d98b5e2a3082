/**
 * How a tracker connector adds its own settings to its source files: keys in the blocks named
 * here or at the top level, checks of what the file asks that the tracker cannot do, and the
 * settings it compiles them to (`Source.settings`). The config only knows this shape; each
 * connector fills it in (connectors/<tracker>/source-settings.ts).
 */
import type { z } from 'zod';
import type { CoreSourceFile, SettingsShape, SourceIssue } from './source-file.js';

export type { SettingsShape, SourceIssue } from './source-file.js';

type Parsed<S extends z.ZodRawShape | undefined> = S extends z.ZodRawShape ? z.output<z.ZodObject<S>> : unknown;

/** A source file of a tracker with these keys, as parsed. */
export type SourceFileWith<X extends SettingsShape> = CoreSourceFile &
  Parsed<X['top']> & {
    readonly agents: CoreSourceFile['agents'] & Parsed<X['agents']>;
    readonly write_back: CoreSourceFile['write_back'] & Parsed<X['write_back']>;
    readonly reconcile: CoreSourceFile['reconcile'] & Parsed<X['reconcile']>;
  };

export interface SourceSettings<X extends SettingsShape, Settings> {
  readonly shape: X;
  /** What the file asks that this tracker cannot do (custom fields where it has none, ...). */
  check?(file: SourceFileWith<X>): SourceIssue[];
  /** The tracker's own settings, kept on the compiled source. */
  compile(file: SourceFileWith<X>): Settings;
}

/** Declares a tracker's source settings with the file typed by their shape. */
export function sourceSettings<X extends SettingsShape, Settings>(settings: SourceSettings<X, Settings>): SourceSettings<X, Settings> {
  return settings;
}
