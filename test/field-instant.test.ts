/**
 * Instants from custom fields' text as trackers write dates (field-instant.ts): table cases for each
 * tracker's form, and properties against luxon's own rendering of random instants.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { fieldInstant } from '../src/domain/field-instant.js';

const ZONE = 'Europe/Amsterdam';
const iso = (text: string) => DateTime.fromISO(text, { setZone: true }).toMillis();

describe('instants from custom field text', () => {
  const rows: { why: string; text: string | null; at: number | undefined }[] = [
    { why: 'a MantisBT date field: epoch seconds', text: '1794470400', at: 1_794_470_400_000 },
    { why: 'a MantisBT date field left unset', text: '0', at: undefined },
    { why: 'an empty field', text: '', at: undefined },
    { why: 'no value', text: null, at: undefined },
    { why: 'Jira date-time with a colonless offset', text: '2026-11-10T08:30:00.000+0100', at: iso('2026-11-10T08:30:00+01:00') },
    { why: 'ISO 8601 with a colon offset', text: '2026-11-10T08:30:00+01:00', at: iso('2026-11-10T08:30:00+01:00') },
    { why: 'UTC', text: '2026-11-10T07:30:00Z', at: iso('2026-11-10T08:30:00+01:00') },
    { why: "a Jira date picker: the day's midnight in the contract zone", text: '2026-07-01', at: iso('2026-07-01T00:00:00+02:00') },
    { why: "Jira's changelog display of a date-time, read in the contract zone", text: '2026-11-10 08:30:00.0', at: iso('2026-11-10T08:30:00+01:00') },
    { why: 'a display date is no instant', text: '10/Nov/26 8:30 AM', at: undefined },
    { why: 'a select option is no instant', text: 'Approved', at: undefined },
    { why: 'an impossible date', text: '2026-02-30', at: undefined },
  ];
  for (const row of rows) {
    it(`${row.why}: ${JSON.stringify(row.text)}`, () => {
      expect(fieldInstant(row.text, ZONE)).to.equal(row.at);
    });
  }

  const instants = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => Math.floor(ms / 1000) * 1000);
  it('reads back any instant Jira writes, in any offset', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom('Europe/Amsterdam', 'America/Sao_Paulo', 'Asia/Kolkata', 'UTC'), (at, zone) => {
        const text = DateTime.fromMillis(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");
        expect(fieldInstant(text, ZONE)).to.equal(at);
      }),
    );
  });
  it('reads back any instant MantisBT stores as epoch seconds', () => {
    fc.assert(
      fc.property(instants, (at) => {
        expect(fieldInstant(String(at / 1000), ZONE)).to.equal(at);
      }),
    );
  });
});
