/** `sla-bridge hours-statement` through the bin entry, reading the calls a bridge keeps in Redis. */
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { HoursStore } from '../../src/app/hours/hours-store.js';
import type { HoursCall } from '../../src/domain/hours-ledger.js';
import { runCli } from '../support/cli-process.js';
import { sharedRedis, uniquePrefix } from '../support/redis-server.js';
import { OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';

const CONTRACT = `customer: 2Value SLA Basic customer
calendar: office
covers:
  - { source: mantis-demo, project: webshop-basic }
policies:
  reaction: 5d
hours:
  rate: { per_hour: 60, currency: EUR }
`;

describe('sla-bridge hours-statement', function () {
  this.timeout(60_000);
  let redis: Redis;
  let dir: string;
  const prefix = uniquePrefix('statement');
  const env = () => ({ REDIS_URL: redisUrl, SLA_BRIDGE_PREFIX: prefix });
  let redisUrl: string;

  before(async () => {
    redisUrl = (await sharedRedis()).url;
    redis = new Redis(redisUrl);
    dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/basic.yaml': CONTRACT, 'contracts/plain.yaml': CONTRACT.replace(/hours:[\s\S]*$/, '').replace('webshop-basic', 'intranet') });
    const call: HoursCall = { id: 'mantis-demo:42', source: 'mantis-demo', issueId: '42', issueKey: '42', title: 'Overdracht, "nieuwe" beheerder', kind: 'card', at: Date.parse('2026-10-05T08:00:00Z'), rawSeconds: 5400, byAuthor: { pbakker: 3600, rvos: 1800 } };
    await new HoursStore(redis, prefix).saveIssueCalls('mantis-demo', '42', 'basic', [call]);
  });
  after(() => {
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the quarter per associate as JSON, CSV and HTML', () => {
    const json = runCli(['hours-statement', '--contract', 'basic', '--quarter', '2026-Q4', '--config', dir], env());
    expect(json.code, json.err).to.equal(0);
    const parsed = JSON.parse(json.out) as { associates: { associate: string; billedSeconds: number; amount: number }[]; totals: { amount: number } };
    expect(parsed.associates.map((a) => [a.associate, a.billedSeconds, a.amount])).to.deep.equal([
      ['pbakker', 3600, 60],
      ['rvos', 1800, 30],
    ]);
    expect(parsed.totals.amount).to.equal(90);
    const csv = runCli(['hours-statement', '--contract', 'basic', '--quarter', '2026-Q4', '--format', 'csv', '--config', dir], env());
    expect(csv.out.split('\n')).to.include.members([
      'associate,issue,source,title,kind,first_booked,raw_minutes,billed_minutes,amount',
      'pbakker,42,mantis-demo,"Overdracht, ""nieuwe"" beheerder",card,2026-10-05T10:00:00.000+02:00,60,60,60.00',
      '(all),(total),,,,,90,90,90.00',
    ]);
    const html = runCli(['hours-statement', '--contract', 'basic', '--quarter', '2026-Q4', '--format', 'html', '--config', dir], env());
    expect(html.out).to.include('<h2>rvos</h2>').and.include('EUR 90.00');
    const empty = runCli(['hours-statement', '--contract', 'basic', '--quarter', '2026-Q3', '--config', dir], env());
    expect((JSON.parse(empty.out) as { totals: { calls: number } }).totals.calls).to.equal(0);
  });

  it('refuses a bad quarter, an unknown contract or one without a card with one clear line', () => {
    const quarter = runCli(['hours-statement', '--contract', 'basic', '--quarter', '2026-4', '--config', dir], env());
    expect([quarter.code, quarter.err.trim()]).to.deep.equal([1, 'sla-bridge: --quarter: "2026-4" is not a quarter (use YYYY-Qn, e.g. 2027-Q1)']);
    const unknown = runCli(['hours-statement', '--contract', 'nobody', '--quarter', '2026-Q4', '--config', dir], env());
    expect(unknown.err).to.match(/--contract: unknown contract "nobody"/);
    const plain = runCli(['hours-statement', '--contract', 'plain', '--quarter', '2026-Q4', '--config', dir], env());
    expect(plain.err.trim()).to.equal('sla-bridge: --contract: contract "plain" has no hours card (hours: in its file)');
  });
});
