/**
 * The list indexes never drift from the states: after any sequence of saves (new issues, new
 * assignees, priorities and contracts, metrics met, issues no longer covered: resolved, deleted,
 * moved out of a contract), every page `GET /api/issues` serves from them equals the slow
 * reference: every state read, filtered by the rules below, sorted by soonest deadline and then by
 * member. The same holds for the indexes built anew from the states, and for the fallback that
 * reads every state while another process builds them. A real redis-server.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { issueListPage, pageStates, sendIssueList, type IssueListPage, type IssueListQuery } from '../src/app/http/issue-list.js';
import { IssueStore, type IssueState } from '../src/app/store/issue-store.js';
import type { MetricStatus } from '../src/domain/metric-status.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';

const COMPUTED_AT = 1_800_000_000_000;
const NEVER = Number.MAX_SAFE_INTEGER;

// ---- the reference: written out from the API's documented rules, not from the code under test

function referenceStands(status: MetricStatus, standing: IssueListQuery['state'], computedAt: number): boolean {
  if (standing === undefined) return true;
  if (standing === 'breached') return status.state === 'breached';
  if (status.state !== 'running') return false;
  if (standing === 'running') return true;
  return (status.warnings ?? []).some((warning) => warning.at !== null && warning.at <= computedAt);
}

function referenceMatches(state: IssueState, query: IssueListQuery): boolean {
  const sla = state.sla;
  if (!sla.covered) return false;
  if (query.contract !== undefined && sla.contract !== query.contract) return false;
  if (query.source !== undefined && state.source !== query.source) return false;
  if (query.priority !== undefined && sla.priority.effective !== query.priority) return false;
  if (query.assignee !== undefined && sla.assignee !== query.assignee) return false;
  return sla.metrics.some((status) => (query.metric === undefined || status.metric === query.metric) && referenceStands(status, query.state, state.computedAt));
}

function referenceSoonest(state: IssueState): number {
  if (!state.sla.covered) return NEVER;
  let soonest = NEVER;
  for (const status of state.sla.metrics) if (status.metAt === undefined && typeof status.deadline === 'number' && status.deadline < soonest) soonest = status.deadline;
  return soonest;
}

function referencePage(states: Iterable<IssueState>, query: IssueListQuery, offset: number, limit: number | undefined) {
  const member = (state: IssueState) => Buffer.from(JSON.stringify([state.source, state.issue.id]));
  const all = [...states].filter((state) => referenceMatches(state, query)).sort((a, b) => {
    const [x, y] = [referenceSoonest(a), referenceSoonest(b)];
    return x !== y ? (x < y ? -1 : 1) : Buffer.compare(member(a), member(b));
  });
  return { total: all.length, keys: all.slice(offset, limit === undefined ? undefined : offset + limit).map((state) => `${state.source}/${state.issue.id}`) };
}

// ---- random states

const SOURCES = ['jira-a', 'gitea b'];
const CONTRACTS = ['gold', 'silver'];
const PRIORITIES = ['P1', 'P2', 'P3'] as const;
// A space, a colon and a non-ASCII letter: the index names encode them.
const ASSIGNEES = [null, 'ann@example.com', 'bob: the builder', 'zoë'];
const METRIC_NAMES = ['reaction', 'response', 'resolution'] as const;
// Few deadlines, so that many issues tie and the order of equal ones is checked too.
const DEADLINES = [COMPUTED_AT + 60_000, COMPUTED_AT + 120_000, COMPUTED_AT - 30_000, null];

const metricArb = (metric: (typeof METRIC_NAMES)[number]) =>
  fc.record({
    state: fc.constantFrom('running', 'breached', 'met', 'paused'),
    deadline: fc.constantFrom(...DEADLINES),
    met: fc.boolean(),
    warned: fc.constantFrom('none', 'passed', 'ahead'),
  }).map(({ state, deadline, met, warned }): MetricStatus => ({
    metric,
    state: state as MetricStatus['state'],
    priority: 'P1',
    calendar: 'c',
    zone: 'UTC',
    deadline,
    ...(met || state === 'met' ? { metAt: COMPUTED_AT - 1_000 } : {}),
    warnings: warned === 'none' ? [] : [{ label: '50%', at: warned === 'passed' ? COMPUTED_AT - 10 : COMPUTED_AT + 10 } as never],
  }));

const stateArb = fc
  .record({
    source: fc.constantFrom(...SOURCES),
    id: fc.integer({ min: 1, max: 5 }).map(String),
    covered: fc.constantFrom(true, true, true, true, false),
    deleted: fc.boolean(),
    contract: fc.constantFrom(...CONTRACTS),
    priority: fc.constantFrom(...PRIORITIES),
    assignee: fc.constantFrom(...ASSIGNEES),
    metrics: fc.subarray([...METRIC_NAMES]).chain((names) => (names.length === 0 ? fc.constant<MetricStatus[]>([]) : fc.tuple(...names.map(metricArb)))),
  })
  .map(({ source, id, covered, deleted, contract, priority, assignee, metrics }): IssueState => ({
    source,
    issue: { id, key: `K-${id}` },
    computedAt: COMPUTED_AT,
    eventCount: 1,
    sla: covered
      ? ({ covered: true, contract, customer: contract, createdAt: COMPUTED_AT - 3_600_000, priority: { effective: priority, requested: priority, reason: 'r' }, status: 'open', assignee, resolved: false, deleted: false, metrics } as never)
      : { covered: false, reason: deleted ? 'deleted' : 'no contract covers it', ...(deleted ? { deleted: true } : {}) },
  }));

// At most two filters, so that most queries match something.
const FILTERS = {
  state: fc.constantFrom('at-risk', 'breached', 'running'),
  contract: fc.constantFrom(...CONTRACTS, 'none-such'),
  source: fc.constantFrom(...SOURCES),
  metric: fc.constantFrom(...METRIC_NAMES),
  priority: fc.constantFrom(...PRIORITIES),
  assignee: fc.constantFrom(...(ASSIGNEES.filter(Boolean) as string[])),
};
const queryArb = fc
  .subarray(Object.keys(FILTERS) as (keyof typeof FILTERS)[], { maxLength: 2 })
  .chain((names) => fc.tuple(...names.map((name) => FILTERS[name].map((value) => [name, value] as const))))
  .map((pairs) => Object.fromEntries(pairs) as IssueListQuery);

const pageArb = fc.record({ offset: fc.integer({ min: 0, max: 6 }), limit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) });

describe('the list indexes against every state read (fast-check, real Redis)', function () {
  this.timeout(120_000);
  let redis: Redis;
  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  after(() => redis.disconnect());

  /** The page's issues as the API sends them (a long list is read as it is sent). */
  const keysOf = async (store: IssueStore, page: IssueListPage) => {
    const keys: string[] = [];
    for await (const states of pageStates(store, page)) keys.push(...states.map((state) => `${state.source}/${state.issue.id}`));
    return keys;
  };

  it('every page equals the filtered sort of all states, after any saves, rebuilt, and while being built elsewhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stateArb, { minLength: 1, maxLength: 30 }), fc.array(fc.tuple(queryArb, pageArb), { minLength: 1, maxLength: 10 }), async (saves, queries) => {
        const prefix = uniquePrefix('list-index');
        const store = new IssueStore(redis, prefix);
        const latest = new Map<string, IssueState>();
        try {
          // A bridge that starts empty marks its indexes built; from then on the saves keep them.
          expect((await issueListPage(store, { state: 'at-risk' }, () => true, 0, undefined)).total).to.equal(0);
          for (const state of saves) {
            // The list of issues is what a delivery's append fills; a save alone does not.
            await redis.sadd(`${prefix}:issues`, JSON.stringify([state.source, state.issue.id]));
            await store.saveState(state);
            latest.set(`${state.source}/${state.issue.id}`, state);
          }
          const check = async (how: string) => {
            for (const [query, { offset, limit }] of queries) {
              const expected = referencePage(latest.values(), query, offset, limit);
              const page = await issueListPage(store, query, (state) => referenceMatches(state, query), offset, limit);
              expect({ total: page.total, keys: await keysOf(store, page) }, `${how}: ${JSON.stringify({ query, offset, limit })}`).to.deep.equal(expected);
            }
          };
          await check('kept by the saves');
          // As a bridge from before the indexes finds them: built from the states on first use.
          const indexKeys = await redis.keys(`${prefix}:index:*`);
          if (indexKeys.length > 0) await redis.del(...indexKeys);
          await check('built anew');
          await redis.set(`${prefix}:index:list-building`, '1', 'PX', 60_000);
          await redis.del(`${prefix}:index:list-version`);
          await check('read from every state while another process builds them');
        } finally {
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('sends a long list a batch at a time as one valid JSON answer, every issue once, in order', async () => {
    const prefix = uniquePrefix('list-index');
    const store = new IssueStore(redis, prefix);
    const server = express()
      .get('/issues', async (request, response) => {
        const limit = request.query.limit === undefined ? undefined : Number(request.query.limit);
        const page = await issueListPage(store, {}, () => true, 0, limit);
        await sendIssueList(response, store, { total: page.total }, page, (state) => ({ key: `${state.source}/${state.issue.id}` }));
      })
      .listen(0, '127.0.0.1');
    try {
      await issueListPage(store, {}, () => true, 0, undefined);
      // More than a batch (250): several writes, each after a turn of the event loop or a drain.
      const states = fc.sample(stateArb.filter((state) => state.sla.covered && state.sla.metrics.length > 0), { numRuns: 700, seed: 11 }).map((state, index) => ({ ...state, issue: { id: String(index), key: `K-${index}` } }));
      for (const state of states) await store.saveState(state);
      const expected = referencePage(states, {}, 0, undefined);
      for (const limit of [undefined, 600]) {
        const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/issues${limit ? `?limit=${limit}` : ''}`);
        const body = (await answer.json()) as { total: number; issues: { key: string }[] };
        expect(body.total).to.equal(states.length);
        expect(body.issues.map((issue) => issue.key)).to.deep.equal(expected.keys.slice(0, limit));
      }
    } finally {
      server.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  });

  it('an unfiltered page reads from the index: a state missing from it is not listed', async () => {
    // Shows the page comes from the index, not from every state: a state written behind the
    // store's back (no index entry) does not appear, while the full read would list it.
    const prefix = uniquePrefix('list-index');
    const store = new IssueStore(redis, prefix);
    try {
      const [first, second] = fc.sample(stateArb.filter((state) => state.sla.covered && state.sla.metrics.length > 0), { numRuns: 50, seed: 7 }).filter((state, index, all) => all.findIndex((other) => other.source === state.source && other.issue.id === state.issue.id) === index);
      for (const state of [first!, second!]) await redis.sadd(`${prefix}:issues`, JSON.stringify([state.source, state.issue.id]));
      await store.saveState(first!);
      await redis.set(`${prefix}:issue:${second!.source}:${second!.issue.id}:state`, JSON.stringify(second));
      await issueListPage(store, {}, () => true, 0, undefined); // builds the version mark from both states
      await store.saveState(first!);
      await redis.zrem(`${prefix}:index:list`, JSON.stringify([second!.source, second!.issue.id]));
      const page = await issueListPage(store, {}, () => true, 0, undefined);
      expect(await keysOf(store, page)).to.deep.equal([`${first!.source}/${first!.issue.id}`]);
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  });
});
