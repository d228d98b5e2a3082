/**
 * Bad input at the status API (/api/issues, /api/issues/:sourceId/:issueKey, /api/contracts,
 * /api/reports, /api/dead-letters and their replay, /api/session), through the real express app on
 * a real Redis: any query, any path segment (broken percent-encoding, lone surrogates, NUL, RTL),
 * any credentials, any login body and content type. The answer is always 2xx or 4xx, a refusal is
 * JSON with an error naming the field where there is one and no stack trace, and a refused request
 * changes no key in Redis.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { trackerConnectors } from '../connectors/registry.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import { issueSession, SESSION_COOKIE } from '../src/app/http/session-cookie.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { Body, nastyJson, nastyString } from './support/hostile-input.js';
import { issueCreated } from './support/jira-payloads.js';
import { rawRequest, type RawAnswer } from './support/raw-http.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';

const TOKEN = 'api-bad-input-token-93b1';
const RUNS = 400;

/** Percent-encodes every character that is not plainly safe, lone surrogates as the bytes a CESU encoder gives. */
function percentEncoded(text: string): string {
  return [...text]
    .map((char) => {
      if (/^[A-Za-z0-9_.~-]$/.test(char)) return char;
      const code = char.codePointAt(0)!;
      const bytes = code >= 0xd800 && code <= 0xdfff ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)] : [...Buffer.from(char)];
      return bytes.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
    })
    .join('');
}

const segment = fc.oneof(
  nastyString.map(percentEncoded),
  fc.constantFrom('%ff', '%E0%A4%A', '%', '%zz', '%00', '%2F..%2F', '..', 'jira-demo', 'MB-1', '10001', 'open2bizz-saas', '2026-11', '9999-99', '%ED%A0%80'),
);
const queryValue = fc.oneof(nastyString.map(percentEncoded), fc.constantFrom('at-risk', 'breached', 'running', 'reaction', 'json', 'csv', 'html', '-1', '1e400', '0x10', '', '%ff'));
const queryName = fc.constantFrom('state', 'contract', 'source', 'metric', 'format', 'limit', 'offset', 'state[]', 'state[x]', '__proto__', 'constructor', 'x', '');
const query = fc.array(fc.tuple(queryName, queryValue), { maxLength: 5 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`));

/** Right, wrong, malformed or absent credentials; a session cookie right, forged or broken. */
const credentials = fc.oneof(
  fc.constant<[string, string][]>([['authorization', `Bearer ${TOKEN}`]]),
  fc.constant<[string, string][]>([]),
  fc.constantFrom<[string, string][]>(
    [['authorization', 'Bearer wrong']],
    [['authorization', 'Basic dXNlcjpwYXNz']],
    [['authorization', 'Bearer']],
    [['authorization', `Bearer ${TOKEN}`], ['authorization', 'Bearer wrong']],
    [['cookie', `${SESSION_COOKIE}=v1.1.abc`]],
    [['cookie', `${SESSION_COOKIE}=%E0%A4%A`]],
    [['cookie', `${SESSION_COOKIE}=${issueSession('another-token', Date.now()).value}`]],
  ),
  fc.constant<[string, string][]>([['cookie', `${SESSION_COOKIE}=${issueSession(TOKEN, Date.now()).value}`]]),
);

const NO_STACK = /\bat \S+ \(|node_modules|\/work\//;

function expectClearAnswer(answer: RawAnswer, context: string): void {
  const shown = `${context}: ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, shown).to.be.within(200, 499);
  expect(answer.text, shown).not.to.match(NO_STACK);
  if (answer.status < 400) return;
  expect(answer.headers['content-type'], shown).to.match(/^application\/json/);
  expect(answer.json?.error, shown).to.be.a('string').and.not.equal('');
  const field = answer.json!.field;
  if (field !== undefined) expect(String(answer.json!.error), shown).to.include(String(field));
  expect(String(answer.json!.error), shown).not.to.match(/^undefined/);
}

async function keysOf(redis: RedisClient, prefix: string): Promise<string[]> {
  const keys = await (redis as import('ioredis').Redis).keys(`${prefix}:*`);
  // The wrong-token counts are what a refusal is meant to change. The queues' keys (`sla-…`) change
  // on their own: the bridge's scheduled jobs come and go (a job's hash, its lock, a delayed set
  // emptied), which once took a key away between the two looks of one login.
  return keys.filter((key) => !key.includes(':api-failures:') && !key.startsWith(`${prefix}:sla-`)).sort();
}

describe('bad input at the status API', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let redis: RedisClient;

  before(async () => {
    // Wrong tokens are drawn often here: the limit is the API throttle test's business.
    bridge = await startTestBridge({ apiToken: TOKEN, loginThrottle: { failures: 1_000_000, windowMs: 60_000 } });
    redis = createRedis(urlTarget((await sharedRedis()).url), 'worker');
    // One issue, so that the filters and the report have something to go through.
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: new Date(Date.now() - 3_600_000).toISOString() })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    await waitForIdleQueue(bridge);
  });
  after(async () => {
    await bridge?.close();
    redis?.disconnect();
  });

  it('answers any read with any query, path and credentials 2xx or 4xx, refusals in JSON naming the field', async () => {
    const path = fc.oneof(
      query.map((search) => `/api/issues${search}`),
      fc.tuple(segment, segment, query).map(([source, key, search]) => `/api/issues/${source}/${key}${search}`),
      fc.tuple(segment, segment, query).map(([contract, month, search]) => `/api/reports/${contract}/${month}${search}`),
      fc.tuple(segment, query).map(([month, search]) => `/api/reports/open2bizz-saas/${month}${search}`),
      query.map((search) => `/api/dead-letters${search}`),
      query.map((search) => `/api/contracts${search}`),
      segment.map((rest) => `/api/${rest}`),
    );
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(path, credentials, fc.constantFrom('GET', 'HEAD'), async (url, headers, method) => {
        const answer = await rawRequest(`${bridge.url}${url}`, method, headers);
        statuses.add(answer.status);
        if (method === 'HEAD') return void expect(answer.status, url).to.be.within(200, 499);
        expectClearAnswer(answer, `${method} ${url} ${JSON.stringify(headers)}`);
      }),
      { numRuns: RUNS },
    );
    expect([...statuses], 'the reads reached the routes, not only the door').to.include.members([200, 400, 401, 404]);
  });

  it('answers any login body and content type 204, 400, 401 or 413 in JSON, and stores nothing', async () => {
    const body = fc.oneof(
      nastyJson.map((json) => new Body(Buffer.from(JSON.stringify(json) ?? 'null'))),
      nastyJson.map((json) => new Body(Buffer.from(JSON.stringify({ token: json })))),
      nastyString.map((text) => new Body(Buffer.from(`token=${percentEncoded(text)}`))),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => new Body(Buffer.from(bytes))),
      fc.constantFrom(new Body(Buffer.alloc(5_000, 0x61)), new Body(Buffer.from('{"token":"x"')), new Body(Buffer.from(`{"token":"${'a'.repeat(4_200)}"}`))),
    );
    const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1');
    // The right token as each login form sends it, so that some logins succeed whatever the seed.
    const rightLogin = fc.constantFrom(
      { body: new Body(Buffer.from(JSON.stringify({ token: TOKEN }))), type: 'application/json' },
      { body: new Body(Buffer.from(`token=${TOKEN}`)), type: 'application/x-www-form-urlencoded' },
    );
    const login = fc.oneof({ weight: 9, arbitrary: fc.record({ body, type: contentType }) }, { weight: 1, arbitrary: rightLogin });
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(login, async ({ body: { bytes }, type }) => {
        const before = await keysOf(redis, bridge.prefix);
        const answer = await rawRequest(`${bridge.url}/api/session`, 'POST', type ? [['content-type', type]] : [], bytes);
        seen.add(answer.status);
        expect(answer.status, answer.text).to.be.oneOf([204, 400, 401, 413, 415]);
        if (answer.status !== 204) expectClearAnswer(answer, `POST /api/session ${type} ${bytes.subarray(0, 80).toString('utf8')}`);
        // A wrong token is in no answer, and nor is the right one.
        expect(answer.text).not.to.include(TOKEN);
        expect(await keysOf(redis, bridge.prefix), 'keys after a login').to.deep.equal(before);
      }),
      { numRuns: RUNS },
    );
    expect([...seen]).to.include.members([204, 400, 401]);
  });

  it('answers a replay of any id 404 or 4xx and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(segment, credentials, async (id, headers) => {
        const before = await keysOf(redis, bridge.prefix);
        const answer = await rawRequest(`${bridge.url}/api/dead-letters/${id}/replay`, 'POST', headers, '');
        expectClearAnswer(answer, `replay ${id}`);
        expect(answer.status, answer.text).to.be.within(400, 499);
        expect(await keysOf(redis, bridge.prefix), 'keys after a refused replay').to.deep.equal(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('logs out whatever the request holds', async () => {
    await fc.assert(
      fc.asyncProperty(credentials, fc.uint8Array({ maxLength: 50 }), async (headers, bytes) => {
        const answer = await rawRequest(`${bridge.url}/api/session`, 'DELETE', headers, Buffer.from(bytes));
        expect(answer.status).to.equal(204);
      }),
      { numRuns: 50 },
    );
  });
});
