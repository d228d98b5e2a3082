/**
 * `sla-bridge export`: every issue the bridge keeps, as lines of ./export-line.ts. Each issue's
 * log and delivery ids are read at one instant, so an export taken while the bridge runs holds
 * every issue as it stood at some moment of the export.
 */
import { Queue } from 'bullmq';
import { formatPath } from '../../config/load-config.js';
import { issueEventSchema, type IssueEvent } from '../../domain/issue-event.js';
import { TIMER_QUEUE, type StoredTimerJob, QUEUE_STREAMS } from '../jobs/pipeline.js';
import { SlaTimers } from '../jobs/sla-timers.js';
import { IssueStore } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';
import { readMarks } from '../store/contract-marks.js';
import { IssueJournal } from '../store/issue-journal.js';
import { EXPORT_VERSION, type ExportedIssue, type ExportedMarks, type ExportHeader } from './export-line.js';

/**
 * The names a restarting metric's sent marks are kept under: its own for the first cycle, `<metric>#<n>`
 * for each later one (../jobs/cycle-sent.ts), so an imported issue does not send a later cycle's again.
 */
const cycleNames = (metric: string, earlier: number) => [metric, ...Array.from({ length: earlier }, (_, index) => `${metric}#${index + 2}`)];

export interface ExportOptions {
  readonly prefix: string;
  /** Only this source's issues. */
  readonly source?: string | undefined;
  readonly now: number;
}

/** An issue whose stored log does not read as events: the export stops rather than leave an issue out. */
export class ExportFailure extends Error {
  override readonly name = 'ExportFailure';
}

function readEvent(text: string, what: string): IssueEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ExportFailure(`${what} is not JSON (${(error as Error).message})`);
  }
  const parsed = issueEventSchema.safeParse(raw);
  if (!parsed.success) throw new ExportFailure(`${what} is not an event (${formatPath(parsed.error.issues[0]!.path) || 'type'}: ${parsed.error.issues[0]!.message})`);
  return parsed.data;
}

export interface ExportResult {
  readonly issues: number;
  readonly events: number;
  readonly marks: number;
}

/** Writes the header and one line per issue through `write`, which may wait (a full pipe). */
export async function exportIssues(redis: RedisClient, options: ExportOptions, write: (line: string) => Promise<void>): Promise<ExportResult> {
  const store = new IssueStore(redis, options.prefix);
  const timerQueue = new Queue<StoredTimerJob>(TIMER_QUEUE, { streams: QUEUE_STREAMS, connection: redis, prefix: options.prefix });
  const timers = new SlaTimers(timerQueue, redis, options.prefix);
  const journal = new IssueJournal(redis, options.prefix);
  try {
    const issues = (await store.listIssues())
      .filter(([source]) => options.source === undefined || source === options.source)
      .sort(([sourceA, idA], [sourceB, idB]) => sourceA.localeCompare(sourceB) || idA.localeCompare(idB, undefined, { numeric: true }));
    // A whole export carries the contracts' marks; one source's does not (they are not any source's).
    const marks = options.source === undefined ? await readMarks(redis, options.prefix) : undefined;
    const header: ExportHeader = { v: EXPORT_VERSION, type: 'export', exportedAt: new Date(options.now).toISOString(), prefix: options.prefix, source: options.source ?? null, issues: issues.length, ...(marks ? { marks: marks.length } : {}) };
    await write(JSON.stringify(header));
    const keysBySource = new Map<string, Map<string, string[]>>();
    let events = 0;
    for (const [source, issueId] of issues) {
      if (!keysBySource.has(source)) keysBySource.set(source, await store.keysOf(source));
      const log = await store.readLog(source, issueId);
      const ref = await store.loadRef(source, issueId);
      const state = await store.loadState(source, issueId);
      const line: ExportedIssue = {
        v: EXPORT_VERSION,
        type: 'issue',
        source,
        issue: { id: ref.id, key: ref.key, ...(ref.title ? { title: ref.title } : {}), ...(ref.url ? { url: ref.url } : {}) },
        keys: (keysBySource.get(source)!.get(issueId) ?? []).sort(),
        events: log.events.map((text, index) => readEvent(text, `${source} ${ref.key}: stored event ${index}`)),
        eventIds: [...log.eventIds].sort(),
        sent: await timers.sentByMetric(source, issueId, state?.sla.covered ? (state.sla.custom ?? []).flatMap((status) => cycleNames(status.metric, status.cycles?.length ?? 0)) : []),
        journal: await journal.list(source, issueId),
        written: (await store.loadWritten(source, issueId)) ?? null,
        state: state ? { computedAt: state.computedAt, eventCount: state.eventCount, sla: state.sla as unknown as Record<string, unknown> } : null,
      };
      events += line.events.length;
      await write(JSON.stringify(line));
    }
    if (marks && marks.length > 0) await write(JSON.stringify({ v: EXPORT_VERSION, type: 'marks', marks } satisfies ExportedMarks));
    return { issues: issues.length, events, marks: marks?.length ?? 0 };
  } finally {
    await timerQueue.close();
  }
}
