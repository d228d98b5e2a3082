/**
 * Authorized contacts: which reporters are listed, what starts the clock of an issue from an
 * unlisted contact, which delivery events accept an issue, and the config's maximum. Times are
 * Europe/Amsterdam; 2026-11-30 is a Monday, the office opens 09:00-17:00.
 */
import { expect } from 'chai';
import { markContactFacts } from '../connectors/shared/acceptance-marks.js';
import { ConfigError } from '../src/config/config-error.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { missedEvents } from '../src/domain/missed-events.js';
import type { Source } from '../src/config/source.js';
import { checkContact, type AuthorizedContacts } from '../src/domain/contacts-rule.js';
import type { Contract } from '../src/domain/contract.js';
import { issueEventSchema, type IssueEvent, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { runClock, type IssueSla } from '../src/domain/sla-clock.js';
import { buildReport } from '../src/domain/sla-report.js';
import { OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';
import { shippedConfig } from './support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;
const local = (instant: number | null | undefined) => (instant == null ? instant : toLocalIso(instant, ZONE).slice(0, 16));

const contractText = (clock: 'as_usual' | 'on_acceptance', people = PEOPLE, max = 3) => `
customer: ACME
calendar: office
covers:
  - { source: gitea-demo, project: acme/app }
  - { source: jira-demo, project: AC }
metrics:
  reaction: { starts: created, met_by: [agent_comment] }
  resolution: { starts: reaction_met, met_by: [resolved] }
policies:
  reaction: 2h
  resolution: 8h
contacts:
  max: ${max}
  unlisted_clock: ${clock}
  people:
${people}`;

const PEOPLE = `    - { name: Anna, ids: { gitea-demo: [anna], jira-demo: [Anna@Acme.example] } }
    - { name: Bob, ids: { gitea-demo: [bob] } }
`;

function contractOf(clock: 'as_usual' | 'on_acceptance'): Contract {
  const config = loadBridgeConfig(writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': contractText(clock) }), {});
  return config.contracts.get('acme')!;
}
const asUsual = contractOf('as_usual');
const onAcceptance = contractOf('on_acceptance');

type EventSpec = IssueEventInput extends infer E ? (E extends unknown ? Omit<E, 'at'> & { at: string } : never) : never;
const events = (...specs: EventSpec[]) => specs.map((spec) => issueEventSchema.parse({ ...spec, at: at(spec.at) }));
const created = (reporter: string | undefined, extra: Partial<EventSpec> = {}): EventSpec =>
  ({ type: 'created', at: '2026-11-30T09:00', project: 'acme/app', priority: 'P2', status: 'open', ...(reporter ? { reporter: { names: [reporter] } } : {}), ...extra }) as EventSpec;

function covered(sla: IssueSla) {
  if (!sla.covered) throw new Error(`not covered: ${sla.reason}`);
  return sla;
}

describe('authorized contacts', () => {
  describe('whether the reporter is listed', () => {
    const contacts = asUsual.contacts as AuthorizedContacts;
    const cases: [name: string, source: string, reporter: Parameters<typeof checkContact>[2], listed: boolean | null, shown: string | null][] = [
      ['a listed login', 'gitea-demo', { names: ['anna'] }, true, 'anna'],
      ['a login in another case', 'gitea-demo', { names: ['BOB'] }, true, 'BOB'],
      ['a listed e-mail address, in another case', 'jira-demo', { names: ['qm:1234'], email: 'anna@acme.example' }, true, 'anna@acme.example'],
      ['any of the names the tracker gives', 'jira-demo', { names: ['qm:1234', 'Anna@acme.example'] }, true, 'qm:1234'],
      ['an unlisted login', 'gitea-demo', { names: ['mallory'] }, false, 'mallory'],
      ['a login listed for another source only', 'jira-demo', { names: ['bob'] }, false, 'bob'],
      ['an e-mail address only', 'gitea-demo', { names: [], email: 'eve@elsewhere.example' }, false, 'eve@elsewhere.example'],
      ['no reporter named (a state from before reporters were read)', 'gitea-demo', undefined, null, null],
    ];
    for (const [name, source, reporter, listed, shown] of cases) {
      it(name, () => {
        const check = checkContact(contacts, source, reporter);
        expect(check.listed).to.equal(listed);
        expect(check.reporter).to.equal(shown);
        expect(check.waitsForAcceptance).to.equal(false);
      });
    }
  });

  describe('the clock of an issue from an unlisted contact', () => {
    it('runs as usual under unlisted_clock: as_usual, flagged', () => {
      const sla = covered(runClock({ source: 'gitea-demo', events: events(created('mallory')) }, [asUsual], at('2026-11-30T10:00')));
      expect(sla.contact).to.deep.equal({ reporter: 'mallory', listed: false, waitsForAcceptance: false });
      const reaction = sla.metrics.find((status) => status.metric === 'reaction')!;
      expect(reaction.state).to.equal('running');
      expect(local(reaction.deadline)).to.equal('2026-11-30T11:00');
    });

    it('has no contact check on a contract that lists no contacts', () => {
      const plain = shippedConfig().contracts.get('2value-basic')!;
      expect(plain.contacts).to.equal(undefined);
      const source = plain.covers[0]!;
      const sla = covered(runClock({ source: source.source, events: events(created('mallory', { project: source.project })) }, [plain], at('2026-11-30T10:00')));
      expect(sla).to.not.have.property('contact');
    });

    // Under on_acceptance: what starts the clock (reaction, and resolution after it), by the events after creation.
    const acceptance: [name: string, reporter: string | undefined, later: EventSpec[], startsAt: string | null][] = [
      ['a listed contact: the clock starts at creation', 'anna', [], '2026-11-30T09:00'],
      ['an unknown reporter: the clock starts at creation', undefined, [], '2026-11-30T09:00'],
      ['unlisted, nothing happens: not started', 'mallory', [], null],
      ['unlisted, assigned to an agent', 'mallory', [{ type: 'assigned', at: '2026-11-30T11:00', assignee: 'sanne', toAgent: true }], '2026-11-30T11:00'],
      ['unlisted, assigned to someone who is no agent', 'mallory', [{ type: 'assigned', at: '2026-11-30T11:00', assignee: 'mallory' }], null],
      ['unlisted, status changed by an agent', 'mallory', [{ type: 'status_changed', at: '2026-11-30T12:00', status: 'in progress', byAgent: true }], '2026-11-30T12:00'],
      ['unlisted, status changed by the customer', 'mallory', [{ type: 'status_changed', at: '2026-11-30T12:00', status: 'in progress' }], null],
      [
        'unlisted, an agent restating the status it has: no acceptance; the next real change is',
        'mallory',
        [
          { type: 'status_changed', at: '2026-11-30T11:00', status: 'open', byAgent: true },
          { type: 'status_changed', at: '2026-11-30T13:00', status: 'in progress', byAgent: true },
        ],
        '2026-11-30T13:00',
      ],
      [
        'unlisted, assigned to an agent at creation',
        'mallory',
        [],
        '2026-11-30T09:00',
      ],
      [
        'unlisted, the first acceptance counts, not a later one',
        'mallory',
        [
          { type: 'assigned', at: '2026-11-30T10:00', assignee: 'sanne', toAgent: true },
          { type: 'status_changed', at: '2026-11-30T14:00', status: 'in progress', byAgent: true },
        ],
        '2026-11-30T10:00',
      ],
    ];
    for (const [name, reporter, later, startsAt] of acceptance) {
      it(name, () => {
        const first = name.includes('at creation') && reporter === 'mallory' ? created(reporter, { assignee: 'sanne', toAgent: true } as Partial<EventSpec>) : created(reporter);
        const sla = covered(runClock({ source: 'gitea-demo', events: events(first, ...later) }, [onAcceptance], at('2026-11-30T16:00')));
        const reaction = sla.metrics.find((status) => status.metric === 'reaction')!;
        if (startsAt === null) {
          expect(reaction).to.include({ state: 'not_started', reason: 'starts when an agent accepts the issue (reported by an unlisted contact)' });
          expect(sla.metrics.find((status) => status.metric === 'resolution')!.state).to.equal('not_started');
          expect(sla.contact?.waitsForAcceptance).to.equal(true);
        } else {
          expect(local(reaction.startedAt)).to.equal(startsAt);
          // 2h of office time from the start.
          expect(local(reaction.deadline)).to.equal(local(at(startsAt) + 2 * 3_600_000));
        }
      });
    }

    it('meets the reaction of an accepted issue as usual, and starts the resolution from there', () => {
      const sla = covered(
        runClock(
          {
            source: 'gitea-demo',
            events: events(created('mallory'), { type: 'assigned', at: '2026-11-30T11:00', assignee: 'sanne', toAgent: true }, { type: 'commented', at: '2026-11-30T11:30', by: 'agent' }),
          },
          [onAcceptance],
          at('2026-11-30T16:00'),
        ),
      );
      const [reaction, resolution] = sla.metrics;
      expect(reaction).to.include({ state: 'met' });
      expect(local(reaction!.metAt)).to.equal('2026-11-30T11:30');
      expect(local(resolution!.startedAt)).to.equal('2026-11-30T11:30');
    });
  });

  describe('which delivery events accept an issue', () => {
    const source = { agents: { users: new Set(['sanne', 'ruud@provider.example']), domains: ['provider.example'] } } as unknown as Source;
    const base: IssueEvent[] = events(
      created(undefined, { assignee: 'sanne' }),
      { type: 'assigned', at: '2026-11-30T10:00', assignee: 'mallory' },
      { type: 'assigned', at: '2026-11-30T10:00', assignee: 'sanne' },
      { type: 'assigned', at: '2026-11-30T10:00', assignee: null },
      { type: 'status_changed', at: '2026-11-30T10:00', status: 'in progress' },
      { type: 'commented', at: '2026-11-30T10:00', by: 'agent' },
    );
    const marks = (list: IssueEvent[]) =>
      list.map((event) => [
        event.type,
        event.type === 'created' || event.type === 'assigned' ? (event.toAgent ?? false) : '-',
        event.type === 'status_changed' ? (event.byAgent ?? false) : '-',
      ]);
    const cases: [name: string, people: Parameters<typeof markContactFacts>[2], expected: unknown[][]][] = [
      [
        'no actor: only assignments to a named agent',
        {},
        [['created', true, '-'], ['assigned', false, '-'], ['assigned', true, '-'], ['assigned', false, '-'], ['status_changed', '-', false], ['commented', '-', '-']],
      ],
      [
        'a customer as actor: the same',
        { actor: { names: ['mallory'], email: 'mallory@customer.example' } },
        [['created', true, '-'], ['assigned', false, '-'], ['assigned', true, '-'], ['assigned', false, '-'], ['status_changed', '-', false], ['commented', '-', '-']],
      ],
      [
        'an agent (by e-mail domain) as actor: every assignment to someone and the status change',
        { actor: { names: ['piet'], email: 'piet@provider.example' } },
        [['created', true, '-'], ['assigned', true, '-'], ['assigned', true, '-'], ['assigned', false, '-'], ['status_changed', '-', true], ['commented', '-', '-']],
      ],
    ];
    for (const [name, people, expected] of cases) {
      it(name, () => expect(marks(markContactFacts(source, base, people))).to.deep.equal(expected));
    }

    it('puts the reporter on created events, without the trackers\u2019 placeholder addresses', () => {
      const reporters = [
        [{ names: ['anna'], email: 'anna@noreply.gitea.example.com' }, { names: ['anna'] }],
        [{ names: ['anna'], email: '[REDACTED]' }, { names: ['anna'] }],
        [{ names: ['qm:77', undefined], email: 'anna@acme.example' }, { names: ['qm:77'], email: 'anna@acme.example' }],
        [{ names: [] }, undefined],
      ] as const;
      for (const [reporter, expected] of reporters) {
        const [first] = markContactFacts(source, base.slice(0, 1), { reporter });
        expect(first!.type === 'created' && first!.reporter).to.deep.equal(expected ?? undefined);
      }
    });

    it('leaves reconciliation taking the marked webhook events for the facts its API tells, which carry no marks', () => {
      const told = events(
        { type: 'assigned', at: '2026-11-30T10:00', assignee: 'sanne' },
        { type: 'status_changed', at: '2026-11-30T10:00', status: 'in progress' },
        { type: 'commented', at: '2026-11-30T10:00', by: 'customer' },
      );
      const known = markContactFacts(source, told, { actor: { names: ['sanne'] }, comment: { author: { names: ['mallory'] }, text: 'akkoord' } }, ['akkoord']);
      expect(known.map((event) => Object.keys(event).filter((key) => ['toAgent', 'byAgent', 'author', 'keywords'].includes(key)))).to.deep.equal([['toAgent'], ['byAgent'], ['author', 'keywords']]);
      expect(missedEvents(known, told)).to.deep.equal([]);
      // A different fact is still missed.
      expect(missedEvents(known, events({ type: 'assigned', at: '2026-11-30T10:00', assignee: 'ruud' }))).to.have.length(1);
    });

    it('does not take a later delivery\u2019s agent for the creator of a synthetic creation', () => {
      const synthetic = events(created(undefined, { assignee: 'mallory', synthetic: true }), created(undefined, { assignee: 'mallory' }));
      const marked = markContactFacts(source, synthetic, { actor: { names: ['sanne'] } });
      expect(marked.map((event) => event.type === 'created' && (event.toAgent ?? false))).to.deep.equal([false, true]);
    });
  });

  describe('the config', () => {
    function problems(text: string): string[] {
      try {
        loadBridgeConfig(writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': text }), {});
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as ConfigError).message.split('\n');
      }
      throw new Error('expected the config to be refused');
    }
    const four = `${PEOPLE}    - { name: Carl, ids: { gitea-demo: [carl] } }\n    - { name: Dora, ids: { gitea-demo: [dora] } }\n`;
    const refused: [name: string, text: string, expected: RegExp][] = [
      ['more people than the maximum', contractText('as_usual', four), /\/contracts\/acme\.yaml: contacts\.people: lists 4 authorized contacts, more than contacts\.max \(3\) \(line \d+\)$/],
      ['two people where the maximum is one', contractText('as_usual', PEOPLE, 1), /\/contracts\/acme\.yaml: contacts\.people: lists 2 authorized contacts, more than contacts\.max \(1\)/],
      ['a source the contract does not cover', contractText('as_usual', '    - { name: Anna, ids: { gitlab-demo: [anna] } }\n'), /\/contracts\/acme\.yaml: contacts\.people\[0\]\.ids\.gitlab-demo: source "gitlab-demo" is not among the contract's covers \(gitea-demo, jira-demo\)/],
      ['an unknown clock rule', contractText('as_usual').replace('unlisted_clock: as_usual', 'unlisted_clock: later'), /\/contracts\/acme\.yaml: contacts\.unlisted_clock: .*"as_usual".*"on_acceptance"/],
      ['a person without ids', contractText('as_usual', '    - { name: Anna, ids: {} }\n'), /\/contracts\/acme\.yaml: contacts\.people\[0\]\.ids: name at least one source/],
      ['a maximum of zero', contractText('as_usual', '', 0).replace('people:\n', 'people: []\n'), /\/contracts\/acme\.yaml: contacts\.max: /],
    ];
    for (const [name, text, expected] of refused) {
      it(`refuses ${name}, naming the file and path`, () => {
        expect(problems(text).some((line) => expected.test(line)), problems(text).join('\n')).to.equal(true);
      });
    }

    it('takes exactly the maximum', () => {
      const three = `${PEOPLE}    - { name: Carl, ids: { gitea-demo: [carl] } }\n`;
      const config = loadBridgeConfig(writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': contractText('on_acceptance', three) }), {});
      const contacts = config.contracts.get('acme')!.contacts!;
      expect(contacts.unlistedClock).to.equal('on_acceptance');
      expect([...contacts.bySource.get('gitea-demo')!].sort()).to.deep.equal(['anna', 'bob', 'carl']);
      expect([...contacts.bySource.get('jira-demo')!]).to.deep.equal(['anna@acme.example']);
    });

    it('ships Open2Bizz with at most three contacts and Mega Bite with one key employee', () => {
      const contracts = shippedConfig().contracts;
      const open2bizz = contracts.get('open2bizz-saas')!.contacts!;
      const megabite = contracts.get('megabite-standard')!.contacts!;
      expect(open2bizz.max).to.equal(3);
      expect(open2bizz.bySource.get('gitea-demo')!.size).to.equal(3);
      expect(megabite.max).to.equal(1);
      expect(megabite.bySource.get('jira-demo')!.size).to.equal(1);
      // The clock runs as usual for both: the seeds say nothing of refusing other reporters.
      expect([open2bizz.unlistedClock, megabite.unlistedClock]).to.deep.equal(['as_usual', 'as_usual']);
    });
  });

  describe('the monthly report', () => {
    it('counts the issues reported by an unlisted contact, and those whose reporter is unknown', () => {
      const issue = (key: string, reporter: string | undefined, when = '2026-11-30T09:00') => ({
        source: 'gitea-demo',
        issue: { id: key, key, title: `issue ${key}` },
        sla: runClock({ source: 'gitea-demo', events: events(created(reporter, { at: when })) }, [asUsual], at('2026-12-15T12:00')),
      });
      const report = buildReport(asUsual, '2026-11', [issue('1', 'anna'), issue('2', 'mallory'), issue('3', 'eve'), issue('4', undefined), issue('5', 'trudy', '2026-12-01T09:00')]);
      expect(report.contacts).to.deep.equal({
        max: 3,
        unlisted: 2,
        unknownReporter: 1,
        unlistedIssues: [
          { source: 'gitea-demo', key: '2', title: 'issue 2', url: undefined, reporter: 'mallory' },
          { source: 'gitea-demo', key: '3', title: 'issue 3', url: undefined, reporter: 'eve' },
        ],
      });
    });
  });
});
