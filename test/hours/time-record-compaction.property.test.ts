/**
 * Retention keeps what the hours card reads: for any time records (edits, take-backs, ties in
 * time, unnamed bookers), the compacted log gives the same records as the whole one, and still
 * does after further records arrive, in any order.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { compactHistory } from '../../src/domain/history-compaction.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { currentTimeRecords } from '../../src/domain/time-record.js';

const T = Date.now() - 86_400_000;
const created: IssueEvent = { type: 'created', at: T, project: 'p', labels: [], environment: null, priority: 'P3', status: 'open', paused: false, assignee: null, synthetic: false };

const timeEvent = fc.record({
  at: fc.integer({ min: 0, max: 20 }).map((minute) => T + minute * 60_000),
  recordId: fc.constantFrom('a', 'b', 'c'),
  seconds: fc.constantFrom(0, 600, 900, 5400),
  author: fc.constantFrom(null, 'ann', 'bob'),
}).map((fields): IssueEvent => ({ type: 'time_logged', ...fields }));

const comment: IssueEvent = { type: 'commented', at: T + 60_000, by: 'customer', public: true };

describe('time records survive compaction', () => {
  it('the compacted log gives the same records, now and after later ones', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(timeEvent, fc.constant(comment)), { maxLength: 25 }), fc.array(timeEvent, { maxLength: 6 }), (log, later) => {
        const whole = [created, ...log];
        const compacted = compactHistory(whole);
        expect(currentTimeRecords(compacted)).to.deep.equal(currentTimeRecords(whole));
        expect(currentTimeRecords([...compacted, ...later])).to.deep.equal(currentTimeRecords([...whole, ...later]));
      }),
      { numRuns: 300 },
    );
  });

  it('drops restatements: the same total told again and again keeps its first and last word', () => {
    const told = [1, 2, 3, 4].map((minute): IssueEvent => ({ type: 'time_logged', at: T + minute * 60_000, recordId: 'gitlab-total', seconds: 5400, author: 'ann' }));
    expect(compactHistory([created, ...told]).filter((event) => event.type === 'time_logged')).to.deep.equal([told[0], told[3]]);
  });
});
