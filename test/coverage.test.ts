/**
 * Which contract covers an issue (src/domain/coverage.ts): its validity dates, read as calendar
 * days in the contract's own zone, and its project, component and label compared with case not
 * mattering and accents mattering, against the plain reference comparison.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { Contract } from '../src/domain/contract.js';
import { findContract, type IssueScope } from '../src/domain/coverage.js';
import { projectRoot } from '../src/project-root.js';

const fixture = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});
const template = [...fixture.contracts.values()].find((contract) => contract.calendar.zone === 'Europe/Amsterdam');
if (!template) throw new Error('test/fixtures/clock-config holds no Europe/Amsterdam contract');

const contractWith = (changes: Partial<Contract>): Contract => ({ ...template, id: 'c', validFrom: undefined, validUntil: undefined, covers: [{ source: 'jira-demo', project: 'ACME' }], ...changes });
const acme: IssueScope = { source: 'jira-demo', project: 'ACME', labels: [] };

describe('contract coverage', () => {
  describe('validity: calendar days in the contract\'s zone, both ends inclusive', () => {
    // 23:30 UTC on 31 December is 00:30 on 1 January in Amsterdam (+01:00).
    const newYearsNight = Date.parse('2026-12-31T23:30:00Z');
    const rows: { name: string; validFrom?: string; validUntil?: string; at: number; reason?: string }[] = [
      { name: 'no dates: always valid', at: newYearsNight },
      { name: 'from the day it starts, by the zone\'s date', validFrom: '2027-01-01', at: newYearsNight },
      { name: 'not the day before', validFrom: '2027-01-02', at: newYearsNight, reason: 'contract c is valid from 2027-01-02' },
      { name: 'until its last day', validUntil: '2027-01-01', at: newYearsNight },
      { name: 'not the day after it ended, though UTC is still on that day', validUntil: '2026-12-31', at: newYearsNight, reason: 'contract c ended on 2026-12-31' },
      { name: 'both dates, inside', validFrom: '2026-01-01', validUntil: '2027-12-31', at: newYearsNight },
      { name: 'both dates, after', validFrom: '2026-01-01', validUntil: '2026-06-30', at: newYearsNight, reason: 'contract c ended on 2026-06-30' },
    ];
    for (const row of rows) {
      it(row.name, () => {
        const result = findContract([contractWith({ validFrom: row.validFrom, validUntil: row.validUntil })], acme, row.at);
        if (row.reason === undefined) expect(result).to.include({ covered: true });
        else expect(result).to.deep.equal({ covered: false, reason: `no contract valid on the creation date covers jira-demo project "ACME": ${row.reason}` });
      });
    }
  });

  describe('names: case does not matter, accents do', () => {
    // The reference: the comparison the lookup made before, a collator built afresh each time.
    const reference = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
    // Pairs of names that are often the same letters in other spellings (case; an accent
    // precomposed or combining, the same letter to the collator), and sometimes unrelated.
    const spellings = [['a', 'A'], ['e', 'E'], ['\u00e9', 'e\u0301', '\u00c9', 'E\u0301'], ['\u0131'], ['i', 'I'], ['-'], ['\u00df'], ['ss', 'SS', 'Ss']];
    const letter = fc.constantFrom(...spellings).chain((forms) => fc.tuple(fc.constantFrom(...forms), fc.constantFrom(...forms)));
    const unrelated = fc.string({ unit: fc.constantFrom(...spellings.flat()), maxLength: 3 });
    const names = fc.oneof(
      fc.array(letter, { maxLength: 4 }).map((letters) => [letters.map(([one]) => one).join(''), letters.map(([, other]) => other).join('')] as const),
      fc.tuple(unrelated, unrelated),
    );

    it('has the reference tell these apart, so the property below can fail', () => {
      expect([reference('acme', 'ACME'), reference('Caf\u00e9', 'CAF\u00c9'), reference('Caf\u00e9', 'Cafe'), reference('Caf\u00e9', 'Cafe\u0301')]).to.deep.equal([true, true, false, true]);
    });

    it('covers an issue exactly when its project, component and label compare equal to the coverage\'s (fast-check)', () => {
      fc.assert(
        fc.property(names, names, names, ([coveredProject, project], [coveredComponent, component], [coveredLabel, label]) => {
          const contract = contractWith({ covers: [{ source: 'jira-demo', project: coveredProject, component: coveredComponent, label: coveredLabel }] });
          const result = findContract([contract], { source: 'jira-demo', project, component, labels: ['other', label] }, Date.parse('2026-11-30T09:00:00Z'));
          const expected = reference(coveredProject, project) && reference(coveredComponent, component) && (reference(coveredLabel, label) || reference(coveredLabel, 'other'));
          expect(result.covered, JSON.stringify({ coveredProject, project, coveredComponent, component, coveredLabel, label })).to.equal(expected);
        }),
        { numRuns: 2_000 },
      );
    });
  });
});
