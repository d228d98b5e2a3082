/**
 * `sla-bridge import`: the lines of an export back into Redis. The event log is the record: each
 * issue's state is recomputed from it with this bridge's contracts, its timers are planned and a
 * write-back is queued as after any change, never copied from the file. An issue the Redis already
 * has a state for is left as it is, so importing a file twice, or one that overlaps, changes nothing
 * the second time. A damaged line is named with its field and the other lines are imported.
 */
import { z } from 'zod';
import { formatPath } from '../../config/load-config.js';
import { refreshIssue, type IssueWorkDeps } from '../jobs/issue-work.js';
import { restoreMark } from '../store/contract-marks.js';
import { IssueJournal } from '../store/issue-journal.js';
import type { RedisClient } from '../store/redis-connection.js';
import { EXPORT_VERSION, exportLineSchema, type ExportedIssue, type ExportHeader, type ExportLine } from './export-line.js';

export interface ImportOptions {
  /** Only this source's issues. */
  readonly source?: string | undefined;
  /** Where the contracts' marks and the issues' journals go (the Redis the issue store is on). */
  readonly redis?: { readonly client: RedisClient; readonly prefix: string } | undefined;
}

export interface LineProblem {
  readonly line: number;
  readonly message: string;
}

export interface ImportResult {
  readonly imported: number;
  /** Issues the Redis already had. */
  readonly present: number;
  /** Issue lines of other sources than `--source`. */
  readonly filtered: number;
  /** Contract marks put back (obligation periods, told shares and checks, term warnings sent). */
  readonly marks: number;
  readonly problems: readonly LineProblem[];
}

/** One line of an export, or what is wrong with it, naming the field. */
export function parseExportLine(text: string): { readonly line: ExportLine } | { readonly problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  const version = (raw as { v?: unknown } | null)?.v;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || version === undefined) return { problem: 'v: not a line of an sla-bridge export (no format version)' };
  if (version !== EXPORT_VERSION) return { problem: `v: format version ${JSON.stringify(version)} is not one this bridge reads (it reads ${EXPORT_VERSION})` };
  const parsed = exportLineSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { line: parsed.data };
  return { problem: describe(parsed.error) };
}

function describe(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...issue.path, key])}: is not a field of an export line`).join('; ');
    if (issue.code === 'invalid_union' && issue.path.length === 0) return 'type: is none of "export", "issue" and "marks"';
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${formatPath(issue.path)}: is required`;
    return `${formatPath(issue.path) || '(line)'}: ${issue.message}`;
  });
  return shown.join('; ') + (error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '');
}

/** Writes one issue's log, keys, sent notifications and written fields, then recomputes it; false when the Redis already has it. */
async function importIssue(deps: IssueWorkDeps, line: ExportedIssue, journal: IssueJournal | undefined): Promise<boolean> {
  const { source, issue } = line;
  return deps.store.withIssueLock(source, issue.id, async () => {
    if (await deps.store.loadState(source, issue.id)) return false;
    // Without a state, whatever is there is an import that stopped halfway: written again whole.
    await deps.store.replaceLog(source, issue.id, line.events, line.eventIds);
    await deps.store.restoreRef(source, issue, line.keys);
    if (line.written) await deps.store.saveWritten(source, issue.id, line.written);
    await deps.timers.restoreSent(source, issue.id, line.sent);
    if (journal) await journal.restore(source, issue.id, line.journal);
    await refreshIssue(deps, source, issue.id);
    return true;
  });
}

export async function importIssues(deps: IssueWorkDeps, lines: AsyncIterable<string>, options: ImportOptions = {}): Promise<ImportResult> {
  let imported = 0;
  let present = 0;
  let filtered = 0;
  let issueLines = 0;
  let marks = 0;
  const journal = options.redis && new IssueJournal(options.redis.client, options.redis.prefix);
  let header: ExportHeader | undefined;
  const problems: LineProblem[] = [];
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    const parsed = parseExportLine(text);
    if ('problem' in parsed) {
      problems.push({ line: number, message: parsed.problem });
      // A damaged line may have been an issue's: it counts against the header's number.
      issueLines += 1;
      continue;
    }
    const { line } = parsed;
    if (line.type === 'export') {
      if (number === 1) header = line;
      else problems.push({ line: number, message: 'type: an export header belongs on the first line' });
      continue;
    }
    if (line.type === 'marks') {
      // One source's import leaves the contracts' marks alone, as one source's export has none.
      if (options.source !== undefined || !options.redis) continue;
      for (const mark of line.marks) if (await restoreMark(options.redis.client, options.redis.prefix, mark)) marks += 1;
      continue;
    }
    issueLines += 1;
    if (options.source !== undefined && line.source !== options.source) {
      filtered += 1;
      continue;
    }
    try {
      if (await importIssue(deps, line, journal)) imported += 1;
      else present += 1;
    } catch (error) {
      problems.push({ line: number, message: `${line.source} ${line.issue.key}: ${(error as Error).message}` });
    }
  }
  if (header && header.issues !== issueLines) {
    problems.push({ line: number + 1, message: `the header announces ${header.issues} issues, the file has ${issueLines} issue lines (cut short?)` });
  }
  return { imported, present, filtered, marks, problems };
}
