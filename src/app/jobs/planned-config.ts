/**
 * Which config the open issues were last planned with, kept in Redis for every process of the
 * deployment: the config directory's files by name and digest. A bridge started on other files
 * than those (edited while it was stopped, or a new version of a shipped contract) re-plans the
 * open issues as a SIGHUP would (./replan.ts), instead of leaving their deadlines and timers on
 * the config they were computed with until each issue's next event.
 */
import type { SlaConfig } from '../../config/load-config.js';
import { fileChanges, type FileChanges } from '../live-config.js';
import type { RedisClient } from '../store/redis-connection.js';
import { replanOpenIssues, type ReplanResult } from './replan.js';
import type { IssueWorkDeps } from './issue-work.js';

export const plannedConfigKey = (prefix: string) => `${prefix}:planned-config`;

/** A source file's name: `sources/<id>.yaml` inside the config directory. */
const SOURCE_FILE = /(^|\/)sources\//;

const encode = (files: ReadonlyMap<string, string>) => JSON.stringify([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function decode(text: string | null): ReadonlyMap<string, string> | undefined {
  if (text === null) return undefined;
  try {
    const entries = JSON.parse(text) as unknown;
    if (Array.isArray(entries) && entries.every((entry) => Array.isArray(entry) && entry.length === 2 && entry.every((part) => typeof part === 'string'))) return new Map(entries as [string, string][]);
  } catch {
    // Not what this module writes: planned with an unknown config.
  }
  return undefined;
}

/** Notes that the open issues are planned with `config`'s files. */
export async function notePlannedConfig(redis: RedisClient, prefix: string, config: Pick<SlaConfig, 'files'>): Promise<void> {
  await redis.set(plannedConfigKey(prefix), encode(config.files));
}

export type StartReplan =
  | { readonly changed: false }
  /** `files` is undefined when no planned config was noted (the first start of a deployment, or of a version before this one). */
  | { readonly changed: true; readonly files: FileChanges | undefined; readonly replanned: ReplanResult };

/**
 * At start: re-plans the open issues when the config differs from the one they were planned with,
 * and notes the config once every issue was checked. Issues of every source count as changed when
 * a source file changed, since what is written back depends on the source's settings.
 */
export async function replanIfConfigChanged(deps: IssueWorkDeps, redis: RedisClient, prefix: string, config: SlaConfig): Promise<StartReplan> {
  const stored = await redis.get(plannedConfigKey(prefix));
  if (stored === encode(config.files)) return { changed: false };
  const before = decode(stored);
  const files = before ? fileChanges({ files: before }, config) : undefined;
  const sourceFileChanged = !files || [...files.added, ...files.removed, ...files.changed].some((name) => SOURCE_FILE.test(name));
  const replanned = await replanOpenIssues(deps, sourceFileChanged ? new Set(config.sources.keys()) : new Set());
  if (replanned.failed === 0) await notePlannedConfig(redis, prefix, config);
  return { changed: true, files, replanned };
}
