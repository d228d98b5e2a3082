import { expect } from 'chai';
import fc from 'fast-check';
import { durationToMs, formatDuration, formatMs, HOUR_MS, parseDuration } from '../src/domain/duration.js';

describe('contract durations', () => {
  const valid: [string, number][] = [
    ['30m', 0.5 * HOUR_MS],
    ['2h', 2 * HOUR_MS],
    ['2d', 16 * HOUR_MS],
    ['1w', 40 * HOUR_MS],
    ['2w', 80 * HOUR_MS],
    ['45s', 45_000],
    ['1d4h', 12 * HOUR_MS],
    ['1h 30m', 1.5 * HOUR_MS],
    ['1.5h', 1.5 * HOUR_MS],
    [' 2H ', 2 * HOUR_MS],
  ];
  for (const [text, ms] of valid) {
    it(`reads "${text}" as ${ms} ms on an 8h-day calendar`, () => {
      expect(durationToMs(parseDuration(text)!, 8 * HOUR_MS, 40 * HOUR_MS)).to.equal(ms);
    });
  }

  it('makes d and w whole days of 24h and weeks of 7 days on a 24x7 calendar', () => {
    expect(durationToMs(parseDuration('1w2d')!, 24 * HOUR_MS, 7 * 24 * HOUR_MS)).to.equal(9 * 24 * HOUR_MS);
  });

  for (const text of ['', '8 hourz', '2', 'h', '2x', '30m2h', '1h1h', '-2h', '2h-', 'PT2H']) {
    it(`rejects "${text}"`, () => expect(parseDuration(text)).to.equal(undefined));
  }

  it('round-trips every duration through its text', () => {
    const part = fc.nat({ max: 500 });
    fc.assert(
      fc.property(part, part, part, part, part, (weeks, days, hours, minutes, seconds) => {
        const duration = { weeks, days, hours, minutes, seconds };
        expect(parseDuration(formatDuration(duration))).to.deep.equal(duration);
      }),
      { numRuns: 500 },
    );
  });

  it('formats business milliseconds for people', () => {
    expect(formatMs(5_400_000)).to.equal('1h30m');
    expect(formatMs(-3_600_000)).to.equal('-1h');
    expect(formatMs(0)).to.equal('0s');
  });
});
