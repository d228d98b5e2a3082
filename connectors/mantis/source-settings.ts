/**
 * What only a MantisBT source file has: `agents.min_access_level`, everyone with at least this
 * access level in the project (55 = developer) counts as an agent. Deadline fields are
 * date custom fields by name; no labels.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import { sourceSettings } from '../../src/config/source-settings.js';
import { noSlaLabels } from '../shared/settings-checks.js';

export interface MantisSettings {
  readonly minAccessLevel?: number | undefined;
}

export const mantisSourceSettings = sourceSettings({
  shape: { agents: { min_access_level: z.number().int().optional() } },
  check: (file) => noSlaLabels('MantisBT', file.write_back),
  compile: (file): MantisSettings => ({ minAccessLevel: file.agents.min_access_level }),
});

/** A MantisBT source's own settings: the registry pairs every source with its own connector's. */
export const mantisSettings = (source: Source): MantisSettings => (source.settings as MantisSettings | undefined) ?? {};
