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

/** A page of the list: its states, or (a long one) the issues whose states are read as it is sent. */
export interface IssueListPage {
  readonly total: number;
  readonly states: readonly IssueState[];
  readonly members?: readonly (readonly [string, string])[];
}

/** The states of a page, a batch at a time. */
export async function* pageStates(store: IssueStore, page: IssueListPage): AsyncGenerator<readonly IssueState[]> {
  if (!page.members) {
    for (let start = 0; start < page.states.length; start += SCAN_BATCH) yield page.states.slice(start, start + SCAN_BATCH);
    return;
  }
  for (let start = 0; start < page.members.length; start += SCAN_BATCH) {
    yield (await store.loadStatesInOrder(page.members.slice(start, start + SCAN_BATCH))).filter((state): state is IssueState => state !== undefined);
  }
}

export async function issueListPage(store: IssueStore, query: IssueListQuery, matches: (state: IssueState) => boolean, offset: number, limit: number | undefined): Promise<IssueListPage> {
  const dimensions = { contract: query.contract, source: query.source, priority: query.priority, assignee: query.assignee };
  const atRisk = query.state === 'at-risk';
  if ((!query.state || atRisk) && !query.metric) {
    // A page is one MGET; a longer list (no limit) is read a batch per turn.
    if (limit !== undefined && limit <= SCAN_BATCH) {
      const page = await store.listPage(dimensions, offset, limit, atRisk);
      if (page) return page;
    } else {
      // Read as they are sent (sendIssueList), never all held at once.
      const found = await store.listMembers(dimensions, offset, limit === undefined ? -1 : offset + limit - 1, atRisk);
      if (found) return { total: found.total, states: [], members: found.members.map((member) => JSON.parse(member) as [string, string]) };
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
 * The answer as JSON, the issues read (a long list) and serialized a batch per turn of the event
 * loop: the whole list of 20,000 issues is 10 MB, which one `JSON.stringify` would hold the loop for.
 */
export async function sendIssueList<T>(response: Response, store: IssueStore, head: Record<string, unknown>, page: IssueListPage, summary: (state: IssueState) => T): Promise<void> {
  if (!page.members && page.states.length <= SCAN_BATCH) return void response.json({ ...head, issues: page.states.map(summary) });
  response.type('json');
  // `{"now":…,"issues":[` and then the issues.
  response.write(JSON.stringify({ ...head, issues: [] }).slice(0, -2));
  let first = true;
  for await (const states of pageStates(store, page)) {
    if (response.destroyed) return;
    if (states.length === 0) continue;
    const text = states.map((state) => JSON.stringify(summary(state))).join(',');
    const more = response.write(first ? text : `,${text}`);
    first = false;
    if (more) await nextTurn();
    else await drained(response);
  }
  response.end(']}');
}

/** Until the response takes more, or its client went away. */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
