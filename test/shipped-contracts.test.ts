/**
 * The shipped contracts against the seed documents: every deadline below was worked out by hand
 * from the contract texts and a 2026-2027 calendar, not produced by the engine.
 */
import { expect } from 'chai';
import { resolveTarget } from '../src/domain/contract.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import type { Metric } from '../src/domain/metric.js';
import type { Priority } from '../src/domain/priority.js';
import { shippedConfig } from './support/shipped-config.js';

type Case = readonly [contract: string, metric: Metric, priority: Priority, from: string, expected: string | null, why: string];

const cases: Case[] = [
  // open2bizz-saas: Mon-Fri 09:00-17:00 Amsterdam, Dutch holidays; 2026-11-30 is a Monday.
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-30T14:30:00+01:00', '2026-11-30T16:30:00.000+01:00', 'within one working day'],
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-30T15:00:00+01:00', '2026-11-30T17:00:00.000+01:00', 'runs out exactly at closing time'],
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-30T16:30:00+01:00', '2026-12-01T10:30:00.000+01:00', 'continues next morning'],
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-30T07:00:00+01:00', '2026-11-30T11:00:00.000+01:00', 'before opening counts from 09:00'],
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-30T17:00:00+01:00', '2026-12-01T11:00:00.000+01:00', 'reported at closing time'],
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-28T12:00:00+01:00', '2026-11-30T11:00:00.000+01:00', 'Saturday: next working day'],
  ['open2bizz-saas', 'reaction', 'P1', '2026-11-29T23:59:00+01:00', '2026-11-30T11:00:00.000+01:00', 'Sunday night'],
  ['open2bizz-saas', 'reaction', 'P2', '2026-11-30T09:00:00+01:00', '2026-11-30T17:00:00.000+01:00', '8h is one full working day'],
  ['open2bizz-saas', 'reaction', 'P2', '2026-11-27T13:00:00+01:00', '2026-11-30T13:00:00.000+01:00', 'over a weekend'],
  ['open2bizz-saas', 'reaction', 'P3', '2026-11-30T09:00:00+01:00', '2026-12-04T17:00:00.000+01:00', '1w is five working days'],
  ['open2bizz-saas', 'reaction', 'P3', '2026-11-30T10:00:00+01:00', '2026-12-07T10:00:00.000+01:00', '1w over a weekend'],
  ['open2bizz-saas', 'reaction', 'P4', '2026-12-14T09:00:00+01:00', '2026-12-28T17:00:00.000+01:00', '2w over Christmas'],
  ['open2bizz-saas', 'reaction', 'P2', '2026-12-24T10:00:00+01:00', '2026-12-28T10:00:00.000+01:00', 'Christmas Day (Fri) closed'],
  ['open2bizz-saas', 'reaction', 'P2', '2026-12-31T13:00:00+01:00', '2027-01-04T13:00:00.000+01:00', "year end and New Year's Day"],
  ['open2bizz-saas', 'reaction', 'P2', '2027-12-24T13:00:00+01:00', '2027-12-27T13:00:00.000+01:00', 'Christmas 2027 on a Saturday'],
  ['open2bizz-saas', 'resolution', 'P1', '2026-04-03T13:00:00+02:00', '2026-04-07T13:00:00.000+02:00', 'Good Friday works, Easter Monday closed'],
  ['open2bizz-saas', 'resolution', 'P2', '2026-04-24T15:00:00+02:00', '2026-04-29T15:00:00.000+02:00', "King's Day 27 April (Mon)"],
  ['open2bizz-saas', 'resolution', 'P1', '2027-04-26T13:00:00+02:00', '2027-04-28T13:00:00.000+02:00', "King's Day 2027 (Tue)"],
  ['open2bizz-saas', 'resolution', 'P1', '2026-05-04T13:00:00+02:00', '2026-05-06T13:00:00.000+02:00', 'Liberation Day closed every year'],
  ['open2bizz-saas', 'resolution', 'P1', '2026-05-13T13:00:00+02:00', '2026-05-15T13:00:00.000+02:00', 'Ascension Day'],
  ['open2bizz-saas', 'resolution', 'P1', '2026-05-22T13:00:00+02:00', '2026-05-26T13:00:00.000+02:00', 'Whit Monday'],
  ['open2bizz-saas', 'resolution', 'P1', '2026-12-24T13:00:00+01:00', '2026-12-28T13:00:00.000+01:00', 'Christmas and Boxing Day'],
  ['open2bizz-saas', 'reaction', 'P2', '2026-03-27T13:00:00+01:00', '2026-03-30T13:00:00.000+02:00', 'clocks go forward on Sunday 29 March'],
  ['open2bizz-saas', 'reaction', 'P2', '2026-10-23T15:00:00+02:00', '2026-10-26T15:00:00.000+01:00', 'clocks go back on Sunday 25 October'],
  ['open2bizz-saas', 'resolution', 'P2', '2026-11-30T09:00:00+01:00', '2026-12-01T17:00:00.000+01:00', '2d ends at closing time'],
  ['open2bizz-saas', 'resolution', 'P3', '2026-11-30T09:00:00+01:00', '2026-12-11T17:00:00.000+01:00', '2w'],
  ['open2bizz-saas', 'resolution', 'P4', '2026-11-30T09:00:00+01:00', null, 'no handling-time norm for P4'],
  ['open2bizz-saas', 'response', 'P1', '2026-11-30T09:00:00+01:00', null, 'Open2Bizz has no response metric'],
  // 2value tiers: same office calendar, targets per tier, not per priority.
  ['2value-basic', 'reaction', 'P1', '2026-11-30T10:00:00+01:00', '2026-12-07T10:00:00.000+01:00', 'Basic: 5 days'],
  ['2value-basic', 'reaction', 'P4', '2026-11-30T10:00:00+01:00', '2026-12-07T10:00:00.000+01:00', 'same for every priority'],
  ['2value-basic', 'response', 'P1', '2026-11-30T10:00:00+01:00', null, 'Basic: no response time'],
  ['2value-basic', 'resolution', 'P1', '2026-11-30T10:00:00+01:00', null, 'Basic: no resolution time'],
  ['2value-medium', 'reaction', 'P2', '2026-11-30T10:00:00+01:00', '2026-12-02T10:00:00.000+01:00', 'Medium: 2 days'],
  ['2value-medium', 'response', 'P2', '2026-11-30T10:00:00+01:00', '2026-12-07T10:00:00.000+01:00', 'Medium: response 5 days'],
  ['2value-medium', 'resolution', 'P2', '2026-11-30T10:00:00+01:00', null, 'Medium: no resolution time'],
  ['2value-pro', 'reaction', 'P3', '2026-11-30T16:00:00+01:00', '2026-12-01T10:00:00.000+01:00', 'Pro: 2 hours'],
  ['2value-pro', 'response', 'P3', '2026-11-30T10:00:00+01:00', '2026-12-01T10:00:00.000+01:00', 'Pro: 1 day'],
  ['2value-pro', 'resolution', 'P3', '2026-11-30T10:00:00+01:00', '2026-12-07T10:00:00.000+01:00', 'Pro: 5 days'],
  ['2value-pro', 'resolution', 'P3', '2026-04-30T10:00:00+02:00', '2026-05-08T10:00:00.000+02:00', 'Pro: 5 days with Liberation Day'],
  // megabite-standard: calamities (P1) get a reaction within 4 wall-clock hours, round the clock.
  ['megabite-standard', 'reaction', 'P1', '2026-11-28T22:00:00+01:00', '2026-11-29T02:00:00.000+01:00', 'Saturday night counts'],
  ['megabite-standard', 'reaction', 'P1', '2026-12-25T10:00:00+01:00', '2026-12-25T14:00:00.000+01:00', 'Christmas counts'],
  ['megabite-standard', 'reaction', 'P1', '2026-10-25T00:30:00+02:00', '2026-10-25T03:30:00.000+01:00', 'clocks go back: 4 real hours'],
  ['megabite-standard', 'reaction', 'P1', '2026-03-29T00:30:00+01:00', '2026-03-29T05:30:00.000+02:00', 'clocks go forward: 4 real hours'],
  ['megabite-standard', 'reaction', 'P1', '2026-12-31T22:00:00+01:00', '2027-01-01T02:00:00.000+01:00', 'year end'],
  ['megabite-standard', 'reaction', 'P2', '2026-11-30T10:00:00+01:00', null, 'no numbers for other bugs'],
];

describe('shipped contracts encode the seed SLAs', () => {
  const config = shippedConfig();

  it('ships exactly the five seed contracts', () => {
    expect([...config.contracts.keys()].sort()).to.deep.equal(['2value-basic', '2value-medium', '2value-pro', 'megabite-standard', 'open2bizz-saas']);
  });

  for (const [contractId, metric, priority, from, expected, why] of cases) {
    it(`${contractId} ${metric} ${priority} from ${from}: ${expected ?? 'none'} (${why})`, () => {
      const contract = config.contracts.get(contractId)!;
      const target = resolveTarget(contract, metric, priority);
      if (expected === null) {
        expect(target).to.equal(null);
        return;
      }
      expect(target, 'a target').to.not.equal(null);
      const start = parseLocalIso(from, target!.calendar.zone)!;
      expect(toLocalIso(target!.calendar.add(start, target!.ms), target!.calendar.zone)).to.equal(expected);
    });
  }

  it('resolution of open2bizz-saas starts when the reaction is met, the others when the issue is created', () => {
    const starts = (id: string) => Object.fromEntries(config.contracts.get(id)!.metrics.map((rule) => [rule.metric, rule.starts]));
    expect(starts('open2bizz-saas')).to.deep.equal({ reaction: 'created', resolution: 'reaction_met' });
    expect(starts('2value-pro')).to.deep.equal({ reaction: 'created', response: 'created', resolution: 'created' });
  });

  it('clamps open2bizz-saas test environments to P4', () => {
    const rule = config.contracts.get('open2bizz-saas')!.environments.get('test');
    expect(rule).to.deep.equal({ clampTo: 'P4', reason: 'test environment' });
  });
});
