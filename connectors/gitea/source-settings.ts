/**
 * What only a Gitea or Forgejo source file has: `reconcile.repositories`, the repositories
 * (`owner/name`) reconciliation reads; without it every repository the token can see. Issues have
 * no custom fields: due date and labels show the deadlines.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import { sourceSettings } from '../../src/config/source-settings.js';
import { repositoriesSchema } from '../shared/repositories.js';
import { noCustomFields, noWatchedFields } from '../shared/settings-checks.js';

export interface GiteaSettings {
  readonly repositories: readonly string[];
  /** Read each reconciled issue's tracked times (`reconcile.tracked_times`): Gitea sends no webhook for them. */
  readonly trackedTimes?: boolean;
}

export function giteaSourceSettings(tracker: string) {
  return sourceSettings({
    shape: { reconcile: { repositories: repositoriesSchema, tracked_times: z.boolean().default(false) } },
    check: (file) => [...noCustomFields(tracker, file.write_back, 'use due_date and labels'), ...noWatchedFields(tracker, file.watched_fields)],
    compile: (file): GiteaSettings => ({ repositories: file.reconcile.repositories, ...(file.reconcile.tracked_times ? { trackedTimes: true } : {}) }),
  });
}

/** A Gitea or Forgejo source's own settings: the registry pairs every source with its own connector's. */
export const giteaSettings = (source: Source): GiteaSettings => (source.settings as GiteaSettings | undefined) ?? { repositories: [] };
