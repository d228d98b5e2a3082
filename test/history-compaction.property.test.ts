/**
 * Compacting a closed issue's log (src/domain/history-compaction.ts) against the reference that is
 * obviously right: the SLA clock folding the whole log. Hand-made cases say what goes and what
 * stays; fast-check properties say that the clock cannot tell the difference, under every test
 * contract, at any `now`, and after events still to come.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { closedSince, compactHistory } from '../src/domain/history-compaction.js';
import { issueEventSchema, inEventOrder, type IssueEvent, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { runClock } from '../src/domain/sla-clock.js';
import { compactionContracts, issueLog, latestAt, laterEvents } from './support/event-histories.js';

const at = (local: string) => parseLocalIso(local, 'Europe/Amsterdam')!;
const BASE = at('2026-11-30T09:00');
const HOUR = 3_600_000;
const log = (...events: IssueEventInput[]): IssueEvent[] => events.map((event) => issueEventSchema.parse(event));
const created = (project = 'ACME', extra: Partial<IssueEventInput & { type: 'created' }> = {}): IssueEventInput => ({ type: 'created', at: BASE, project, priority: 'P2', status: 'open', ...extra });
const clock = (events: readonly IssueEvent[], now: number) => runClock({ source: 'jira-demo', events }, compactionContracts(), now);

describe('compacting an issue log', function () {
  this.timeout(120_000);

  describe('what goes and what stays', () => {
    it('drops restatements, customer and internal comments, repeated deliveries and second creations', () => {
      const history = log(
        created(),
        { type: 'observed', at: BASE + HOUR, status: 'open', priority: 'P2', assignee: null, resolved: false },
        { type: 'commented', at: BASE + HOUR, by: 'customer' },
        { type: 'commented', at: BASE + 2 * HOUR, by: 'agent', public: false },
        { type: 'status_changed', at: BASE + 3 * HOUR, status: 'in progress' },
        { type: 'status_changed', at: BASE + 3 * HOUR, status: 'in progress' },
        created('ACME', { at: BASE + 4 * HOUR, synthetic: true }),
        { type: 'assigned', at: BASE + 4 * HOUR, assignee: null },
        { type: 'resolved', at: BASE + 5 * HOUR },
        { type: 'observed', at: BASE + 5 * HOUR, resolved: true, status: 'in progress' },
        { type: 'resolved', at: BASE + 6 * HOUR },
      );
      expect(compactHistory(history)).to.deep.equal([history[0], history[4], history[8]]);
    });

    it('keeps the first agent comment after each change, and a status that only changes its case', () => {
      const history = log(
        created(),
        { type: 'commented', at: BASE + HOUR, by: 'agent' },
        { type: 'commented', at: BASE + 2 * HOUR, by: 'agent' },
        { type: 'status_changed', at: BASE + 3 * HOUR, status: 'Open' },
        { type: 'commented', at: BASE + 4 * HOUR, by: 'agent' },
        { type: 'commented', at: BASE + 5 * HOUR, by: 'agent' },
      );
      expect(compactHistory(history)).to.deep.equal([history[0], history[1], history[3], history[4]]);
    });

    it('keeps alternating meetings that start one metric after another with no fact changed', () => {
      // CHAIN: reaction by a comment starts response, met by resolving, which starts resolution, met by a comment.
      const history = log(
        created('CHAIN'),
        { type: 'resolved', at: BASE + HOUR },
        { type: 'commented', at: BASE + 2 * HOUR, by: 'agent' },
        { type: 'resolved', at: BASE + 3 * HOUR },
        { type: 'resolved', at: BASE + 3 * HOUR },
        { type: 'commented', at: BASE + 4 * HOUR, by: 'agent' },
      );
      const compacted = compactHistory(history);
      expect(compacted).to.deep.equal([history[0], history[1], history[2], history[3], history[5]]);
      const sla = clock(compacted, BASE + 24 * HOUR);
      expect(sla.covered && sla.metrics.map((metric) => [metric.metric, metric.state, metric.metAt])).to.deep.equal([
        ['reaction', 'breached', BASE + 2 * HOUR],
        ['response', 'met', BASE + 3 * HOUR],
        ['resolution', 'met', BASE + 4 * HOUR],
      ]);
      expect(clock(history, BASE + 24 * HOUR)).to.deep.equal(sla);
    });

    it('keeps events stamped before creation, and puts the counting created event first', () => {
      const history = log(
        { type: 'priority_changed', at: BASE - HOUR, priority: 'P1' },
        created('ACME', { synthetic: true, at: BASE - 2 * HOUR }),
        created(),
        { type: 'resolved', at: BASE + HOUR },
      );
      expect(compactHistory(history)).to.deep.equal([history[2], history[0], history[3]]);
    });

    it('leaves a log without a created event as it is', () => {
      const history = log({ type: 'commented', at: BASE, by: 'customer' }, { type: 'commented', at: BASE, by: 'customer' });
      expect(compactHistory(history)).to.deep.equal(history);
    });
  });

  describe('when an issue counts as closed', () => {
    it('is resolved or deleted since its latest event, and open after a reopen', () => {
      expect(closedSince(log(created(), { type: 'resolved', at: BASE + HOUR }, { type: 'commented', at: BASE + 3 * HOUR, by: 'customer' }))).to.equal(BASE + 3 * HOUR);
      expect(closedSince(log(created(), { type: 'deleted', at: BASE + HOUR }))).to.equal(BASE + HOUR);
      expect(closedSince(log(created(), { type: 'observed', at: BASE + 2 * HOUR, resolved: true }))).to.equal(BASE + 2 * HOUR);
      expect(closedSince(log(created(), { type: 'resolved', at: BASE + HOUR }, { type: 'reopened', at: BASE + 2 * HOUR }))).to.equal(undefined);
      expect(closedSince(log(created()))).to.equal(undefined);
      expect(closedSince(log({ type: 'resolved', at: BASE }))).to.equal(undefined);
    });
  });

  describe('properties', () => {
    const nowAround = (events: readonly IssueEvent[]) => fc.integer({ min: -2 * 24, max: 21 * 24 }).map((hours) => latestAt(events) + hours * HOUR);

    it('the clock gives the same state from the compacted log, at any now', () => {
      fc.assert(
        fc.property(issueLog(BASE).chain((events) => fc.tuple(fc.constant(events), nowAround(events))), ([events, now]) => {
          expect(clock(compactHistory(events), now)).to.deep.equal(clock(events, now));
        }),
        { numRuns: 600 },
      );
    });

    it('and after later events: a reopen, comments, priority changes, resolving again', () => {
      const scenario = issueLog(BASE).chain((events) => fc.tuple(fc.constant(events), laterEvents(latestAt(events))).chain(([history, later]) => fc.tuple(fc.constant(history), fc.constant(later), nowAround([...history, ...later]))));
      fc.assert(
        fc.property(scenario, ([events, later, now]) => {
          expect(clock([...compactHistory(events), ...later], now)).to.deep.equal(clock([...events, ...later], now));
        }),
        { numRuns: 600 },
      );
    });

    it('is a subsequence of the log in the clock\'s order, never longer, and compacting again changes nothing', () => {
      fc.assert(
        fc.property(issueLog(BASE), (events) => {
          const compacted = compactHistory(events);
          expect(compacted.length).to.be.at.most(events.length);
          const ordered = inEventOrder(events);
          let position = 0;
          for (const event of compacted.slice(1)) {
            position = ordered.indexOf(event, position) + 1;
            expect(position, 'kept events keep their order').to.be.greaterThan(0);
          }
          expect(compactHistory(compacted)).to.deep.equal(compacted);
        }),
        { numRuns: 400 },
      );
    });

    it('an original event told again later (reconciliation reaching back) changes nothing', () => {
      fc.assert(
        fc.property(issueLog(BASE).chain((events) => fc.tuple(fc.constant(events), fc.subarray(events), nowAround(events))), ([events, told, now]) => {
          // An event of an instant no other event shares lands where it was; ties are ordered by arrival, which is later now.
          const alone = told.filter((event) => events.filter((other) => other.at === event.at).length === 1);
          expect(clock([...compactHistory(events), ...alone], now)).to.deep.equal(clock(events, now));
        }),
        { numRuns: 400 },
      );
    });
  });
});
