/**
 * Runs a what-if question against the issues in Redis: every issue the contract covered and that
 * was created in the months asked is computed again from its event log, under the contract as it
 * is and as it would have been, at the same instant. Reads only (the stored states to pick the
 * issues, then their logs), in batches of one round trip each, the next batch read while this one
 * is computed; nothing is written, planned or sent.
 */
import type { Contract } from '../../domain/contract.js';
import { runClock } from '../../domain/sla-clock.js';
import { monthRange, WhatIfTally, type WhatIfReport } from '../../domain/what-if-report.js';
import type { WhatIfChanged } from '../../config/what-if-file.js';
import type { IssueState, IssueStore } from '../store/issue-store.js';

/** Issues per round trip: big enough that the round trips do not count, small enough that a batch's script holds Redis for a few ms only. */
export const WHAT_IF_BATCH = 500;

export interface WhatIfQuestion {
  readonly contract: Contract;
  readonly changed: WhatIfChanged;
  /** How the file is named in the report: its path, or `with` over the API. */
  readonly file: string;
  readonly month: string;
  readonly months: number;
  readonly now: number;
}

export const MAX_WHAT_IF_MONTHS = 36;

type Candidate = IssueState & { readonly sla: Extract<IssueState['sla'], { covered: true }> };

async function readBatch(store: IssueStore, issues: readonly (readonly [string, string])[], contractId: string, from: number, until: number) {
  const states = await store.loadStates(issues);
  const candidates = states.filter((state): state is Candidate => state.sla.covered && state.sla.contract === contractId && state.sla.createdAt >= from && state.sla.createdAt < until);
  const logs = await store.loadEventLogs(candidates.map((state) => [state.source, state.issue.id] as const));
  return candidates.map((state, index) => ({ state, events: logs[index]! }));
}

export async function runWhatIf(store: IssueStore, question: WhatIfQuestion): Promise<WhatIfReport> {
  const { contract, changed, now } = question;
  const zone = contract.calendar.zone;
  const { months, from, until } = monthRange(question.month, question.months, zone);
  const metrics = [...new Set([...contract.metrics, ...changed.contract.metrics].map((rule) => rule.metric))];
  const tally = new WhatIfTally({ contract: contract.id, customer: contract.customer, zone, months, with: { kind: changed.kind, id: changed.id, file: question.file }, computedAt: now, metrics });
  const issues = await store.listIssues();
  const batches: (readonly [string, string])[][] = [];
  for (let start = 0; start < issues.length; start += WHAT_IF_BATCH) batches.push(issues.slice(start, start + WHAT_IF_BATCH));
  let next = batches.length > 0 ? readBatch(store, batches[0]!, contract.id, from, until) : undefined;
  for (let index = 0; next; index += 1) {
    const batch = await next;
    next = index + 1 < batches.length ? readBatch(store, batches[index + 1]!, contract.id, from, until) : undefined;
    // Awaited next round; marked handled now so a failure while this batch computes is not unhandled.
    next?.catch(() => undefined);
    for (const { state, events } of batch) {
      const history = { source: state.source, events };
      tally.add({
        source: state.source,
        issue: state.issue,
        createdAt: state.sla.createdAt,
        before: runClock(history, [contract], now),
        after: runClock(history, [changed.contract], now),
      });
    }
  }
  return tally.report();
}
