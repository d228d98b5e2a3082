/**
 * `sla-bridge export [--out FILE] [--source ID]`: every issue's event log and what the bridge keeps
 * with it, as JSON lines (src/app/archive/export-line.ts), from the Redis the other commands use.
 * To a file it writes `FILE.partial` and renames it when complete, so a file by that name is whole.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { ExportFailure, exportIssues } from '../app/archive/export-issues.js';
import { createRedis, waitUntilReady } from '../app/store/redis-connection.js';
import { withBridgeRedis } from './bridge-redis.js';
import { UsageError, type CliIo } from './cli-io.js';

export interface ExportCommandOptions {
  readonly out?: string | undefined;
  readonly source?: string | undefined;
}

async function openOut(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'w');
  } catch (error) {
    throw new UsageError(`--out: cannot write ${file}: ${(error as Error).message}`);
  }
}

async function toStdout(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}

export async function exportCommand(options: ExportCommandOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const partial = options.out && `${options.out}.partial`;
  const file = partial ? await openOut(partial) : undefined;
  const write = file ? async (line: string) => void (await file.write(`${line}\n`)) : toStdout;
  let result: Awaited<ReturnType<typeof exportIssues>>;
  try {
    result = await withBridgeRedis(env, async (target, prefix) => {
      const redis = createRedis(target, 'request');
      try {
        await waitUntilReady(redis, target);
        return await exportIssues(redis, { prefix, source: options.source, now: Date.now() }, write);
      } finally {
        redis.disconnect();
      }
    });
    await file?.close();
  } catch (error) {
    await file?.close();
    if (partial) await rm(partial, { force: true });
    throw error instanceof ExportFailure ? new UsageError(error.message) : error;
  }
  if (options.out) await rename(partial!, options.out);
  const summary = `exported ${result.issues} issue${result.issues === 1 ? '' : 's'} (${result.events} events${result.marks > 0 ? `, ${result.marks} contract mark${result.marks === 1 ? '' : 's'}` : ''})${options.source ? ` of ${options.source}` : ''}`;
  // With the lines on stdout, the summary goes to stderr.
  if (options.out) io.out(`${summary} to ${options.out}`);
  else io.err(summary);
  return 0;
}
