/**
 * OutboundHttp against hosts intercepted by nock, so axios and the retry loop run for real. The
 * sleep is injected and records the delays it was asked for: the tests assert on the backoff the
 * client chose, never on how long anything took.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import nock from 'nock';
import { Writable } from 'node:stream';
import winston from 'winston';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  DeliveryFailure,
  OutboundHttp,
  parseRetryAfter,
  type OutboundHttpOptions,
  type RetryPolicy,
} from '../src/app/outbound/outbound-http.js';
import type { OutboundRequest } from '../connectors/outbound-request.js';
import { interceptHttp } from './support/http-interception.js';

const CHAT = 'https://chat.example.test';
const TRACKER = 'https://tracker.example.test';

interface TestClient {
  readonly http: OutboundHttp;
  /** Every delay the client asked to sleep for, in order. */
  readonly delays: number[];
}

function client(options: OutboundHttpOptions = {}): TestClient {
  const delays: number[] = [];
  const http = new OutboundHttp({
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { http, delays };
}

const warning = (overrides: Partial<OutboundRequest> = {}): OutboundRequest => ({
  url: `${CHAT}/hook`,
  method: 'POST',
  body: { text: 'MB-42 breaches its reaction SLA in 30 minutes' },
  description: 'chat: warning MB-42',
  ...overrides,
});

function networkError(code: string): Error {
  // nock 14 forwards only Error instances; a plain { code } object would leave the request hanging.
  return Object.assign(new Error(`simulated ${code}`), { code });
}

async function rejection(promise: Promise<unknown>): Promise<DeliveryFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(DeliveryFailure);
    return error as DeliveryFailure;
  }
  throw new Error('expected the delivery to fail');
}

/** The upper bound of the delay before retry `retry` (0-based): min(cap, base × 2ⁿ), and 0 for a zero base. */
const ceiling = (retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'> = DEFAULT_RETRY_POLICY) =>
  policy.baseDelayMs === 0 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);

describe('outbound HTTP', () => {
  interceptHttp({ cleanAfterEach: true });

  it('resolves with status, parsed data and one attempt when the first answer is 2xx', async () => {
    const scope = nock(CHAT).post('/hook').reply(200, { ok: true }, { 'X-Total-Count': '7' });
    const { http, delays } = client();
    const { headers, ...result } = await http.send(warning());
    expect(result).to.deep.equal({ status: 200, data: { ok: true }, attempts: 1 });
    expect(headers['x-total-count']).to.equal('7');
    expect(delays).to.deep.equal([]);
    expect(scope.isDone()).to.equal(true);
  });

  it('retries a 503 once and sleeps for a delay within the first backoff window', async () => {
    const scope = nock(CHAT).post('/hook').reply(503, 'busy').post('/hook').reply(200, 'ok');
    const { http, delays } = client();
    const result = await http.send(warning());
    expect(result).to.deep.include({ status: 200, data: 'ok', attempts: 2 });
    expect(delays).to.have.lengthOf(1);
    expect(delays[0]).to.be.within(0, ceiling(0));
    expect(scope.isDone()).to.equal(true);
  });

  it('widens the window per retry: base × 2ⁿ, scaled by the random draw (full jitter)', async () => {
    nock(CHAT).post('/hook').times(3).reply(502).post('/hook').reply(204);
    const draws = [0.5, 0.25, 0.999];
    const { http, delays } = client({ random: () => draws.shift() ?? 0 });
    const result = await http.send(warning());
    expect(result.attempts).to.equal(4);
    expect(delays).to.deep.equal([250, 250, 1998]);
  });

  it('waits as long as a 429 Retry-After in seconds asks', async () => {
    nock(CHAT).post('/hook').reply(429, 'slow down', { 'Retry-After': '3' }).post('/hook').reply(200);
    const { http, delays } = client({ random: () => 0.5 });
    expect((await http.send(warning())).attempts).to.equal(2);
    expect(delays).to.deep.equal([3000]);
  });

  it('reads Retry-After as an HTTP-date against the injected clock', async () => {
    const now = Date.UTC(2026, 10, 30, 9, 0, 0);
    nock(CHAT)
      .post('/hook')
      .reply(503, 'maintenance', { 'Retry-After': new Date(now + 7_000).toUTCString() })
      .post('/hook')
      .reply(200);
    const { http, delays } = client({ now: () => now, random: () => 0.5 });
    expect((await http.send(warning())).attempts).to.equal(2);
    expect(delays).to.deep.equal([7000]);
  });

  it('caps Retry-After at maxRetryAfterMs', async () => {
    nock(CHAT).post('/hook').reply(429, '', { 'Retry-After': '3600' }).post('/hook').reply(200);
    const { http, delays } = client({ retry: { maxRetryAfterMs: 45_000 } });
    await http.send(warning());
    expect(delays).to.deep.equal([45_000]);
  });

  it('uses backoff for a 429 without Retry-After and ignores Retry-After on other 5xx', async () => {
    nock(CHAT).post('/hook').reply(429).post('/hook').reply(500, '', { 'Retry-After': '30' }).post('/hook').reply(200);
    const { http, delays } = client({ random: () => 0.5 });
    expect((await http.send(warning())).attempts).to.equal(3);
    expect(delays).to.deep.equal([250, 500]);
  });

  it('retries a 408: the server timed out waiting for the request, which may arrive in time next time', async () => {
    nock(CHAT).post('/hook').reply(408, 'request timeout').post('/hook').reply(200);
    const { http, delays } = client({ random: () => 0.5 });
    expect((await http.send(warning())).attempts).to.equal(2);
    expect(delays).to.deep.equal([250]);
  });

  describe('one attempt per call, for a caller that retries on its own', () => {
    it('makes one attempt and reports a transient failure as not permanent, with the Retry-After it was given, uncapped', async () => {
      const scope = nock(CHAT).post('/hook').reply(429, 'slow down', { 'Retry-After': '3600' }).post('/hook').reply(200);
      const { http, delays } = client({ retry: { maxRetryAfterMs: 45_000 } });
      const failure = await rejection(http.send(warning(), { maxAttempts: 1 }));
      expect(failure).to.deep.include({ permanent: false, status: 429, retryAfterMs: 3_600_000, attempts: 1 });
      expect(delays).to.deep.equal([]);
      expect(scope.pendingMocks(), 'no second request').to.have.lengthOf(1);
    });

    it('leaves retryAfterMs unset without a Retry-After, and for a network error', async () => {
      nock(CHAT).post('/hook').reply(502).post('/hook').replyWithError(networkError('ECONNRESET'));
      const { http } = client();
      expect(await rejection(http.send(warning(), { maxAttempts: 1 }))).to.deep.include({ permanent: false, status: 502, retryAfterMs: undefined });
      expect(await rejection(http.send(warning(), { maxAttempts: 1 }))).to.deep.include({ permanent: false, code: 'ECONNRESET', retryAfterMs: undefined });
    });

    it('refuses a count of attempts that is not a whole number ≥ 1', async () => {
      const { http } = client();
      for (const maxAttempts of [0, 1.5, -1]) {
        try {
          await http.send(warning(), { maxAttempts });
          expect.fail(`maxAttempts ${maxAttempts} was accepted`);
        } catch (error) {
          expect(error).to.be.instanceOf(RangeError);
        }
      }
    });
  });

  it('retries a connection reset and then succeeds', async () => {
    const scope = nock(CHAT).post('/hook').replyWithError(networkError('ECONNRESET')).post('/hook').reply(200, { ok: true });
    const { http, delays } = client();
    const { headers: _headers, ...result } = await http.send(warning());
    expect(result).to.deep.equal({ status: 200, data: { ok: true }, attempts: 2 });
    expect(delays).to.have.lengthOf(1);
    expect(scope.isDone()).to.equal(true);
  });

  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']) {
    it(`retries ${code}`, async () => {
      nock(CHAT).post('/hook').replyWithError(networkError(code)).post('/hook').reply(200);
      const { http } = client();
      expect((await http.send(warning())).attempts).to.equal(2);
    });
  }

  it('retries an attempt that exceeds its timeout', async () => {
    // The delayed reply is how a timeout is produced here; nothing measures the time.
    const scope = nock(CHAT).post('/hook').delay(2_000).reply(200, 'too late').post('/hook').reply(200, 'in time');
    const { http, delays } = client();
    const result = await http.send(warning({ timeoutMs: 50 }));
    expect(result).to.deep.include({ data: 'in time', attempts: 2 });
    expect(delays).to.have.lengthOf(1);
    expect(scope.isDone()).to.equal(true);
  });

  it('reports a timeout that never clears as ETIMEDOUT, not permanent', async () => {
    nock(CHAT).post('/hook').times(2).delay(2_000).reply(200);
    const { http } = client({ timeoutMs: 50, retry: { maxAttempts: 2 } });
    const failure = await rejection(http.send(warning()));
    expect(failure).to.deep.include({ permanent: false, code: 'ETIMEDOUT', attempts: 2, status: undefined });
  });

  for (const status of [400, 401, 404, 422]) {
    it(`treats ${status} as permanent: exactly one attempt, no sleep`, async () => {
      const scope = nock(TRACKER).put('/rest/api/2/issue/MB-42').reply(status, { errorMessages: ['nope'] }).put('/rest/api/2/issue/MB-42').reply(200);
      const { http, delays } = client();
      const failure = await rejection(
        http.send({ url: `${TRACKER}/rest/api/2/issue/MB-42`, method: 'PUT', body: { fields: {} }, description: 'jira: deadline MB-42' }),
      );
      expect(failure).to.deep.include({ permanent: true, status, attempts: 1 });
      expect(failure.reason).to.equal(`HTTP ${status}: {"errorMessages":["nope"]}`);
      expect(delays).to.deep.equal([]);
      // The second answer was never asked for: no retry went out.
      expect(scope.pendingMocks()).to.have.lengthOf(1);
    });
  }

  it('does not follow redirects: a 3xx is permanent, and the reason names where it pointed by origin only', async () => {
    const elsewhere = nock('https://elsewhere.example.test').post(/.*/).reply(200).get(/.*/).reply(200);
    nock(CHAT).post('/hook').reply(302, '', { Location: 'https://elsewhere.example.test/steal?token=abc123xyz' });
    const { http } = client();
    const failure = await rejection(http.send(warning()));
    expect(failure).to.deep.include({ permanent: true, status: 302, attempts: 1 });
    expect(failure.reason).to.equal('HTTP 302: redirect to another host, https://elsewhere.example.test not followed (the bridge follows no redirects: point the config at the address itself)');
    expect(failure.message).not.to.include('abc123xyz');
    expect(elsewhere.isDone(), 'nothing went to the other host').to.equal(false);
  });

  it('keeps the credentials it sent out of the reason when the server quotes them back, even where the excerpt is cut', async () => {
    const token = 'glpat-quoted-back-0123456789abcdef';
    const basic = Buffer.from(`bot@example.test:${token}`).toString('base64');
    nock(TRACKER).put('/a').reply(401, `${'x'.repeat(190)} Bearer ${token}`).put('/b').reply(403, { message: `bad credentials ${basic} (bot@example.test:${token})` });
    const { http } = client();
    const first = await rejection(http.send({ url: `${TRACKER}/a`, method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: {}, description: 'cut' }));
    expect(first.reason).not.to.include(token.slice(0, 12));
    const second = await rejection(http.send({ url: `${TRACKER}/b`, method: 'PUT', headers: { Authorization: `Basic ${basic}` }, body: {}, description: 'basic' }));
    expect(second.reason).to.equal('HTTP 403: {"message":"bad credentials [redacted] ([redacted])"}');
  });

  it('follows no redirect within the same origin either, nor one without a Location', async () => {
    const scope = nock(CHAT).post('/hook').reply(307, '', { Location: '/hook2' }).post('/hook').reply(301).post('/hook2').reply(200);
    const { http } = client();
    expect((await rejection(http.send(warning()))).reason).to.match(/^HTTP 307: redirect to https:\/\/chat\.example\.test \(the same origin\) not followed/);
    expect((await rejection(http.send(warning()))).reason).to.match(/^HTTP 301: redirect without a Location not followed/);
    expect(scope.pendingMocks(), 'the redirect target was never asked').to.deep.equal(['POST https://chat.example.test:443/hook2']);
  });

  it('treats errors that will not pass by themselves as permanent', async () => {
    nock(CHAT).post('/hook').replyWithError(networkError('CERT_HAS_EXPIRED')).post('/hook').reply(200);
    const { http } = client();
    const failure = await rejection(http.send(warning()));
    expect(failure).to.deep.include({ permanent: true, code: 'CERT_HAS_EXPIRED', attempts: 1 });
    const malformed = await rejection(http.send(warning({ url: 'not a url' })));
    expect(malformed).to.deep.include({ permanent: true, attempts: 1 });
  });

  it('gives up on a 500 that never clears after maxAttempts, not permanent, each delay within its window', async () => {
    const scope = nock(CHAT).post('/hook').times(DEFAULT_RETRY_POLICY.maxAttempts).reply(500, 'oops').post('/hook').reply(200);
    const { http, delays } = client();
    const failure = await rejection(http.send(warning()));
    expect(failure).to.deep.include({ permanent: false, status: 500, attempts: 6, reason: 'HTTP 500: oops' });
    expect(failure.message).to.equal('chat: warning MB-42: gave up after 6 attempts (HTTP 500: oops)');
    expect(delays).to.have.lengthOf(5);
    delays.forEach((delay, retry) => expect(delay, `retry ${retry}`).to.be.within(0, ceiling(retry)));
    expect(scope.pendingMocks()).to.have.lengthOf(1);
  });

  it('honours a configured maxAttempts', async () => {
    nock(CHAT).post('/hook').times(3).reply(500).post('/hook').reply(200);
    const { http } = client({ retry: { maxAttempts: 3 } });
    expect((await rejection(http.send(warning()))).attempts).to.equal(3);
    expect(() => new OutboundHttp({ retry: { maxAttempts: 0 } })).to.throw(RangeError);
  });

  describe('bodies', () => {
    interface Seen {
      body: string;
      headers: Record<string, unknown>;
    }

    function capture(scope: nock.Scope): Seen[] {
      const seen: Seen[] = [];
      scope.on('request', (req: { headers: Record<string, unknown> }, _interceptor: unknown, body: string) => seen.push({ body, headers: req.headers }));
      return seen;
    }

    it('sends an object as JSON, byte for byte, with application/json', async () => {
      const body = { text: 'Frist verstreicht — MB-42 ⏰', blocks: [{ type: 'section', n: 1.5 }], z: null, a: true };
      const scope = nock(CHAT).post('/hook').reply(200);
      const seen = capture(scope);
      await client().http.send(warning({ body }));
      const expected = JSON.stringify(body);
      expect(seen).to.have.lengthOf(1);
      expect(seen[0]!.body).to.equal(expected);
      expect(seen[0]!.headers['content-type']).to.equal('application/json');
      expect(Number(seen[0]!.headers['content-length'])).to.equal(Buffer.byteLength(expected));
    });

    it('sends a string as is, with text/plain unless the caller names a type', async () => {
      const text = '{"already":"serialised",  "spacing":"kept"}\n';
      const scope = nock(TRACKER).post('/plain').reply(200).post('/typed').reply(200);
      const seen = capture(scope);
      const http = client().http;
      await http.send({ url: `${TRACKER}/plain`, method: 'POST', body: 'Übergabe an 2nd level\n', description: 'plain' });
      await http.send({ url: `${TRACKER}/typed`, method: 'POST', body: text, headers: { 'Content-Type': 'application/vnd.api+json' }, description: 'typed' });
      expect(seen.map((request) => request.body)).to.deep.equal(['Übergabe an 2nd level\n', text]);
      expect(seen.map((request) => request.headers['content-type'])).to.deep.equal(['text/plain; charset=utf-8', 'application/vnd.api+json']);
    });

    it('sends the caller’s headers', async () => {
      const scope = nock(TRACKER, { reqheaders: { authorization: 'Bearer t0ken', 'x-atlassian-token': 'no-check' } }).delete('/rest/api/2/issue/MB-42/watchers').reply(204);
      await client().http.send({
        url: `${TRACKER}/rest/api/2/issue/MB-42/watchers`,
        method: 'DELETE',
        headers: { Authorization: 'Bearer t0ken', 'X-Atlassian-Token': 'no-check' },
        description: 'jira: unwatch MB-42',
      });
      expect(scope.isDone()).to.equal(true);
    });
  });

  it('keeps webhook secrets and credentials out of logs and out of the failure', async () => {
    const secretPath = '/services/T0001/B0002/XyZsEcReTpAtH';
    const lines: string[] = [];
    const logger = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) })],
    });
    nock('https://hooks.slack.com')
      .post(secretPath)
      .query({ token: 'QuErYsEcReT' })
      .reply(500, 'internal')
      .post(secretPath)
      .query({ token: 'QuErYsEcReT' })
      .reply(404, `no_service ${secretPath} token=QuErYsEcReT`);
    const { http } = client({ logger });
    const failure = await rejection(
      http.send({
        url: `https://hooks.slack.com${secretPath}?token=QuErYsEcReT`,
        method: 'POST',
        headers: { Authorization: 'Bearer HeAdErSeCrEt' },
        body: { text: 'hello' },
        description: 'slack team channel: warning MB-42',
      }),
    );
    expect(failure).to.deep.include({ permanent: true, status: 404, attempts: 2 });
    expect(failure.request).to.deep.equal({
      url: 'https://hooks.slack.com/[redacted]?token=[redacted]',
      method: 'POST',
      headers: { Authorization: '[redacted]' },
      description: 'slack team channel: warning MB-42',
    });
    const everything = [...lines, failure.message, failure.reason, failure.stack ?? '', JSON.stringify(failure)].join('\n');
    expect(lines.length).to.be.greaterThan(1);
    expect(lines.join('\n')).to.include('https://hooks.slack.com');
    for (const secret of ['XyZsEcReTpAtH', 'QuErYsEcReT', 'HeAdErSeCrEt', 'T0001']) expect(everything).not.to.include(secret);
  });

  describe('backoff', () => {
    const policies = fc.record({
      baseDelayMs: fc.integer({ min: 0, max: 60_000 }),
      factor: fc.constant(2),
      maxDelayMs: fc.integer({ min: 0, max: 600_000 }),
    });

    it('stays within [0, min(cap, base × 2ⁿ)] for any draw in [0, 1)', () => {
      fc.assert(
        fc.property(policies, fc.integer({ min: 0, max: 2_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (policy, retry, draw) => {
          const delay = backoffDelay(retry, policy, () => draw);
          expect(Number.isInteger(delay)).to.equal(true);
          expect(delay).to.be.within(0, ceiling(retry, policy));
        }),
        { numRuns: 1_000 },
      );
    });

    it('is never negative nor above the window, whatever the random source returns', () => {
      fc.assert(
        fc.property(policies, fc.integer({ min: 0, max: 64 }), fc.double(), (policy, retry, draw) => {
          const delay = backoffDelay(retry, policy, () => draw);
          expect(delay).to.be.within(0, ceiling(retry, policy));
        }),
        { numRuns: 1_000 },
      );
    });
  });

  describe('Retry-After parsing', () => {
    const now = Date.UTC(2026, 10, 30, 9, 0, 0);

    it('reads seconds and the three HTTP-date forms; a past date means now', () => {
      expect(parseRetryAfter('0', now)).to.equal(0);
      expect(parseRetryAfter(' 120 ', now)).to.equal(120_000);
      expect(parseRetryAfter('Mon, 30 Nov 2026 09:00:05 GMT', now)).to.equal(5_000);
      expect(parseRetryAfter('Monday, 30-Nov-26 09:00:05 GMT', now)).to.equal(5_000);
      expect(parseRetryAfter('Mon Nov 30 09:00:05 2026', now)).to.equal(5_000);
      expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).to.equal(0);
    });

    it('rejects what is neither', () => {
      for (const value of [undefined, '', '-1', '1.5', 'soon', '2026-11-30T09:00:05Z']) expect(parseRetryAfter(value, now), String(value)).to.equal(undefined);
    });
  });
});
