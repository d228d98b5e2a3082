/** The contract's `hours:` block: what it compiles to, what it refuses (naming file and path), and the shipped 2Value cards. */
import { expect } from 'chai';
import { ConfigError } from '../../src/config/config-error.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { workKindOf } from '../../src/domain/hours-card.js';
import { MINIMAL_CONTRACT, OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';
import { shippedConfig } from '../support/shipped-config.js';

const HOURS = `hours:
  billing: { min: 15m, max: 2h30m, step: 15m }
  work:
    default: included
    card: [{ category: Overdracht }, { label: per-strip }]
    included: [{ component: Documentatie }]
  purchases:
    - { hours: 10, date: 2026-01-05, reference: INV-2026-001 }
  corrections:
    - { hours: -0.5, date: 2026-02-01, reference: CR-1, reason: double booking }
  warnings: [0h, 5h]
  rate: { per_hour: 60, currency: EUR }
`;

function load(contract: string) {
  return loadBridgeConfig(writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': contract }), {});
}

function problems(contract: string): string {
  try {
    load(contract);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('hours card config', () => {
  it('compiles purchases, corrections, levels and the rule into seconds and local midnights', () => {
    const card = load(MINIMAL_CONTRACT + HOURS).contracts.get('acme')!.hours!;
    expect(card.billing).to.deep.equal({ minSeconds: 900, maxSeconds: 9000, stepSeconds: 900 });
    expect(card.call).to.equal('issue');
    expect(card.purchases).to.deep.equal([{ reference: 'INV-2026-001', seconds: 36000, date: '2026-01-05', at: Date.parse('2026-01-04T23:00:00Z') }]);
    expect(card.corrections[0]).to.include({ reference: 'CR-1', seconds: -1800, reason: 'double booking' });
    expect(card.warnings.map((level) => level.label)).to.deep.equal(['5h', '0h']);
    expect(card.rate).to.deep.equal({ perHour: 60, currency: 'EUR' });
  });

  it('a contract without hours has no card, and the defaults are 2Value’s rule', () => {
    expect(load(MINIMAL_CONTRACT).contracts.get('acme')!.hours).to.equal(undefined);
    const card = load(`${MINIMAL_CONTRACT}hours: {}\n`).contracts.get('acme')!.hours!;
    expect(card.billing).to.deep.equal({ minSeconds: 900, maxSeconds: 9000, stepSeconds: 900 });
    expect(card.work.default).to.equal('card');
  });

  it('sorts work by label and category, included winning', () => {
    const card = load(MINIMAL_CONTRACT + HOURS).contracts.get('acme')!.hours!;
    const cases: [labels: string[], component: string | undefined, kind: string][] = [
      [[], 'Overdracht', 'card'],
      [[], 'overdracht', 'card'],
      [['Per-Strip'], undefined, 'card'],
      [[], 'Support', 'included'],
      [['per-strip'], 'Documentatie', 'included'],
    ];
    for (const [labels, component, kind] of cases) expect(workKindOf(card, { labels, component }), `${labels} ${component}`).to.equal(kind);
  });

  const rejected: [name: string, hours: string, expected: RegExp][] = [
    ['a step that is no time', 'hours: { billing: { step: quarter } }', /contracts\/acme\.yaml: hours\.billing\.step: "quarter" is not a time in hours and minutes/],
    ['a max below the min', 'hours: { billing: { min: 1h, max: 30m } }', /contracts\/acme\.yaml: hours\.billing\.max: is below min \(1h\)/],
    ['days in a billing rule', 'hours: { billing: { max: 1d } }', /hours\.billing\.max: "1d" is not a time/],
    ['a purchase without hours', 'hours: { purchases: [{ date: 2026-01-01, reference: A }] }', /hours\.purchases\[0\]\.hours: /],
    ['a purchase of no hours', 'hours: { purchases: [{ hours: 0, date: 2026-01-01, reference: A }] }', /hours\.purchases\[0\]\.hours: a purchase is more than 0 hours/],
    ['a purchase on a date that does not exist', 'hours: { purchases: [{ hours: 1, date: 2026-02-30, reference: A }] }', /hours\.purchases\[0\]\.date: "2026-02-30" is not a date/],
    ['a reference used twice', 'hours: { purchases: [{ hours: 1, date: 2026-01-01, reference: A }], corrections: [{ hours: 1, date: 2026-01-02, reference: A }] }', /hours\.corrections\[0\]\.reference: reference "A" is already used at purchases\[0\]\.reference/],
    ['a work rule naming nothing', 'hours: { work: { card: [{}] } }', /hours\.work\.card\[0\]: name a label, a component or a category/],
    ['an unknown work kind', 'hours: { work: { default: strip } }', /hours\.work\.default: work\.default must be card or included/],
    ['a misspelt key', 'hours: { purchace: [] }', /hours\.purchace: is not a known setting/],
    ['a warning level that is no time', 'hours: { warnings: [five] }', /hours\.warnings\[0\]: "five" is not a time/],
    ['a call unit that does not exist', 'hours: { call: ticket }', /hours\.call: call must be issue/],
    ['an approval of an unknown kind', 'hours: { approval: { by: phone } }', /hours\.approval\.by: approval\.by must be status, label, field or reporter_note/],
    ['an approval by note without its word', 'hours: { approval: { by: reporter_note, keyword: "  " } }', /hours\.approval\.keyword: name the word the reporter writes to approve/],
  ];
  for (const [name, hours, expected] of rejected) {
    it(`refuses ${name}, naming file and path`, () => {
      expect(problems(`${MINIMAL_CONTRACT}${hours}\n`)).to.match(expected);
    });
  }

  describe('the shipped 2Value contracts (seeds 000 and 001)', () => {
    const cases: [contract: string, category: string, kind: string][] = [
      ['2value-basic', 'Overdracht', 'card'],
      ['2value-basic', 'Documentatie', 'card'],
      ['2value-basic', 'Back-up', 'card'],
      ['2value-basic', 'Support', 'included'],
      ['2value-medium', 'Overdracht', 'card'],
      ['2value-medium', 'Regulier onderhoud', 'card'],
      ['2value-medium', 'Documentatie', 'included'],
      ['2value-medium', 'Back-up', 'included'],
      ['2value-pro', 'Regulier onderhoud', 'included'],
      ['2value-pro', 'Content migratie', 'card'],
      ['2value-pro', 'Overleg op lokatie', 'card'],
      ['2value-pro', 'Overdracht', 'included'],
    ];
    for (const [id, category, kind] of cases) {
      it(`${id}: ${category} is ${kind}`, () => {
        const card = shippedConfig().contracts.get(id)!.hours!;
        expect(workKindOf(card, { labels: [], component: category })).to.equal(kind);
      });
    }
    for (const id of ['2value-basic', '2value-medium', '2value-pro']) {
      it(`${id}: per call at least 15 min, at most 2.5 h, by the quarter, warned at 5 h and 0 h, 60 EUR an hour`, () => {
        const card = shippedConfig().contracts.get(id)!.hours!;
        expect(card.billing).to.deep.equal({ minSeconds: 900, maxSeconds: 9000, stepSeconds: 900 });
        expect(card.call).to.equal('issue');
        expect(card.warnings.map((level) => level.seconds)).to.deep.equal([18000, 0]);
        expect(card.rate).to.deep.equal({ perHour: 60, currency: 'EUR' });
      });
    }
    it('the other seeds’ contracts have no card', () => {
      expect(shippedConfig().contracts.get('open2bizz-saas')!.hours).to.equal(undefined);
      expect(shippedConfig().contracts.get('megabite-standard')!.hours).to.equal(undefined);
    });
  });
});
