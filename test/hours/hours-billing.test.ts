/**
 * The billing rule per call, worked out by hand: 2Value's "per call: min 1 kwartier max. 2,5 uur",
 * rounded up to the step.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { billedSeconds, TWOVALUE_RULE } from '../../src/domain/hours-billing.js';
import { slowBilled } from '../reference/slow-hours-ledger.js';

const MIN = 60;

describe('hours billing rule per call', () => {
  const quarter = TWOVALUE_RULE;
  const perMinute = { minSeconds: 15 * MIN, maxSeconds: 150 * MIN, stepSeconds: MIN };
  const cases: [name: string, rule: typeof quarter, rawMinutes: number, billedMinutes: number][] = [
    ['nothing booked is nothing charged', quarter, 0, 0],
    ['1 minute is the minimum quarter', quarter, 1, 15],
    ['14 minutes is the minimum quarter', quarter, 14, 15],
    ['15 minutes is one quarter', quarter, 15, 15],
    ['16 minutes rounds up to two quarters', quarter, 16, 30],
    ['14 minutes at a 1-minute step is still the minimum', perMinute, 14, 15],
    ['16 minutes at a 1-minute step is 16', perMinute, 16, 16],
    ['2h29 rounds up to 2.5 h', quarter, 149, 150],
    ['2.5 h is the cap exactly', quarter, 150, 150],
    ['2h31 is capped at 2.5 h', quarter, 151, 150],
    ['8 h on one call is capped at 2.5 h', quarter, 480, 150],
  ];
  for (const [name, rule, raw, billed] of cases) {
    it(`${name}: ${raw} min -> ${billed} min`, () => {
      expect(billedSeconds(rule, raw * MIN)).to.equal(billed * MIN);
    });
  }

  it('a cap that is not a whole number of steps still caps (10 min step, 25 min cap)', () => {
    expect(billedSeconds({ minSeconds: 0, maxSeconds: 25 * MIN, stepSeconds: 10 * MIN }, 21 * MIN)).to.equal(25 * MIN);
  });

  it('agrees with counting step blocks one by one, for any rule and raw time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 4 * 3600 }),
        fc.integer({ min: 0, max: 6 * 3600 }),
        fc.integer({ min: 0, max: 12 * 3600 }),
        (step, min, extra, raw) => {
          const rule = { minSeconds: min, maxSeconds: min + extra, stepSeconds: step };
          expect(billedSeconds(rule, raw)).to.equal(slowBilled({ min, max: min + extra, step }, raw));
        },
      ),
    );
  });
});
