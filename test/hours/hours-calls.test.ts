/** An issue's calls from its log: time records replaced and taken back, one call per issue or per record. */
import { expect } from 'chai';
import { TWOVALUE_RULE } from '../../src/domain/hours-billing.js';
import type { HoursCard } from '../../src/domain/hours-card.js';
import { callsOfIssue, sortedByCard } from '../../src/domain/hours-calls.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';

const T = Date.now() - 3_600_000;
const card: HoursCard = {
  billing: TWOVALUE_RULE,
  call: 'issue',
  work: { default: 'included', card: [{ component: 'Overdracht' }, { label: 'per-strip' }], included: [] },
  purchases: [],
  corrections: [],
  warnings: [],
};
const created: IssueEvent = { type: 'created', at: T, project: 'p', labels: [], environment: null, priority: 'P3', status: 'new', paused: false, assignee: null, synthetic: false, component: 'Overdracht' };
const logged = (at: number, recordId: string, minutes: number, author: string | null = 'ann'): IssueEvent => ({ type: 'time_logged', at: T + at, recordId, seconds: minutes * 60, author });
const issue = { source: 'mantis-demo', id: '42', key: '42' };

describe('hours calls of an issue', () => {
  it('sums the records as they stand: an edit replaces, a 0 takes back', () => {
    const calls = callsOfIssue(card, issue, [created, logged(1, 'a', 20), logged(2, 'b', 30, 'bob'), logged(3, 'a', 25), logged(4, 'b', 0)]);
    expect(calls).to.have.length(1);
    expect(calls[0]).to.include({ id: 'mantis-demo:42', kind: 'card', rawSeconds: 25 * 60, at: T + 1 });
    expect(calls[0]!.byAuthor).to.deep.equal({ ann: 25 * 60 });
  });

  it('keeps who booked what', () => {
    const [call] = callsOfIssue(card, issue, [created, logged(1, 'a', 20), logged(2, 'b', 30, 'bob')]);
    expect(call!.byAuthor).to.deep.equal({ ann: 1200, bob: 1800 });
  });

  it('a record applied out of order still ends at its latest word', () => {
    const [call] = callsOfIssue(card, issue, [created, logged(5, 'a', 40), logged(1, 'a', 10)]);
    expect(call!.rawSeconds).to.equal(40 * 60);
  });

  it('no time booked is no call', () => {
    expect(callsOfIssue(card, issue, [created])).to.deep.equal([]);
    expect(callsOfIssue(card, issue, [created, logged(1, 'a', 20), logged(2, 'a', 0)])).to.deep.equal([]);
  });

  it('one call per record when configured', () => {
    const calls = callsOfIssue({ ...card, call: 'time_record' }, issue, [created, logged(1, 'a', 20), logged(2, 'b', 30)]);
    expect(calls.map((c) => [c.id, c.rawSeconds])).to.deep.equal([
      ['mantis-demo:42#a', 1200],
      ['mantis-demo:42#b', 1800],
    ]);
  });

  it('follows the issue’s category and labels as they stand now', () => {
    const moved: IssueEvent = { type: 'moved', at: T + 10, project: 'p', component: 'Support' };
    expect(callsOfIssue(card, issue, [created, logged(1, 'a', 20), moved])[0]!.kind).to.equal('included');
    const labelled: IssueEvent = { type: 'labels_changed', at: T + 11, labels: ['per-strip'] };
    expect(callsOfIssue(card, issue, [created, logged(1, 'a', 20), moved, labelled])[0]!.kind).to.equal('card');
  });

  it('a card whose work rules changed (a reload) sorts the filed calls anew', () => {
    const filed = callsOfIssue(card, issue, [created, logged(1, 'a', 20)]);
    expect(filed[0]!.kind).to.equal('card');
    const reloaded: HoursCard = { ...card, work: { default: 'card', card: [], included: [{ component: 'overdracht' }] } };
    expect(sortedByCard(reloaded, filed).map((call) => call.kind)).to.deep.equal(['included']);
    expect(sortedByCard(card, filed)).to.deep.equal(filed);
  });
});

