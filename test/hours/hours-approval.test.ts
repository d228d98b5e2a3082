/** The customer's approval of booked hours, by status, by label and by the reporter's note, worked out by hand. */
import { expect } from 'chai';
import { approvalKeywords, approvalOf } from '../../src/domain/hours-approval.js';
import type { Contract } from '../../src/domain/contract.js';
import type { ApprovalRule } from '../../src/domain/hours-card.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';

const T = Date.now() - 10 * 3_600_000;
const m = (minutes: number) => T + minutes * 60_000;
const created: IssueEvent = { type: 'created', at: T, project: 'p', labels: [], environment: null, priority: 'P3', status: 'new', paused: false, assignee: null, synthetic: false };
const booked = (at: number, seconds = 1800, recordId = 'r1'): IssueEvent => ({ type: 'time_logged', at, recordId, seconds, author: 'ann' });
const status = (at: number, to: string): IssueEvent => ({ type: 'status_changed', at, status: to, paused: false });
const labels = (at: number, list: string[]): IssueEvent => ({ type: 'labels_changed', at, labels: list });

const byStatus: ApprovalRule = { by: 'status', statuses: ['Akkoord', 'closed'] };
const byLabel: ApprovalRule = { by: 'label', labels: ['uren-akkoord'] };
const byNote: ApprovalRule = { by: 'reporter_note', keyword: 'akkoord' };
// The reporter as the webhook path puts them on the created event, and a comment as it marks it.
const reported: IssueEvent = { ...created, reporter: { names: ['klant'], email: 'klant@example.nl' } } as IssueEvent;
const note = (at: number, author: { names: string[]; email?: string }, keywords: string[]): IssueEvent => ({ type: 'commented', at, by: 'customer', public: true, author, keywords }) as IssueEvent;

describe('hours approval', () => {
  const cases: [name: string, rule: ApprovalRule, events: IssueEvent[], expected: ReturnType<typeof approvalOf>][] = [
    ['no time booked: nothing to approve', byStatus, [created, status(m(5), 'akkoord')], undefined],
    ['booked, not approved: waits since the booking', byStatus, [created, booked(m(10))], { state: 'pending', since: m(10) }],
    ['approved by status after the booking', byStatus, [created, booked(m(10)), status(m(30), 'akkoord')], { state: 'approved', at: m(30) }],
    ['a status named in another case approves too', byStatus, [created, booked(m(10)), status(m(30), 'Closed')], { state: 'approved', at: m(30) }],
    ['another status does not approve', byStatus, [created, booked(m(10)), status(m(30), 'feedback')], { state: 'pending', since: m(10) }],
    ['time booked after the approval waits again, from then', byStatus, [created, booked(m(10)), status(m(30), 'akkoord'), booked(m(40), 900, 'r2')], { state: 'pending', since: m(40) }],
    ['already in the approval status when time is booked: waits for a new approval', byStatus, [created, status(m(5), 'akkoord'), booked(m(10))], { state: 'pending', since: m(10) }],
    ['moved out of the approval status and back: approved again', byStatus, [created, status(m(5), 'akkoord'), booked(m(10)), status(m(20), 'open'), status(m(25), 'akkoord')], { state: 'approved', at: m(25) }],
    ['approved by label', byLabel, [created, booked(m(10)), labels(m(20), ['bug', 'Uren-Akkoord'])], { state: 'approved', at: m(20) }],
    ['a label taken off before any booking approves nothing later', byLabel, [created, labels(m(5), ['uren-akkoord']), labels(m(6), []), booked(m(10))], { state: 'pending', since: m(10) }],
    ['events told out of order count in their own time order', byStatus, [created, status(m(30), 'akkoord'), booked(m(10))], { state: 'approved', at: m(30) }],
    ['approved by the reporter\'s note holding the keyword', byNote, [reported, booked(m(10)), note(m(30), { names: ['klant'] }, ['akkoord'])], { state: 'approved', at: m(30) }],
    ['the reporter known by e-mail address only, in another case', byNote, [reported, booked(m(10)), note(m(30), { names: [], email: 'Klant@Example.nl' }, ['akkoord'])], { state: 'approved', at: m(30) }],
    ['a note by someone else with the keyword does not approve', byNote, [reported, booked(m(10)), note(m(30), { names: ['agent'] }, ['akkoord'])], { state: 'pending', since: m(10) }],
    ['a note by the reporter without the keyword does not approve', byNote, [reported, booked(m(10)), note(m(30), { names: ['klant'] }, [])], { state: 'pending', since: m(10) }],
    ['the reporter\'s note before the booking approves nothing booked after it', byNote, [reported, note(m(5), { names: ['klant'] }, ['akkoord']), booked(m(10))], { state: 'pending', since: m(10) }],
    ['an issue whose reporter is unknown cannot be approved by note', byNote, [created, booked(m(10)), note(m(30), { names: ['klant'] }, ['akkoord'])], { state: 'pending', since: m(10) }],
  ];
  for (const [name, rule, events, expected] of cases) {
    it(name, () => {
      expect(approvalOf(rule, events)).to.deep.equal(expected);
    });
  }
});

describe('hours approval keywords', () => {
  it('are the keywords of the contracts that approve by note, lower-cased, once each', () => {
    const contract = (approval: ApprovalRule | undefined) => ({ hours: approval && { approval } }) as unknown as Contract;
    expect(approvalKeywords([contract(byNote), contract({ by: 'reporter_note', keyword: 'akkoord' }), contract(byLabel), contract(undefined), contract({ by: 'reporter_note', keyword: 'goedgekeurd' })])).to.deep.equal(['akkoord', 'goedgekeurd']);
  });
});
