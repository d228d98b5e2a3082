/**
 * After a config reload, the open issues whose SLA the new config computes differently get their
 * state recomputed, their timers re-planned and their write-back queued: a contract's targets,
 * calendar, warnings, escalation or coverage, a calendar's hours or holidays. Issues of a source
 * whose settings changed get the same, since what is written back depends on them.
 *
 * Which issues changed is asked of the clock, not of the config files: under the issue's lock, the
 * clock is run on the issue's log with the config in force at the instant its state was saved
 * for, and compared with that saved state. Equal means the config change does not touch the
 * issue (a state is always saved from the whole log, under the lock), so it is left alone. This
 * also catches a state another bridge process saved on the old config in between.
 *
 * A source's priority mapping, pause statuses and agents are applied when a delivery is
 * normalized: the log keeps their result (P1, paused, an agent's comment), not the tracker's raw
 * fields, so they apply to deliveries from the reload on.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SlaConfig } from '../../config/load-config.js';
import { runClock } from '../../domain/sla-clock.js';
import type { IssueState } from '../store/issue-store.js';
import { refreshIssue, type IssueWorkDeps } from './issue-work.js';

/** States read per MGET while looking for open issues. */
const BATCH = 500;
/** Issues re-checked at once: each holds its lock only for a moment. */
const PARALLEL = 8;

export interface ReplanResult {
  /** Open issues looked at. */
  readonly open: number;
  /** Of those, the ones whose state the new config changed: recomputed and re-planned. */
  readonly replanned: number;
  /** Ones that could not be checked (locked for too long, Redis away); their next event or timer computes them. */
  readonly failed: number;
  readonly firstFailure?: string;
}

/** Resolved or deleted issues keep their state: a reload does not rewrite history. */
export function isOpen(state: IssueState): boolean {
  return state.sla.covered ? !state.sla.resolved && !state.sla.deleted : !state.sla.deleted;
}

/** The ids of the sources whose settings differ between the two configs (added and removed ones too). */
export function changedSources(previous: SlaConfig, next: SlaConfig): Set<string> {
  const ids = new Set([...previous.sources.keys(), ...next.sources.keys()]);
  return new Set([...ids].filter((id) => !isDeepStrictEqual(previous.sources.get(id), next.sources.get(id))));
}

async function pool<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
}

/** Re-checks every open issue against the config `deps` reads now; see the top of the file. */
export async function replanOpenIssues(deps: IssueWorkDeps, sourcesChanged: ReadonlySet<string>): Promise<ReplanResult> {
  const issues = await deps.store.listIssues();
  let open = 0;
  let replanned = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  for (let start = 0; start < issues.length; start += BATCH) {
    const candidates = (await deps.store.loadStates(issues.slice(start, start + BATCH))).filter(isOpen);
    await pool(candidates, PARALLEL, async ({ source, issue }) => {
      try {
        await deps.store.withIssueLock(source, issue.id, async () => {
          const state = await deps.store.loadState(source, issue.id);
          if (!state || !isOpen(state)) return;
          open += 1;
          const events = await deps.store.loadEvents(source, issue.id);
          const recomputed = runClock({ source, events }, deps.contracts(), state.computedAt, { groups: deps.groups?.() });
          // Saved states are JSON; so is the comparison, which leaves out what JSON leaves out.
          if (!sourcesChanged.has(source) && JSON.stringify(recomputed) === JSON.stringify(state.sla)) return;
          await refreshIssue(deps, source, issue.id);
          replanned += 1;
        });
      } catch (error) {
        failed += 1;
        firstFailure ??= `${source}/${issue.key}: ${(error as Error).message}`;
      }
    });
  }
  return { open, replanned, failed, ...(firstFailure ? { firstFailure } : {}) };
}
