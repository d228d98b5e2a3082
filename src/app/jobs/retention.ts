/**
 * Retention: the event logs of issues that are resolved or deleted and have been quiet for
 * `closed_for` are compacted to what the SLA clock folds (src/domain/history-compaction.ts), the
 * delivery ids they were told and the last delivery's view of the owned fields are dropped. The
 * state, the ref, what was written back and which notifications were sent stay, so the reports
 * and the API show the same and a reopened issue goes on from where it was.
 *
 * Each issue is compacted under its lock, as a delivery is applied, so a webhook is either in the
 * log that is compacted or applied after. Before it writes, it checks that the clock gives the
 * same state from the compacted log as from the whole one under the contracts it has; an issue
 * where it would not is left whole and logged. Running again finds nothing more to drop.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Job, Queue } from 'bullmq';
import type { Retention } from '../../config/bridge-file.js';
import { closedSince, compactHistory } from '../../domain/history-compaction.js';
import { issueEventSchema } from '../../domain/issue-event.js';
import { runClock } from '../../domain/sla-clock.js';
import type { Logger } from '../logger.js';
import type { IssueState } from '../store/issue-store.js';
import type { IssueWorkDeps } from './issue-work.js';
import { RETENTION_JOB, RETENTION_JOB_OPTIONS, RETENTION_SCHEDULER_ID, type RetentionJob } from './pipeline.js';

export type RetentionDeps = Pick<IssueWorkDeps, 'store' | 'contracts' | 'logger' | 'groups'>;

export interface RetentionOptions {
  readonly closedForMs: number;
  readonly now: number;
  /** Only this source's issues. */
  readonly source?: string | undefined;
  /** Count what would go, change nothing. */
  readonly dryRun?: boolean | undefined;
}

export interface RetentionResult {
  /** Issues the bridge keeps. */
  readonly issues: number;
  /** Closed and quiet for long enough. */
  readonly closed: number;
  /** Of those, the ones whose log got smaller. */
  readonly compacted: number;
  readonly eventsBefore: number;
  readonly eventsAfter: number;
  /** Bytes of the stored events and delivery ids of the compacted issues, before and after. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Issues left whole: the compacted log would not give the same state (never expected), or the issue could not be read or locked. */
  readonly refused: readonly { readonly source: string; readonly issue: string; readonly reason: string }[];
}

const BATCH = 200;

const bytes = (texts: readonly string[]) => texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);

/** Covered and neither resolved nor deleted: open, so nothing to read. Other states decide by their log. */
function plainlyOpen(state: IssueState | undefined): boolean {
  return state !== undefined && state.sla.covered && !state.sla.resolved && !state.sla.deleted;
}

export async function compactClosedIssues(deps: RetentionDeps, options: RetentionOptions): Promise<RetentionResult> {
  const { store } = deps;
  const contracts = [...deps.contracts()];
  const issues = (await store.listIssues()).filter(([source]) => options.source === undefined || source === options.source);
  let closed = 0;
  let compacted = 0;
  let eventsBefore = 0;
  let eventsAfter = 0;
  let bytesBefore = 0;
  let bytesAfter = 0;
  const refused: { source: string; issue: string; reason: string }[] = [];

  const compactOne = (source: string, issueId: string) =>
    store.withIssueLock(source, issueId, async () => {
      const log = await store.readLog(source, issueId);
      const events = log.events.map((text) => issueEventSchema.parse(JSON.parse(text)));
      const since = closedSince(events);
      if (since === undefined || options.now - since < options.closedForMs) return;
      closed += 1;
      const kept = compactHistory(events);
      if (kept.length === events.length && log.eventIds.length === 0) return;
      const history = (list: typeof events) => runClock({ source, events: list }, contracts, options.now, { groups: deps.groups?.() });
      if (!isDeepStrictEqual(history(kept), history(events))) {
        refused.push({ source, issue: issueId, reason: 'its compacted log would give another state' });
        deps.logger.warn('retention left an issue whole: its compacted log would give another state', { component: 'retention', source, issue: issueId });
        return;
      }
      const keptTexts = kept.map((event) => JSON.stringify(event));
      compacted += 1;
      eventsBefore += events.length;
      eventsAfter += kept.length;
      bytesBefore += bytes(log.events) + bytes(log.eventIds);
      bytesAfter += bytes(keptTexts);
      if (!options.dryRun) await store.replaceLog(source, issueId, kept);
    });

  for (let start = 0; start < issues.length; start += BATCH) {
    const batch = issues.slice(start, start + BATCH);
    const states = new Map((await store.loadStates(batch)).map((state) => [`${state.source}\u0000${state.issue.id}`, state]));
    for (const [source, issueId] of batch) {
      if (plainlyOpen(states.get(`${source}\u0000${issueId}`))) continue;
      try {
        await compactOne(source, issueId);
      } catch (error) {
        // One issue that cannot be read (or stays locked) does not stop the others.
        refused.push({ source, issue: issueId, reason: (error as Error).message });
        deps.logger.warn('retention could not compact an issue', { component: 'retention', source, issue: issueId, error: (error as Error).message });
      }
    }
  }
  return { issues: issues.length, closed, compacted, eventsBefore, eventsAfter, bytesBefore, bytesAfter, refused };
}

/** One scheduler when the config has a retention, none when it has not. */
export async function scheduleRetention(queue: Queue<RetentionJob>, retention: Retention | undefined): Promise<void> {
  if (!retention) {
    await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { every: retention.everyMs }, { name: RETENTION_JOB, data: {}, opts: RETENTION_JOB_OPTIONS });
}

/** `retention` is read per run: a reload may set, change or drop it. */
export function createRetentionProcessor(deps: RetentionDeps & { readonly retention: () => Retention | undefined; readonly now: () => number; readonly logger: Logger }) {
  const log = deps.logger.child({ component: 'retention' });
  return async (_job: Job<RetentionJob>): Promise<RetentionResult | null> => {
    const retention = deps.retention();
    if (!retention) {
      log.info('retention job skipped: this worker\'s config has no retention');
      return null;
    }
    const result = await compactClosedIssues({ ...deps, logger: log }, { closedForMs: retention.closedForMs, now: deps.now() });
    log.info('compacted the logs of closed issues', { ...result, refused: result.refused.length });
    return result;
  };
}
