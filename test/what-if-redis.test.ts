/**
 * What-if against a real redis-server holding issues as the apply path leaves them (log, ref,
 * state): POST /api/what-if through the real express app of an API bridge, `sla-bridge what-if`
 * spawned (run `npm run build` first), and the proof that both only read: every key and value of
 * the Redis is the same before and after, no BullMQ job was added, and no request left the process.
 * The shipped open2bizz-saas contract: P2 reaction 8h in nl-office hours.
 */
import { expect } from 'chai';
import axios from 'axios';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import nock from 'nock';
import { urlTarget } from '../src/app/store/redis-target.js';
import type { WhatIfReport } from '../src/domain/what-if-report.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, workQueues, type TestBridge } from './support/bridge-harness.js';
import { runCli } from './support/cli-process.js';
import { interceptHttp } from './support/http-interception.js';
import { spawnRedis, type TestRedis, uniquePrefix } from './support/redis-server.js';
import { shippedConfig } from './support/shipped-config.js';
import { p2, OFFICE_TEXT, WITH_FILES } from './what-if/what-if-cases.js';
import { seedIssues } from './what-if/seed.js';

const TOKEN = 'what-if-test-token-5b1e';
const PROJECT = 'open2bizz/odoo-customer';
const O2B = readFileSync(path.join(projectRoot(), 'config/contracts/open2bizz-saas.yaml'), 'utf8');

const REACTION_4H = O2B.replace('P2: 8h', 'P2: 4h');
const GOOD_FRIDAY = WITH_FILES.goodFridayClosed;

const ISSUES = [
  // 6 business hours to the reaction: met at 8h, breached at 4h.
  p2('O2B-1', '2026-03-02T09:00', '2026-03-02T15:00', PROJECT),
  // 8h from Thursday 15:00 ends Friday 15:00 (Good Friday open), or Tuesday 15:00 when it is closed; reacted Tuesday 10:00.
  p2('O2B-2', '2026-04-02T15:00', '2026-04-07T10:00', PROJECT),
  p2('O2B-3', '2026-03-10T10:00', '2026-03-10T11:00', PROJECT, 'P3'),
  // Outside the months asked, and not the contract's.
  p2('O2B-4', '2026-06-01T10:00', '2026-06-01T11:00', PROJECT),
  p2('OTHER-1', '2026-03-02T09:00', '2026-03-02T15:00', 'someone/else'),
];

type Snapshot = Map<string, string>;

async function snapshot(client: Redis): Promise<Snapshot> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const entries = await Promise.all(
    keys.map(async (key) => {
      const [dump, ttl] = await Promise.all([client.dumpBuffer(key), client.pttl(key)]);
      return [key, `${dump?.toString('hex')} ttl:${ttl > 0 ? 'set' : ttl}`] as const;
    }),
  );
  return new Map(entries.sort(([a], [b]) => a.localeCompare(b)));
}

describe('what-if over a real Redis: API, CLI and nothing changed', function () {
  this.timeout(60_000);
  interceptHttp();
  let redis: TestRedis;
  let client: Redis;
  let bridge: TestBridge;
  let prefix: string;
  const escaped: string[] = [];
  // Loopback is the bridge under test (and the test's own calls to it); anything else left the machine.
  const recordEscape = (request: { host?: string; hostname?: string; href?: string }) => {
    const where = String(request.href ?? request.hostname ?? request.host);
    if (!/^(https?:\/\/)?(127\.0\.0\.1|localhost)([:/]|$)/.test(where)) escaped.push(where);
  };

  const whatIf = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(`${bridge.url}/api/what-if`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  before(async () => {
    redis = await spawnRedis();
    client = new Redis(redis.url);
    prefix = uniquePrefix('what-if');
    await seedIssues(client, prefix, shippedConfig().contracts.values(), 'gitea-demo', ISSUES, Date.now());
    bridge = await startTestBridge({ role: 'api', apiToken: TOKEN, redis: urlTarget(redis.url), prefix });
    nock.emitter.on('no match', recordEscape);
  });
  after(async () => {
    nock.emitter.removeListener('no match', recordEscape);
    await bridge?.close();
    client?.disconnect();
    await redis?.stop();
  });

  it('answers the months side by side with the issues whose outcome changes (P2 reaction 4h instead of 8h)', async () => {
    const response = await whatIf({ contract: 'open2bizz-saas', month: '2026-03', months: 2, with: REACTION_4H });
    expect(response.status).to.equal(200);
    const report = (await response.json()) as WhatIfReport;
    expect([report.contract, report.with.kind, report.with.file, report.issues, report.months]).to.deep.equal(['open2bizz-saas', 'contract', 'with', 3, ['2026-03', '2026-04']]);
    expect(report.changes.map((change) => [change.month, change.key, change.metric, change.before.state, change.after.state])).to.deep.equal([['2026-03', 'O2B-1', 'reaction', 'met', 'breached']]);
    const march = report.perMonth[0]!.rows.find((row) => row.priority === 'P2' && row.metric === 'reaction')!;
    expect([march.before.met, march.before.breached, march.after.met, march.after.breached]).to.deep.equal([1, 0, 0, 1]);
    expect(report.perMonth[1]!.deadlinesMoved, 'O2B-2 is late either way: Friday 15:00 becomes Friday 11:00').to.equal(1);
  });

  it('takes a calendar: nl-office with Good Friday closed makes the Tuesday reaction on time', async () => {
    const response = await whatIf({ contract: 'open2bizz-saas', month: '2026-04', with: GOOD_FRIDAY });
    expect(response.status).to.equal(200);
    const report = (await response.json()) as WhatIfReport;
    expect([report.with.kind, report.with.id]).to.deep.equal(['calendar', 'nl-office']);
    expect(report.changes.map((change) => [change.key, change.metric, change.before.state, change.after.state])).to.deep.equal([['O2B-2', 'reaction', 'breached', 'met']]);
  });

  it('gives CSV and HTML', async () => {
    const csv = await whatIf({ contract: 'open2bizz-saas', month: '2026-03', with: REACTION_4H, format: 'csv' });
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = (await csv.text()).split('\n');
    expect(lines).to.include('2026-03,P2,reaction,1,0,0,0,100,360,360,0,1,0,0,0,360,360');
    expect(lines).to.include('2026-03,gitea-demo,O2B-1,Issue O2B-1,reaction,P2,met,,P2,breached,2026-03-02T13:00:00.000+01:00');
    const html = await (await whatIf({ contract: 'open2bizz-saas', month: '2026-03', with: REACTION_4H, format: 'html' })).text();
    expect(html).to.include('<th colspan="5" class="before">as it was</th><th colspan="5" class="after">as it would have been</th>');
    expect(html).to.match(/<tr class="change"><td>2026-03<\/td><td><a href="https:\/\/gitea.example.com\/O2B-1">O2B-1<\/a>/);
  });

  const refusals: [string, unknown, string, RegExp][] = [
    ['no contract', { month: '2026-03', with: REACTION_4H }, 'contract', /^contract: expected a contract id$/],
    ['an unknown contract', { contract: 'nobody', month: '2026-03', with: REACTION_4H }, 'contract', /^contract: unknown contract "nobody" \(known: /],
    ['a month that is none', { contract: 'open2bizz-saas', month: '2026-13', with: REACTION_4H }, 'month', /^month: is not a month \(use YYYY-MM\)$/],
    ['months out of range', { contract: 'open2bizz-saas', month: '2026-03', months: 0, with: REACTION_4H }, 'months', /^months: /],
    ['months as text', { contract: 'open2bizz-saas', month: '2026-03', months: '2', with: REACTION_4H }, 'months', /^months: expected a number of months from 1 to 36$/],
    ['no file', { contract: 'open2bizz-saas', month: '2026-03' }, 'with', /^with: expected the YAML text/],
    ['a file that is neither', { contract: 'open2bizz-saas', month: '2026-03', with: 'colour: blue\n' }, 'with', /^with: is neither a contract .* nor a calendar .*; it has colour$/],
    ['a bad duration', { contract: 'open2bizz-saas', month: '2026-03', with: O2B.replace('P2: 8h', 'P2: 4 hourz') }, 'with', /^with: policies\.reaction\.P2: "4 hourz" is not a duration .*\(line \d+\)$/],
    ['an environment reference', { contract: 'open2bizz-saas', month: '2026-03', with: O2B.replace('customer: Open2Bizz SaaS customer', 'customer: ${JIRA_WEBHOOK_SECRET}') }, 'with', /^with: customer: environment variable JIRA_WEBHOOK_SECRET is not set/],
    ['a format that is none', { contract: 'open2bizz-saas', month: '2026-03', with: REACTION_4H, format: 'pdf' }, 'format', /^format: is not json, csv or html$/],
    ['an unknown field', { contract: 'open2bizz-saas', month: '2026-03', with: REACTION_4H, dryRun: true }, 'dryRun', /^dryRun: not a field/],
    ['a body that is not JSON', '{"contract": ', 'body', /^body: is not valid JSON$/],
    ['a body that is no object', '[1, 2]', 'body', /^body: expected a JSON object/],
  ];
  for (const [name, body, field, error] of refusals) {
    it(`refuses ${name} with 400 naming ${field}`, async () => {
      const response = await whatIf(body);
      const answer = (await response.json()) as { error: string; field: string };
      expect([response.status, answer.field]).to.deep.equal([400, field]);
      expect(answer.error).to.match(error);
    });
  }

  it('refuses the dashboard\'s session cookie: a POST needs the bearer token', async () => {
    const login = await fetch(`${bridge.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const response = await whatIf({ contract: 'open2bizz-saas', month: '2026-03', with: REACTION_4H }, { cookie });
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { reason: string }).reason).to.equal('bearer-required');
  });

  it('reads only: every key and value the same, no job added, no request out, over the API and the CLI', async () => {
    // The watch on outgoing requests sees one when there is one.
    await axios.get('https://gitea.example.com/api/v1/version', { timeout: 2_000 }).catch(() => undefined);
    expect(escaped, 'a request to a tracker host is noticed').to.have.length(1);
    escaped.length = 0;

    const queues = workQueues(shippedConfig()).map((name) => new Queue(name, { connection: client, prefix }));
    const jobCounts = async () => Promise.all(queues.map(async (queue) => [queue.name, await queue.getJobCounts()] as const));
    try {
      const countsBefore = await jobCounts();
      const before = await snapshot(client);
      expect([...before.keys()].filter((key) => key.includes(':issue:') && key.endsWith(':state')), 'the seeded states').to.have.length(ISSUES.length);

      const answers = await Promise.all([
        whatIf({ contract: 'open2bizz-saas', month: '2026-03', months: 12, with: REACTION_4H }),
        whatIf({ contract: 'open2bizz-saas', month: '2026-04', with: GOOD_FRIDAY, format: 'html' }),
      ]);
      expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200]);
      expect(((await answers[0]!.json()) as WhatIfReport).changes, 'the API computed changes').to.have.length(1);
      const file = path.join(os.tmpdir(), `what-if-${process.pid}.yaml`);
      writeFileSync(file, REACTION_4H);
      const cli = runCli(['what-if', '--contract', 'open2bizz-saas', '--month', '2026-03', '--months', '12', '--with', file], { REDIS_URL: redis.url, SLA_BRIDGE_PREFIX: prefix });
      expect(cli.code, cli.err).to.equal(0);
      expect((JSON.parse(cli.out) as WhatIfReport).changes, 'the CLI computed changes').to.have.length(1);

      const after = await snapshot(client);
      expect([...after.keys()]).to.deep.equal([...before.keys()]);
      for (const [key, value] of before) expect(after.get(key), key).to.equal(value);
      expect(await jobCounts()).to.deep.equal(countsBefore);
      expect(escaped, 'requests that left the process').to.deep.equal([]);
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  });
});

describe('sla-bridge what-if (spawned; run npm run build first)', function () {
  this.timeout(60_000);
  let redis: TestRedis;
  let client: Redis;
  let prefix: string;
  const fileWith = (name: string, text: string) => {
    const file = path.join(os.tmpdir(), `${process.pid}-${name}`);
    writeFileSync(file, text);
    return file;
  };

  before(async () => {
    redis = await spawnRedis();
    client = new Redis(redis.url);
    prefix = uniquePrefix('what-if-cli');
    await seedIssues(client, prefix, shippedConfig().contracts.values(), 'gitea-demo', ISSUES, Date.now());
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  const run = (args: string[]) => runCli(['what-if', ...args], { REDIS_URL: redis.url, SLA_BRIDGE_PREFIX: prefix });

  it('prints the comparison as JSON, CSV or HTML', () => {
    const file = fileWith('calendar.yaml', GOOD_FRIDAY);
    const json = run(['--contract', 'open2bizz-saas', '--month', '2026-03', '--months', '2', '--with', file]);
    expect(json.code, json.err).to.equal(0);
    const report = JSON.parse(json.out) as WhatIfReport;
    expect([report.with.kind, report.with.id, report.issues]).to.deep.equal(['calendar', 'nl-office', 3]);
    expect(report.changes.map((change) => [change.key, change.before.state, change.after.state])).to.deep.equal([['O2B-2', 'breached', 'met']]);
    const csv = run(['--contract', 'open2bizz-saas', '--month', '2026-03', '--months', '2', '--with', file, '--format', 'csv']);
    expect(csv.out.split('\n')[1]).to.match(/^open2bizz-saas,Open2Bizz SaaS customer,2026-03\.\.2026-04,Europe\/Amsterdam,calendar,nl-office,.*calendar\.yaml,3,1,/);
    const html = run(['--contract', 'open2bizz-saas', '--month', '2026-04', '--with', file, '--format', 'html']);
    expect(html.out).to.match(/^<!doctype html>/);
    expect(html.out).to.include('O2B-2');
  });

  it('the unchanged contract file gives both sides the same', () => {
    const report = JSON.parse(run(['--contract', 'open2bizz-saas', '--month', '2026-03', '--months', '2', '--with', fileWith('same.yaml', O2B)]).out) as WhatIfReport;
    expect(report.issues).to.equal(3);
    for (const row of report.total.rows) expect(row.after).to.deep.equal(row.before);
    expect(report.changes).to.deep.equal([]);
  });

  const refusals: [string, string[], RegExp][] = [
    ['a file that is neither', ['--with', 'NEITHER'], /^sla-bridge: the config has 1 problem:\n.*neither\.yaml: is neither a contract/],
    ['an invalid calendar', ['--with', 'BADCAL'], /^sla-bridge: the config has 1 problem:\n.*badcal\.yaml: hours\.mon\[0\]: /],
    ['a missing file', ['--with', '/nonexistent/what-if.yaml'], /^sla-bridge: --with: cannot read \/nonexistent\/what-if\.yaml: ENOENT$/],
    ['a bad --months', ['--months', 'twelve', '--with', 'NEITHER'], /^sla-bridge: --months: "twelve" is not a number of months from 1 to 36$/],
  ];
  for (const [name, args, message] of refusals) {
    it(`refuses ${name} with one clear message and exit 1`, () => {
      const files: Record<string, string> = { NEITHER: fileWith('neither.yaml', 'colour: blue\n'), BADCAL: fileWith('badcal.yaml', OFFICE_TEXT.replace('mon: ["09:00-17:00"]', 'mon: ["09:00-7:00"]')) };
      const result = run(['--contract', 'open2bizz-saas', '--month', '2026-03', ...args.map((arg) => files[arg] ?? arg)]);
      expect(result.code).to.equal(1);
      expect(result.err.trim()).to.match(message);
    });
  }
});
