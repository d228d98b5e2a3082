/**
 * `GET /api/issues` from the indexes the saved states keep (../store/issue-list-index.ts): a list
 * narrowed by contract, source, priority and assignee (and `state=at-risk`) is one index page, its
 * own states the only ones read. A metric or another state narrows further by reading the
 * candidates' states a batch per turn of the event loop, so the loop is never held for the whole
 * list; so does the fallback while the indexes are still being built, which reads every state.
 */
import type { Response } from 'express';
import type { IssueState, IssueStore } from '../store/issue-store.js';
import { soonestDeadline } from '../../domain/issue-standing.js';

/** States parsed per turn of the event loop: a few milliseconds of JSON each. */
const SCAN_BATCH = 250;

export interface IssueListQuery {
  readonly state?: 'at-risk' | 'breached' | 'running' | undefined;
  readonly contract?: string | undefined;
  readonly source?: string | undefined;
  readonly metric?: string | undefined;
  readonly priority?: string | undefined;
  readonly assignee?: string | undefined;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const memberOf = (state: IssueState) => JSON.stringify([state.source, state.issue.id]);

/** The order of the list: soonest deadline first, equal ones by member in byte order (as Redis orders a sorted set). */
export function listOrder(a: IssueState, b: IssueState): number {
  return soonestDeadline(a.sla) - soonestDeadline(b.sla) || Buffer.compare(Buffer.from(memberOf(a)), Buffer.from(memberOf(b)));
}

/** Of `members` (issues in list order), those whose state `matches`, counted, and the page of them from `offset`. */
async function scan(store: IssueStore, members: readonly (readonly [string, string])[], matches: (state: IssueState) => boolean, offset: number, limit: number | undefined) {
  let total = 0;
  const states: IssueState[] = [];
  for (let start = 0; start < members.length; start += SCAN_BATCH) {
    if (start > 0) await nextTurn();
    for (const state of await store.loadStatesInOrder(members.slice(start, start + SCAN_BATCH))) {
      if (!state || !matches(state)) continue;
      if (total >= offset && (limit === undefined || states.length < limit)) states.push(state);
      total += 1;
    }
  }
  return { total, states };
}

export async function issueListPage(store: IssueStore, query: IssueListQuery, matches: (state: IssueState) => boolean, offset: number, limit: number | undefined): Promise<{ readonly total: number; readonly states: readonly IssueState[] }> {
  const dimensions = { contract: query.contract, source: query.source, priority: query.priority, assignee: query.assignee };
  const atRisk = query.state === 'at-risk';
  if ((!query.state || atRisk) && !query.metric) {
    // A page is one MGET; a longer list (no limit) is read a batch per turn.
    if (limit !== undefined && limit <= SCAN_BATCH) {
      const page = await store.listPage(dimensions, offset, limit, atRisk);
      if (page) return page;
    } else {
      const found = await store.listMembers(dimensions, offset, limit === undefined ? -1 : offset + limit - 1, atRisk);
      if (found) return { total: found.total, states: (await scan(store, found.members.map((member) => JSON.parse(member) as [string, string]), () => true, 0, undefined)).states };
    }
  } else {
    const candidates = await store.listMembers(dimensions, 0, -1, atRisk);
    if (candidates) return scan(store, candidates.members.map((member) => JSON.parse(member) as [string, string]), matches, offset, limit);
  }
  // The indexes are being built by another process: every state, read a batch per turn.
  const every = await scan(store, await store.listIssues(), matches, 0, undefined);
  const sorted = [...every.states].sort(listOrder);
  return { total: sorted.length, states: sorted.slice(offset, limit === undefined ? undefined : offset + limit) };
}

/**
 * The answer as JSON, the issues serialized a batch per turn of the event loop: the whole list of
 * 20,000 issues is 10 MB, which one `JSON.stringify` would hold the loop for.
 */
export async function sendIssueList<T>(response: Response, head: Record<string, unknown>, states: readonly IssueState[], summary: (state: IssueState) => T): Promise<void> {
  if (states.length <= SCAN_BATCH) return void response.json({ ...head, issues: states.map(summary) });
  response.type('json');
  const opening = JSON.stringify({ ...head, issues: [] });
  // `{"now":…,"issues":[` and then the issues.
  response.write(opening.slice(0, -2));
  for (let start = 0; start < states.length; start += SCAN_BATCH) {
    if (response.destroyed) return;
    const text = states.slice(start, start + SCAN_BATCH).map((state) => JSON.stringify(summary(state))).join(',');
    const more = response.write(start === 0 ? text : `,${text}`);
    // A client that went away ends the wait as well as one that read on.
    await (more ? nextTurn() : new Promise((resolve) => (response.once('drain', resolve), response.once('close', resolve))));
  }
  response.end(']}');
}
