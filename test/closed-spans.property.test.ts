/**
 * The closed stretches of a calendar (src/domain/closed-spans.ts) against the calendar itself:
 * over any window they are ordered, disjoint, inside it, count no business time, and together
 * with the working time they cover the window exactly, so nothing closed is left out and nothing
 * open is called closed; and no two of them touch (they would be one stretch).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { closedSpans } from '../src/domain/closed-spans.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { projectRoot } from '../src/project-root.js';
import { shippedConfig } from './support/shipped-config.js';

const fixture = loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {});
const calendars = [shippedConfig().calendars.get('nl-office')!, fixture.calendars.get('office')!];
const START = parseLocalIso('2026-01-01T00:00', 'Europe/Amsterdam')!;
const YEAR_MS = 366 * 86_400_000;

describe('closed stretches of a calendar', () => {
  it('cover exactly the time the calendar does not count, one stretch per gap between working intervals', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), fc.integer({ min: 0, max: YEAR_MS }), fc.integer({ min: 1, max: 21 * 86_400_000 }), (calendar, offset, length) => {
        const from = START + offset;
        const to = from + length;
        const spans = closedSpans(calendar, from, to, 1_000);
        let closed = 0;
        let previous = from - 1;
        for (const span of spans) {
          expect(span.from).to.be.greaterThan(previous);
          expect(span.to).to.be.greaterThan(span.from);
          expect(span.to).to.be.at.most(to);
          expect(calendar.between(span.from, span.to)).to.equal(0);
          expect(span.reasons.length).to.be.greaterThan(0);
          closed += span.to - span.from;
          previous = span.to;
        }
        for (let index = 1; index < spans.length; index += 1) expect(calendar.between(spans[index - 1]!.to, spans[index]!.from)).to.be.greaterThan(0);
        expect(closed + calendar.between(from, to)).to.equal(to - from);
      }),
      { numRuns: 150 },
    );
  });

  const named: [string, string, string, string[]][] = [
    ['a weekend', '2026-11-27T17:00', '2026-11-30T09:00', ['outside office hours', 'weekend']],
    ['Easter Monday after the weekend', '2026-04-03T17:00', '2026-04-07T09:00', ['outside office hours', 'weekend', 'Easter Sunday', 'Easter Monday']],
    ['Liberation Day, added by name', '2026-05-04T17:00', '2026-05-06T09:00', ['outside office hours', 'Liberation Day']],
    ["New Year's Day and the weekend after it", '2026-12-31T17:00', '2027-01-04T09:00', ['outside office hours', "New Year's Day", 'weekend']],
    ['one night', '2026-11-30T17:00', '2026-12-01T09:00', ['outside office hours']],
  ];
  for (const [what, from, to, reasons] of named) {
    it(`names ${what}`, () => {
      const calendar = calendars[0]!;
      const spans = closedSpans(calendar, parseLocalIso(from, 'Europe/Amsterdam')! - 3_600_000, parseLocalIso(to, 'Europe/Amsterdam')! + 3_600_000);
      const gap = spans.find((span) => span.from === parseLocalIso(from, 'Europe/Amsterdam'));
      expect(gap, JSON.stringify(spans)).to.not.equal(undefined);
      expect(gap!.to).to.equal(parseLocalIso(to, 'Europe/Amsterdam'));
      expect(gap!.reasons).to.deep.equal(reasons);
    });
  }
});
