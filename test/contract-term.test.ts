/**
 * The contract-term warning: when it is due (worked out by hand, DST and year ends included), the
 * config's checks, and exactly one notice with two bridges on one real Redis racing to plan it,
 * after a config reload and after a restart, also once the completed job is gone.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DateTime } from 'luxon';
import nock from 'nock';
import { noticeText } from '../connectors/chat/notice-text.js';
import { plainText } from '../connectors/chat/message-text.js';
import { createLogger } from '../src/app/logger.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { CONTRACT_TERM_QUEUE, contractTermJobId, contractTermSentKey } from '../src/app/jobs/pipeline.js';
import { ConfigError } from '../src/config/config-error.js';
import { daysLeft, termPlan } from '../src/domain/contract-term.js';
import { parseDuration } from '../src/domain/duration.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { startTestBridge, waitForQuiet, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { OFFICE_CALENDAR, MINIMAL_CONTRACT, writeConfig } from './support/temp-config.js';
import { waitFor } from './support/wait-for.js';

const ZONE = 'Europe/Amsterdam';

describe('contract term warning', () => {
  describe('when it is due', () => {
    // valid.until is inclusive: the term ends at the next local midnight; the lead is wall-clock time.
    const cases: [name: string, validUntil: string, lead: string, warnAt: string, endsAt: string][] = [
      ['8 weeks before the end of 2026', '2026-12-31', '8w', '2026-11-06T00:00:00.000+01:00', '2027-01-01T00:00:00.000+01:00'],
      ['60 days across the spring DST change: whole local days', '2027-04-30', '60d', '2027-03-02T00:00:00.000+01:00', '2027-05-01T00:00:00.000+02:00'],
      ['30 days across the autumn DST change', '2026-11-15', '30d', '2026-10-17T00:00:00.000+02:00', '2026-11-16T00:00:00.000+01:00'],
      // 13 weeks are 91 days: back over June (30), May (31) and April (30).
      ['a six-month term, warned a quarter (13 weeks) ahead', '2027-06-30', '13w', '2027-04-01T00:00:00.000+02:00', '2027-07-01T00:00:00.000+02:00'],
      // 28 March 2027 has 23 hours: 24 real hours before its end reach back into the 27th.
      ['hours count as real time: 24h before the end of the 23-hour DST day is 23:00 the evening before', '2027-03-28', '24h', '2027-03-27T23:00:00.000+01:00', '2027-03-29T00:00:00.000+02:00'],
      ['1d before the same end is its local midnight', '2027-03-28', '1d', '2027-03-28T00:00:00.000+01:00', '2027-03-29T00:00:00.000+02:00'],
      ['a lead of zero warns as the term ends', '2026-12-31', '0s', '2027-01-01T00:00:00.000+01:00', '2027-01-01T00:00:00.000+01:00'],
    ];
    for (const [name, validUntil, lead, warnAt, endsAt] of cases) {
      it(name, () => {
        const plan = termPlan(validUntil, ZONE, { warnBefore: parseDuration(lead)! });
        expect([toLocalIso(plan.warnAt, ZONE), toLocalIso(plan.endsAt, ZONE)]).to.deep.equal([warnAt, endsAt]);
      });
    }

    const days: [at: string, validUntil: string, left: number][] = [
      ['2026-11-06T00:00', '2026-12-31', 56],
      ['2026-12-31T23:59', '2026-12-31', 1],
      ['2027-03-02T09:00', '2027-04-30', 60],
      ['2026-10-17T12:00', '2026-11-15', 30],
    ];
    for (const [at, validUntil, left] of days) {
      it(`counts ${left} days left on ${at} for a term until ${validUntil}`, () => expect(daysLeft(validUntil, ZONE, parseLocalIso(at, ZONE)!)).to.equal(left));
    }

    it('says so in the managers\u2019 language', () => {
      const notice = { id: 'term-x', kind: 'contract_term', customer: 'Open2Bizz klant', contract: 'open2bizz-saas', validUntil: '2026-12-31', zone: ZONE, daysLeft: 56, firedAt: 0 } as const;
      expect(plainText(noticeText({ ...notice, language: 'nl' }))).to.equal(
        [
          '📅 Contract open2bizz-saas loopt af op do 31 dec 2026: tijd om te verlengen (Open2Bizz klant)',
          '  Klant:               Open2Bizz klant (contract open2bizz-saas)',
          '  Geldig tot en met:   do 31 dec 2026 (Europe/Amsterdam)',
          '  Resterende looptijd: 56 dagen',
        ].join('\n'),
      );
      expect(noticeText({ ...notice, language: 'en' }).headline).to.equal('Contract open2bizz-saas ends on Thu 31 Dec 2026: time to renew');
    });
  });

  describe('the config', () => {
    const load = (contract: string) => loadBridgeConfig(writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': contract }), {});
    const refusal = (contract: string) => {
      try {
        load(contract);
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('expected the config to be refused');
    };

    it('refuses a term warning without valid.until, naming the file and path', () => {
      expect(refusal(`${MINIMAL_CONTRACT}term: { warn_before: 8w }\n`)).to.match(/\/contracts\/acme\.yaml: term: needs valid\.until: the warning is given ahead of the end of the term \(line \d+\)/);
    });
    it('refuses a lead that is not a duration', () => {
      expect(refusal(`${MINIMAL_CONTRACT}valid: { until: 2026-12-31 }\nterm: { warn_before: 2 months }\n`)).to.match(/\/contracts\/acme\.yaml: term\.warn_before: "2 months" is not a duration/);
    });
    it('takes a lead with valid.until', () => {
      expect(load(`${MINIMAL_CONTRACT}valid: { until: 2026-12-31 }\nterm: { warn_before: 8w }\n`).contracts.get('acme')!.term).to.deep.equal({ warnBefore: parseDuration('8w') });
    });
  });

  describe('exactly once, with two bridges on one Redis', function () {
    this.timeout(40_000);
    const posts: { notice: { id: string; contract: string; daysLeft: number; validUntil: string; firedAt: number } }[] = [];
    const logged: Record<string, unknown>[] = [];
    const bridges: TestBridge[] = [];
    let dir: string;
    let prefix: string;
    let redis: Redis;
    let contractText: string;
    let validUntil: string;

    interceptHttp();

    const logger = () => {
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line.trim()) logged.push(JSON.parse(line) as Record<string, unknown>);
      });
      return createLogger({ stream, format: 'json', level: 'info' });
    };
    const plannings = () => logged.filter((line) => line.message === 'contract term warnings planned') as unknown as { planned: string[]; alreadySent: string[] }[];
    const start = () => startTestBridge({ config: loadBridgeConfig(dir, {}), prefix, logger: logger() });

    before(async () => {
      nock('https://chat.example.com')
        .persist()
        .post('/hooks/managers')
        .reply(function (_uri, body) {
          posts.push(body as (typeof posts)[number]);
          return [200, 'ok'];
        });
      // The term ends at the midnight after the day after tomorrow; the lead puts the warning 1.5 s from now.
      const now = DateTime.now().setZone(ZONE);
      validUntil = now.plus({ days: 2 }).toISODate()!;
      const endsAt = DateTime.fromISO(validUntil, { zone: ZONE }).plus({ days: 1 }).startOf('day');
      const leadSeconds = Math.floor((endsAt.toMillis() - now.toMillis() - 1_500) / 1_000);
      contractText = `customer: ACME
calendar: office
valid: { until: ${validUntil} }
term: { warn_before: ${leadSeconds}s }
covers:
  - { source: gitea-demo, project: acme/app }
policies:
  reaction: 2h
notify: { breaches: [managers] }
`;
      dir = writeConfig({
        'calendars/office.yaml': OFFICE_CALENDAR,
        'contracts/acme.yaml': contractText,
        'channels/managers.yaml': 'kind: webhook\nsettings: { url: "https://chat.example.com/hooks/managers", insecure: true }\n',
      });
      prefix = uniquePrefix('term');
      redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
      // Both plan the warning as they start, at the same moment.
      bridges.push(...(await Promise.all([start(), start()])));
    });
    after(async () => {
      await Promise.all(bridges.map((bridge) => bridge.close()));
      redis?.disconnect();
    });

    it('sends one notice to the managers when it is due, though both bridges planned it', async () => {
      expect(plannings().map((line) => line.planned)).to.deep.equal([['acme'], ['acme']]);
      const jobId = contractTermJobId('acme', validUntil, termLead());
      await waitFor('the warning to be remembered as sent', async () => (await redis.exists(contractTermSentKey(prefix, jobId))) === 1, { timeoutMs: 15_000 });
      await waitFor('the notice to reach the managers', () => posts.length > 0);
      await Promise.all(bridges.map((bridge) => waitForQuiet(bridge)));
      expect(posts).to.have.length(1);
      // Three days to the end, or two when the 1.5 s crossed midnight.
      const { firedAt } = posts[0]!.notice;
      const startDay = DateTime.fromISO(validUntil, { zone: ZONE }).minus({ days: 2 }).toISODate();
      expect(posts[0]!.notice).to.deep.include({ id: jobId, contract: 'acme', validUntil, daysLeft: DateTime.fromMillis(firedAt, { zone: ZONE }).toISODate() === startDay ? 3 : 2 });
    });

    it('sends nothing again after a reload or a restart, also once the completed job has been removed', async () => {
      const jobId = contractTermJobId('acme', validUntil, termLead());
      // A year on, BullMQ removes the completed job: the id would be free to plan again.
      const queue = new Queue(CONTRACT_TERM_QUEUE, { connection: redis, prefix });
      await queue.remove(jobId);
      expect(await queue.getJob(jobId)).to.equal(undefined);

      writeFileSync(path.join(dir, 'contracts/acme.yaml'), `${contractText}description: renewed talks started\n`);
      const outcome = await bridges[0]!.reload(() => loadBridgeConfig(dir, {}));
      expect(outcome.applied).to.equal(true);
      await waitFor('the reload to plan the warnings', () => plannings().length >= 3);
      expect(plannings()[2]).to.deep.include({ planned: [], alreadySent: ['acme'] });

      await bridges.pop()!.close();
      bridges.push(await start());
      await waitFor('the restarted bridge to plan the warnings', () => plannings().length >= 4);
      expect(plannings()[3]).to.deep.include({ planned: [], alreadySent: ['acme'] });
      expect(await queue.getJob(jobId)).to.equal(undefined);
      await queue.close();
      expect(posts).to.have.length(1);
    });

    function termLead(): string {
      return termPlan(validUntil, ZONE, loadBridgeConfig(dir, {}).contracts.get('acme')!.term!).lead;
    }
  });
});
