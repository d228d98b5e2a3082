/**
 * The customer's sign-off of a resolution: what confirms it, the business time it took, what a
 * reopening does, and the report's counts. Office hours 09:00-17:00 Amsterdam; 2026-11-30 is a
 * Monday. Expected values are worked out by hand.
 */
import { expect } from 'chai';
import { markContactFacts } from '../connectors/shared/acceptance-marks.js';
import { ConfigError } from '../src/config/config-error.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { reportCsv, reportHtml } from '../src/app/report-format.js';
import type { Source } from '../src/config/source.js';
import type { Contract } from '../src/domain/contract.js';
import { HOUR_MS } from '../src/domain/duration.js';
import { issueEventSchema, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { runClock, type IssueSla } from '../src/domain/sla-clock.js';
import { signoffKeywords, type SignoffStatus } from '../src/domain/signoff-rule.js';
import { buildReport } from '../src/domain/sla-report.js';
import { compactHistory } from '../src/domain/history-compaction.js';
import { OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;
const local = (instant: number | undefined) => (instant === undefined ? undefined : toLocalIso(instant, ZONE).slice(0, 16));

const contractText = (signoff: string) => `
customer: ACME
calendar: office
covers:
  - { source: mantis-demo, project: acme }
policies:
  reaction: 2d
${signoff}`;

const load = (signoff: string) => loadBridgeConfig(writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': contractText(signoff) }), {}).contracts.get('acme')!;
const contract: Contract = load('signoff:\n  confirmed_by: ["status:closed", "label:Accepted", "reporter_note:Akkoord"]\n  within: 2d\n');

type EventSpec = IssueEventInput extends infer E ? (E extends unknown ? Omit<E, 'at'> & { at: string } : never) : never;
const events = (...specs: EventSpec[]) => specs.map((spec) => issueEventSchema.parse({ ...spec, at: at(spec.at) }));
const created: EventSpec = { type: 'created', at: '2026-11-30T09:00', project: 'acme', priority: 'P3', status: 'new', reporter: { names: ['jdevries'], email: 'j.devries@acme.example' } };
const resolved = (when: string): EventSpec => ({ type: 'resolved', at: when, status: 'resolved' });
const status = (when: string, name: string): EventSpec => ({ type: 'status_changed', at: when, status: name });

function signoffOf(sla: IssueSla): SignoffStatus {
  if (!sla.covered || !sla.signoff) throw new Error('no sign-off');
  return sla.signoff;
}
const run = (now: string, ...later: EventSpec[]) => signoffOf(runClock({ source: 'mantis-demo', events: events(created, ...later) }, [contract], at(now)));

describe('customer sign-off', () => {
  const cases: [name: string, later: EventSpec[], expected: { state: string; resolvedAt?: string; confirmedAt?: string; by?: string; hours?: number; overdue?: boolean; reopened: number }][] = [
    ['not resolved yet', [], { state: 'not_resolved', reopened: 0 }],
    ['resolved, waiting: elapsed up to now', [resolved('2026-11-30T15:00')], { state: 'awaiting', resolvedAt: '2026-11-30T15:00', hours: 5, overdue: false, reopened: 0 }],
    ['closed by the status the contract names', [resolved('2026-11-30T15:00'), status('2026-12-01T10:00', 'Closed')], { state: 'confirmed', resolvedAt: '2026-11-30T15:00', confirmedAt: '2026-12-01T10:00', by: 'status:closed', hours: 3, overdue: false, reopened: 0 }],
    [
      'confirmed by the label, over a weekend: business time only',
      [resolved('2026-12-04T16:00'), { type: 'labels_changed', at: '2026-12-07T10:00', labels: ['accepted'] }],
      { state: 'confirmed', resolvedAt: '2026-12-04T16:00', confirmedAt: '2026-12-07T10:00', by: 'label:accepted', hours: 2, overdue: false, reopened: 0 },
    ],
    [
      "confirmed by the reporter's note with the keyword",
      [resolved('2026-11-30T15:00'), { type: 'commented', at: '2026-11-30T16:00', by: 'customer', author: { names: ['JDeVries'] }, keywords: ['akkoord'] }],
      { state: 'confirmed', resolvedAt: '2026-11-30T15:00', confirmedAt: '2026-11-30T16:00', by: 'reporter_note:akkoord', hours: 1, overdue: false, reopened: 0 },
    ],
    [
      'a note with the keyword by someone else confirms nothing',
      [resolved('2026-11-30T15:00'), { type: 'commented', at: '2026-11-30T16:00', by: 'customer', author: { names: ['pietje'] }, keywords: ['akkoord'] }],
      { state: 'awaiting', resolvedAt: '2026-11-30T15:00', hours: 5, overdue: false, reopened: 0 },
    ],
    [
      "the reporter's note without the keyword confirms nothing",
      [resolved('2026-11-30T15:00'), { type: 'commented', at: '2026-11-30T16:00', by: 'customer', author: { names: ['jdevries'] } }],
      { state: 'awaiting', resolvedAt: '2026-11-30T15:00', hours: 5, overdue: false, reopened: 0 },
    ],
    ['a confirmation before the resolution counts for nothing', [{ type: 'labels_changed', at: '2026-11-30T10:00', labels: ['accepted'] }, resolved('2026-11-30T15:00')], { state: 'awaiting', resolvedAt: '2026-11-30T15:00', hours: 5, overdue: false, reopened: 0 }],
    [
      'confirmed after the target: overdue',
      [resolved('2026-11-30T15:00'), status('2026-12-03T10:00', 'closed')],
      { state: 'confirmed', resolvedAt: '2026-11-30T15:00', confirmedAt: '2026-12-03T10:00', by: 'status:closed', hours: 2 + 8 + 8 + 1, overdue: true, reopened: 0 },
    ],
    [
      'reopened after the resolution: nothing to confirm until it is resolved again',
      [resolved('2026-11-30T15:00'), { type: 'reopened', at: '2026-11-30T16:00', status: 'assigned' }],
      { state: 'not_resolved', reopened: 1 },
    ],
    [
      'reopened after the confirmation, resolved and confirmed again: the last resolution counts',
      [
        resolved('2026-11-30T10:00'),
        status('2026-11-30T11:00', 'closed'),
        { type: 'reopened', at: '2026-11-30T12:00', status: 'assigned' },
        resolved('2026-11-30T14:00'),
        { type: 'commented', at: '2026-11-30T14:30', by: 'customer', author: { names: [], email: 'J.DeVries@acme.example' }, keywords: ['akkoord'] },
      ],
      { state: 'confirmed', resolvedAt: '2026-11-30T14:00', confirmedAt: '2026-11-30T14:30', by: 'reporter_note:akkoord', hours: 0.5, overdue: false, reopened: 1 },
    ],
    [
      'resolved straight into the closing status (MantisBT closes a resolved issue in one step): confirmed at once',
      [{ type: 'resolved', at: '2026-11-30T15:00', status: 'closed' }],
      { state: 'confirmed', resolvedAt: '2026-11-30T15:00', confirmedAt: '2026-11-30T15:00', by: 'status:closed', hours: 0, overdue: false, reopened: 0 },
    ],
  ];
  for (const [name, later, expected] of cases) {
    it(name, () => {
      const signoff = run('2026-12-01T12:00', ...later);
      expect({
        state: signoff.state,
        ...(signoff.resolvedAt !== undefined ? { resolvedAt: local(signoff.resolvedAt) } : {}),
        ...(signoff.confirmedAt !== undefined ? { confirmedAt: local(signoff.confirmedAt), by: signoff.confirmedBy } : {}),
        ...(signoff.elapsedMs !== undefined ? { hours: signoff.elapsedMs / HOUR_MS, overdue: signoff.overdue } : {}),
        reopened: signoff.reopened,
      }).to.deep.equal(expected);
    });
  }

  it('is absent for a contract that does not measure it', () => {
    const plain = load('');
    const sla = runClock({ source: 'mantis-demo', events: events(created, resolved('2026-11-30T15:00')) }, [plain], at('2026-12-01T12:00'));
    expect(sla.covered && 'signoff' in sla).to.equal(false);
    expect(buildReport(plain, '2026-11', [{ source: 'mantis-demo', issue: { id: '1', key: '1' }, sla }])).to.not.have.property('signoff');
  });

  describe('notes on the webhook path', () => {
    const source = { agents: { users: new Set<string>(), domains: [] } } as unknown as Source;
    const comment = events({ type: 'commented', at: '2026-11-30T16:00', by: 'customer' });
    const cases: [name: string, text: string | undefined, keywords: string[] | undefined][] = [
      ['the keyword in another case', 'Prima, AKKOORD!', ['akkoord']],
      ['no keyword', 'werkt nog steeds niet', undefined],
      ['no text', undefined, undefined],
    ];
    for (const [name, text, expected] of cases) {
      it(`finds ${name}`, () => {
        const [marked] = markContactFacts(source, comment, { comment: { author: { names: ['jdevries'] }, text } }, signoffKeywords([contract]));
        expect(marked).to.deep.include({ author: { names: ['jdevries'] } });
        expect(marked!.type === 'commented' && marked!.keywords).to.deep.equal(expected);
      });
    }
    it('lists every contract\u2019s keywords once, lower-cased', () => {
      expect(signoffKeywords([contract, contract, load('signoff: { confirmed_by: ["reporter_note:Opgelost", "status:closed"] }\n')])).to.deep.equal(['akkoord', 'opgelost']);
    });
  });

  it('keeps a confirming note through retention\u2019s compaction, so the sign-off stays what it was', () => {
    const log = events(
      created,
      resolved('2026-11-30T15:00'),
      { type: 'commented', at: '2026-11-30T15:30', by: 'customer', author: { names: ['jdevries'] } },
      { type: 'commented', at: '2026-11-30T16:00', by: 'customer', author: { names: ['jdevries'] }, keywords: ['akkoord'] },
    );
    const compacted = compactHistory(log);
    expect(compacted.filter((event) => event.type === 'commented').map((event) => event.at)).to.deep.equal([at('2026-11-30T16:00')]);
    const whole = signoffOf(runClock({ source: 'mantis-demo', events: log }, [contract], at('2027-03-01T12:00')));
    expect(signoffOf(runClock({ source: 'mantis-demo', events: compacted }, [contract], at('2027-03-01T12:00')))).to.deep.equal(whole);
    expect(whole.state).to.equal('confirmed');
  });

  describe('the config', () => {
    it('refuses a confirmation it cannot read, naming the file and path', () => {
      try {
        load('signoff:\n  confirmed_by: ["closed"]\n');
        expect.fail('expected the config to be refused');
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).message).to.match(/\/contracts\/acme\.yaml: signoff\.confirmed_by\[0\]: "closed" is not a sign-off \(use status:<name>, label:<name> or reporter_note:<keyword>\)/);
      }
    });
  });

  describe('the monthly report', () => {
    const issue = (key: string, ...later: EventSpec[]) => ({ source: 'mantis-demo', issue: { id: key, key }, sla: runClock({ source: 'mantis-demo', events: events(created, ...later) }, [contract], at('2026-12-10T12:00')) });
    const report = buildReport(contract, '2026-11', [
      issue('1', resolved('2026-11-30T10:00'), status('2026-11-30T11:00', 'closed')),
      issue('2', resolved('2026-11-30T10:00'), status('2026-11-30T13:00', 'closed')),
      issue('3', resolved('2026-11-30T10:00'), status('2026-12-03T13:00', 'closed')),
      issue('4', resolved('2026-11-30T10:00'), { type: 'reopened', at: '2026-11-30T11:00' }, resolved('2026-11-30T12:00'), { type: 'reopened', at: '2026-11-30T13:00' }),
      issue('5', resolved('2026-11-30T10:00')),
      issue('6'),
    ]);

    it('counts confirmed, awaiting, overdue and reopened issues, with the median and 90th percentile', () => {
      expect(report.signoff).to.deep.equal({
        confirmed: 3,
        awaiting: 1,
        // #3 after 3 days and 3 hours, #5 still waiting on 10 December.
        overdue: 2,
        target: '2d',
        reopenedIssues: 1,
        reopenings: 2,
        medianMs: 3 * HOUR_MS,
        p90Ms: (8 + 8 + 8 + 3) * HOUR_MS,
      });
    });

    it('writes the section into CSV and HTML', () => {
      expect(reportCsv(report)).to.include('signoff_confirmed,signoff_awaiting,signoff_overdue,signoff_target,reopened_issues,reopenings,signoff_median_business_minutes,signoff_p90_business_minutes\n3,1,2,2d,1,2,180,1620\n');
      expect(reportHtml(report)).to.include('<h2>Customer sign-off</h2>').and.include('<td>3</td><td>1</td><td>2</td><td>3h</td>');
    });
  });
});
