/**
 * parseJiraDateTime reads Jira's usual form without luxon (connectors/jira/jira-date-time.ts):
 * for any date-time text of that shape, valid or not (days past the month's end, hour 24, second
 * 60, odd offsets, early years), it answers what luxon's ISO parser, the slow reference, answers.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parseJiraDateTime } from '../../connectors/jira/jira-date-time.js';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

function reference(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

const jiraText = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1960, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    ms: fc.integer({ min: 0, max: 999 }),
    zone: fc.oneof(
      fc.constant('Z'),
      fc.record({ sign: fc.constantFrom('+', '-'), hours: fc.integer({ min: 0, max: 24 }), minutes: fc.integer({ min: 0, max: 60 }), colon: fc.boolean() }),
    ),
  })
  .map(({ year, month, day, hour, minute, second, ms, zone }) => {
    const offset = typeof zone === 'string' ? zone : `${zone.sign}${pad(zone.hours, 2)}${zone.colon ? ':' : ''}${pad(zone.minutes, 2)}`;
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}${offset}`;
  });

describe('Jira date-times without luxon', () => {
  it('answers as luxon does for any text of Jira’s form, valid or not', () => {
    fc.assert(
      fc.property(jiraText, (text) => {
        expect(parseJiraDateTime(text), text).to.equal(reference(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads the recorded form', () => {
    expect(parseJiraDateTime('2026-11-30T09:00:00.000+0100')).to.equal(Date.UTC(2026, 10, 30, 8));
    expect(parseJiraDateTime('2024-02-29T23:59:59.999-0530')).to.equal(Date.UTC(2024, 2, 1, 5, 29, 59, 999));
  });
});
