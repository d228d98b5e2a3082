/**
 * SLA_BRIDGE_API_READ_TOKEN: a second API token that opens GET and HEAD under /api/ and nothing
 * else (403 naming why), cannot log in, is counted by the login throttle when wrong like any
 * wrong token, and appears in no log line and no answer. Real express app, real Redis.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createLogger } from '../src/app/logger.js';
import { readOnlyApiToken } from '../src/cli/api-read-token.js';
import { UsageError } from '../src/cli/cli-io.js';
import { startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { rawRequest, type RawAnswer } from './support/raw-http.js';

const FULL = `full-${randomBytes(12).toString('hex')}`;
const READ = `read-${randomBytes(12).toString('hex')}`;
const LIMIT = { failures: 4, windowMs: 10 * 60_000 };

const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];

describe('API read-only token (SLA_BRIDGE_API_READ_TOKEN)', function () {
  this.timeout(30_000);
  let bridge: TestBridge;
  let logs = '';
  const answers: string[] = [];

  async function call(method: string, path: string, headers: [string, string][], body?: string, from = '127.0.0.1'): Promise<RawAnswer> {
    const answer = await rawRequest(`${bridge.url}${path}`, method, headers, body, { localAddress: from });
    answers.push(JSON.stringify(answer.headers), answer.text);
    return answer;
  }

  before(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    bridge = await startTestBridge({
      apiToken: FULL,
      apiReadToken: READ,
      loginThrottle: LIMIT,
      logger: createLogger({ stream, level: 'debug', format: 'json' }),
    });
  });
  after(async () => {
    await bridge.close();
  });

  it('opens GET and HEAD requests under /api/', async () => {
    const contracts = await call('GET', '/api/contracts', [bearer(READ)]);
    expect(contracts.status, contracts.text).to.equal(200);
    expect(contracts.json!.contracts).to.be.an('array').that.is.not.empty;
    expect((await call('HEAD', '/api/contracts', [bearer(READ)])).status).to.equal(200);
    const issues = await call('GET', '/api/issues?state=running', [bearer(READ)]);
    expect(issues.status, issues.text).to.equal(200);
    // Past the gate: the route itself answers that there is no such issue.
    const one = await call('GET', '/api/issues/mantis-demo/999999', [bearer(READ)]);
    expect([one.status, one.json!.error]).to.deep.equal([404, 'no issue 999999 of source mantis-demo']);
  });

  it('refuses a request that changes something 403, naming why, before the route runs', async () => {
    const replay = await call('POST', '/api/dead-letters/nope/replay', [bearer(READ)]);
    expect(replay.status, replay.text).to.equal(403);
    expect(replay.json).to.deep.include({ reason: 'read-only' });
    expect(String(replay.json!.error)).to.equal('POST needs SLA_BRIDGE_API_TOKEN: SLA_BRIDGE_API_READ_TOKEN is read-only and opens GET and HEAD requests only');
    // The full token reaches the route, which knows no such dead letter.
    expect((await call('POST', '/api/dead-letters/nope/replay', [bearer(FULL)])).status).to.equal(404);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const answer = await call(method, '/api/contracts', [bearer(READ)]);
      expect([answer.status, answer.json?.reason], method).to.deep.equal([403, 'read-only']);
    }
  });

  it('cannot log in: POST /api/session with it is 403 and sets no cookie', async () => {
    const login = await call('POST', '/api/session', [['content-type', 'application/json']], JSON.stringify({ token: READ }));
    expect(login.status, login.text).to.equal(403);
    expect(login.headers['set-cookie']).to.equal(undefined);
    expect(String(login.json!.error)).to.match(/SLA_BRIDGE_API_READ_TOKEN cannot log in/);
    expect((await call('POST', '/api/session', [['content-type', 'application/json']], JSON.stringify({ token: FULL }))).status).to.equal(204);
  });

  it('a wrong token counts towards the throttle; after too many the read token is refused 429 as well', async () => {
    const from = '127.0.0.7';
    for (let index = 0; index < LIMIT.failures; index += 1) {
      const wrong = await call('GET', '/api/contracts', [bearer(`${READ}x${index}`)], undefined, from);
      expect([wrong.status, wrong.json!.reason]).to.deep.equal([401, 'wrong-token']);
    }
    const throttled = await call('GET', '/api/contracts', [bearer(READ)], undefined, from);
    expect([throttled.status, throttled.json!.reason]).to.deep.equal([429, 'rate-limited']);
    // Right read tokens from another client are not counted, however many.
    for (let index = 0; index < LIMIT.failures * 2; index += 1) expect((await call('GET', '/api/contracts', [bearer(READ)], undefined, '127.0.0.8')).status).to.equal(200);
  });

  it('is in no log line and no answer', () => {
    expect(logs.length, 'the bridge logged something at all').to.be.greaterThan(0);
    expect(logs).to.not.include(READ);
    expect(answers.join('\n')).to.not.include(READ);
  });

  describe('alone, without SLA_BRIDGE_API_TOKEN', () => {
    let readOnly: TestBridge;
    before(async () => {
      readOnly = await startTestBridge({ apiReadToken: READ });
    });
    after(async () => {
      await readOnly.close();
    });

    it('opens GET, refuses POST 403 and a cookie as disabled', async () => {
      expect((await rawRequest(`${readOnly.url}/api/contracts`, 'GET', [bearer(READ)])).status).to.equal(200);
      const post = await rawRequest(`${readOnly.url}/api/dead-letters/nope/replay`, 'POST', [bearer(READ)]);
      expect([post.status, post.json!.reason]).to.deep.equal([403, 'read-only']);
      const cookie = await rawRequest(`${readOnly.url}/api/contracts`, 'GET', [['cookie', 'sla_bridge_session=1.abc']]);
      expect([cookie.status, cookie.json!.reason]).to.deep.equal([401, 'disabled']);
      const full = await rawRequest(`${readOnly.url}/api/contracts`, 'GET', [bearer(FULL)]);
      expect([full.status, full.json!.reason]).to.deep.equal([401, 'wrong-token']);
    });
  });

  describe('at start (sla-bridge serve)', () => {
    it('is taken from the environment, and refused when it equals the full token', () => {
      expect(readOnlyApiToken({ SLA_BRIDGE_API_READ_TOKEN: READ, SLA_BRIDGE_API_TOKEN: FULL })).to.equal(READ);
      expect(readOnlyApiToken({ SLA_BRIDGE_API_READ_TOKEN: '' })).to.equal(undefined);
      expect(() => readOnlyApiToken({ SLA_BRIDGE_API_READ_TOKEN: FULL, SLA_BRIDGE_API_TOKEN: FULL }))
        .to.throw(UsageError)
        .with.property('message', 'SLA_BRIDGE_API_READ_TOKEN is the same as SLA_BRIDGE_API_TOKEN: give the read-only token a value of its own');
    });
  });
});
