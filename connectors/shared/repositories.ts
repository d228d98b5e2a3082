import { z } from 'zod';

/** `reconcile.repositories` of a source whose tracker lists issues per repository (`owner/name`). */
export const repositoriesSchema = z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, { error: 'expected owner/name' })).default([]);
