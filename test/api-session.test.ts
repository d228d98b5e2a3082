/**
 * Logging in to the API from a browser: POST /api/session trades the token for an HttpOnly,
 * SameSite=Strict cookie that opens GET and HEAD requests (the queue board included) but no request
 * that changes something. Real express app and Redis; the bridge's clock is moved to expire sessions.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import winston from 'winston';
import { DeadLetterStore } from '../src/app/store/dead-letters.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { checkSession, issueSession, readCookie, SESSION_COOKIE, SESSION_LIFETIME_MS, type SessionCheck } from '../src/app/http/session-cookie.js';
import { parseTrustProxy } from '../src/cli/serve-command.js';
import { startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { sharedRedis } from './support/redis-server.js';

const TOKEN = 'session-test-token-4f9c';
const START = Date.parse('2026-11-30T09:00:00Z');

describe('API session cookie (unit)', () => {
  const { value, expiresAt } = issueSession(TOKEN, START);
  const [version, expiry, mac] = value.split('.') as [string, string, string];
  const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
  const cases: [string, string, string, number, SessionCheck][] = [
    ['as issued', TOKEN, value, START, 'valid'],
    ['a millisecond before it ends', TOKEN, value, expiresAt - 1, 'valid'],
    ['when it ends', TOKEN, value, expiresAt, 'expired'],
    ['after the token was rotated', 'rotated-token', value, START, 'invalid'],
    ['with the expiry pushed back', TOKEN, `${version}.${Number(expiry) + 60_000}.${mac}`, START, 'invalid'],
    ['with one character of the MAC changed', TOKEN, `${version}.${expiry}.${flipped}`, START, 'invalid'],
    ['with the MAC cut short', TOKEN, `${version}.${expiry}.${mac.slice(0, 20)}`, START, 'invalid'],
    ['of another version', TOKEN, `v2.${expiry}.${mac}`, START, 'invalid'],
    ['that is the token itself', TOKEN, TOKEN, START, 'invalid'],
    ['empty', TOKEN, '', START, 'invalid'],
  ];
  for (const [name, token, cookie, now, expected] of cases) {
    it(`a cookie ${name} is ${expected}`, () => {
      expect(checkSession(token, cookie, now)).to.equal(expected);
    });
  }

  it('holds an expiry and a MAC, not the token', () => {
    expect(value).to.match(/^v1\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(value).to.not.include(TOKEN);
    expect(expiresAt - START).to.equal(SESSION_LIFETIME_MS);
  });

  it('an expiry further away than one lifetime was not issued by the bridge', () => {
    const long = issueSession(TOKEN, START, 10 * SESSION_LIFETIME_MS);
    expect(checkSession(TOKEN, long.value, START)).to.equal('invalid');
  });

  for (const [header, expected] of [
    [undefined, undefined],
    ['', undefined],
    [`${SESSION_COOKIE}=v1.1.abc`, 'v1.1.abc'],
    [`theme=dark; ${SESSION_COOKIE}=v1.1.abc; other=1`, 'v1.1.abc'],
    [`x${SESSION_COOKIE}=v1.1.abc`, undefined],
    [`${SESSION_COOKIE}=%E0%A4%A`, undefined],
  ] as const) {
    it(`reads the cookie from ${JSON.stringify(header)}`, () => {
      expect(readCookie(header, SESSION_COOKIE)).to.equal(expected);
    });
  }

  for (const [value, expected] of [
    [undefined, undefined],
    ['true', true],
    ['false', false],
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.1, 192.168.0.0/16', '10.0.0.1, 192.168.0.0/16'],
  ] as const) {
    it(`SLA_BRIDGE_TRUST_PROXY=${String(value)} is ${String(expected)}`, () => {
      expect(parseTrustProxy(value)).to.equal(expected);
    });
  }

  it('SLA_BRIDGE_TRUST_PROXY that is no address is refused, naming the variable', () => {
    expect(() => parseTrustProxy('my-proxy')).to.throw(/^SLA_BRIDGE_TRUST_PROXY: "my-proxy" is not true, a hop count or a list of proxy addresses/);
  });
});

describe('API session over HTTP', () => {
  let bridge: TestBridge;
  let redis: Redis;
  let clock = START;
  const logged: string[] = [];
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: new Writable({ write: (chunk: Buffer, _encoding, done) => (logged.push(chunk.toString()), done()) }) })],
  });

  const request = (path: string, init: RequestInit = {}) => fetch(`${bridge.url}${path}`, init);
  const login = (body: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
    request('/api/session', { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  const sessionFrom = (response: Response) => {
    const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
    expect(header, 'a session cookie').to.not.equal(undefined);
    return { header: header!, cookie: header!.split(';')[0]! };
  };
  const withCookie = (cookie: string, method = 'GET') => ({ method, headers: { cookie } });

  before(async () => {
    // One attempt per send: a replay the cookie wrongly let through fails at once with 502.
    bridge = await startTestBridge({ apiToken: TOKEN, now: () => clock, logger, role: 'api', http: new OutboundHttp({ retry: { maxAttempts: 1 } }) });
    redis = new Redis((await sharedRedis()).url);
  });
  afterEach(() => {
    clock = START;
  });
  after(async () => {
    await bridge.close();
    redis.disconnect();
  });

  it('logs in with the token as JSON: 204 and an HttpOnly, SameSite=Strict cookie for 12 h that is not the token', async () => {
    const response = await login(JSON.stringify({ token: TOKEN }));
    expect(response.status).to.equal(204);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const { header, cookie } = sessionFrom(response);
    const attributes = header.split(/;\s*/).slice(1);
    expect(attributes).to.include.members(['Max-Age=43200', 'Path=/', 'HttpOnly', 'SameSite=Strict']);
    expect(attributes, 'no Secure over plain http').to.not.include('Secure');
    expect(header).to.not.include(TOKEN);
    expect(checkSession(TOKEN, cookie.slice(SESSION_COOKIE.length + 1), clock)).to.equal('valid');
  });

  it('logs in with the token from a form', async () => {
    const response = await login(new URLSearchParams({ token: TOKEN }).toString(), 'application/x-www-form-urlencoded');
    expect(response.status).to.equal(204);
    sessionFrom(response);
  });

  it('opens GET and HEAD requests with the cookie alone: the status API and the queue board', async () => {
    const { cookie } = sessionFrom(await login(JSON.stringify({ token: TOKEN })));
    expect((await request('/api/issues', withCookie(cookie))).status).to.equal(200);
    expect((await request('/api/contracts', withCookie(cookie, 'HEAD'))).status).to.equal(200);
    const board = await request('/api/queues/', withCookie(cookie));
    expect(board.status).to.equal(200);
    expect(await board.text()).to.match(/<html/i);
    const queues = (await (await request('/api/queues/api/queues', withCookie(cookie))).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    // One chat queue per channel; the shipped config names none, so there is the console's.
    expect(queues.queues.map((queue) => queue.name).sort()).to.deep.equal(['sla-availability', 'sla-chat-console', 'sla-contract-term', 'sla-duty-handover', 'sla-hours', 'sla-ingest', 'sla-line-assign', 'sla-notify', 'sla-obligations', 'sla-reconcile', 'sla-retention', 'sla-timers', 'sla-write-back']);
    expect(queues.queues.every((queue) => queue.readOnlyMode)).to.equal(true);
  });

  it('refuses a replay of a dead letter with the cookie alone; the bearer header still works', async () => {
    const letters = new DeadLetterStore(redis, bridge.prefix);
    // Port 9 (discard) on loopback refuses: were the replay let through, it would answer 502.
    const id = await letters.add({ permanent: true, status: 404, attempts: 1, reason: 'HTTP 404', code: undefined }, { url: 'http://127.0.0.1:9/hook', method: 'POST', headers: {}, body: '{}', description: 'test letter' });
    const { cookie } = sessionFrom(await login(JSON.stringify({ token: TOKEN })));
    const refused = await request(`/api/dead-letters/${id}/replay`, withCookie(cookie, 'POST'));
    expect(refused.status).to.equal(401);
    expect(await refused.json()).to.deep.equal({
      error: 'POST needs Authorization: Bearer <SLA_BRIDGE_API_TOKEN>; the session cookie opens GET and HEAD requests only',
      reason: 'bearer-required',
    });
    expect(await letters.get(id)).to.not.equal(undefined);
    expect((await request('/api/dead-letters/no-such-letter/replay', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).to.equal(404);
  });

  it('says what is missing or wrong', async () => {
    const { cookie } = sessionFrom(await login(JSON.stringify({ token: TOKEN })));
    const rotated = `${SESSION_COOKIE}=${issueSession('the-old-token', clock).value}`;
    const cases: [string, RequestInit, string, string][] = [
      ['nothing', {}, 'missing', 'missing credentials: send Authorization: Bearer <SLA_BRIDGE_API_TOKEN>, or log in with POST /api/session (then GET and HEAD requests need nothing else)'],
      ['a wrong bearer token, even with a good cookie', { headers: { authorization: 'Bearer nope', cookie } }, 'wrong-token', 'wrong bearer token'],
      ['a cookie of an earlier token', withCookie(rotated), 'session-invalid', 'the session is no longer valid (was the API token changed?): log in again'],
      ['a cookie with a changed expiry', withCookie(cookie.replace(/\.(\d+)\./, (_match, at: string) => `.${Number(at) + 1}.`)), 'session-invalid', 'the session is no longer valid (was the API token changed?): log in again'],
    ];
    for (const [name, init, reason, error] of cases) {
      const response = await request('/api/issues', init);
      expect(response.status, name).to.equal(401);
      expect(response.headers.get('www-authenticate'), name).to.match(/^Bearer/);
      expect(await response.json(), name).to.deep.equal({ error, reason });
    }
  });

  it('lets a proxy\'s Basic authorization pass to the cookie', async () => {
    const { cookie } = sessionFrom(await login(JSON.stringify({ token: TOKEN })));
    const response = await request('/api/contracts', { headers: { cookie, authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.status).to.equal(200);
  });

  it('ends the session after 12 hours, and asks the browser to drop the cookie', async () => {
    const { cookie } = sessionFrom(await login(JSON.stringify({ token: TOKEN })));
    clock = START + SESSION_LIFETIME_MS - 1;
    expect((await request('/api/issues', withCookie(cookie))).status).to.equal(200);
    clock = START + SESSION_LIFETIME_MS;
    const expired = await request('/api/issues', withCookie(cookie));
    expect(expired.status).to.equal(401);
    expect(await expired.json()).to.deep.equal({ error: 'the session has expired: log in again', reason: 'session-expired' });
    expect(sessionFrom(expired).header).to.match(/Expires=Thu, 01 Jan 1970/);
  });

  it('logs out with DELETE /api/session', async () => {
    const response = await request('/api/session', { method: 'DELETE' });
    expect(response.status).to.equal(204);
    const { header, cookie } = sessionFrom(response);
    expect(cookie).to.equal(`${SESSION_COOKIE}=`);
    expect(header).to.match(/Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a wrong token with 401, and a missing one with 400 naming the field', async () => {
    const wrong = await login(JSON.stringify({ token: 'guess' }));
    expect(wrong.status).to.equal(401);
    expect(wrong.headers.getSetCookie()).to.deep.equal([]);
    expect(await wrong.json()).to.deep.equal({ error: "wrong token: it is not the bridge's SLA_BRIDGE_API_TOKEN", reason: 'wrong-token' });
    for (const [body, contentType] of [['{}', 'application/json'], ['{"token": 42}', 'application/json'], [TOKEN, 'text/plain'], ['', 'application/json']]) {
      const missing = await login(body!, contentType);
      expect(missing.status, `${contentType} ${body}`).to.equal(400);
      const answer = (await missing.json()) as { error: string; field: string };
      expect(answer.field).to.equal('token');
      expect(answer.error).to.match(/^token: .*\(send JSON \{"token": "…"\} or a form field token\)$/);
    }
  });

  it('answers a body that is not JSON without quoting it, and without printing it', async () => {
    // JSON.parse's own message would quote the start of the token: "{"token": session-te"...
    const secretPart = TOKEN.slice(0, 8);
    const printed: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (printed.push(chunk.toString()), true)) as typeof process.stderr.write;
    let answer: string;
    let status: number;
    try {
      const response = await login(`{"token": ${TOKEN}}`);
      status = response.status;
      answer = await response.text();
    } finally {
      process.stderr.write = write;
    }
    expect(printed.join(''), 'printed').to.not.include(secretPart);
    expect(answer, 'answered').to.not.include(secretPart);
    expect(status).to.equal(400);
    expect(JSON.parse(answer)).to.deep.equal({ error: 'the body is not valid JSON' });
    const tooLarge = await login(JSON.stringify({ token: TOKEN, padding: 'x'.repeat(5_000) }));
    expect(tooLarge.status).to.equal(413);
    expect(await tooLarge.text()).to.not.include(TOKEN);
  });

  // Last: by now every request above has been logged, if anything logs requests.
  it('never logs the token', () => {
    const all = logged.join('');
    expect(all, 'the bridge logged something').to.include('bridge started');
    expect(all).to.not.include(TOKEN);
  });
});

describe('API session behind a proxy, and without a token', () => {
  const bridges: TestBridge[] = [];
  after(async () => {
    for (const bridge of bridges) await bridge.close();
  });
  const loginVia = async (trustProxy: string | undefined, forwardedProto: string | undefined) => {
    const bridge = await startTestBridge({ apiToken: TOKEN, role: 'api', trustProxy });
    bridges.push(bridge);
    const response = await fetch(`${bridge.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedProto ? { 'x-forwarded-proto': forwardedProto } : {}) },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(response.status).to.equal(204);
    return response.headers.getSetCookie()[0]!.split(/;\s*/);
  };

  it('marks the cookie Secure when a trusted proxy says the request came over https', async () => {
    expect(await loginVia('loopback', 'https')).to.include('Secure');
  });

  it('ignores X-Forwarded-Proto from a proxy it was not told to trust', async () => {
    expect(await loginVia(undefined, 'https')).to.not.include('Secure');
    expect(await loginVia('10.0.0.1', 'https')).to.not.include('Secure');
  });

  it('refuses logins when the API has no token, saying how to enable it', async () => {
    const bridge = await startTestBridge({ role: 'api' });
    bridges.push(bridge);
    const response = await fetch(`${bridge.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'anything' }) });
    expect(response.status).to.equal(401);
    expect(await response.json()).to.deep.equal({ error: 'the API is disabled: set SLA_BRIDGE_API_TOKEN', reason: 'disabled' });
  });
});
