/**
 * Brute force on the API token: wrong tokens are counted per client in Redis, and a client past the
 * limit gets 429 with Retry-After for every request, the right token included. Who the client is
 * follows SLA_BRIDGE_TRUST_PROXY: a spoofed X-Forwarded-For changes nothing without it, and behind
 * a trusted proxy each forwarded client has its own count. Real express app, real Redis, clients
 * on distinct loopback addresses.
 */
import { expect } from 'chai';
import { clientKey } from '../src/app/http/login-throttle.js';
import { startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { rawRequest, type RawAnswer } from './support/raw-http.js';
import { uniquePrefix } from './support/redis-server.js';

const TOKEN = 'throttle-test-token-7e21';
const LIMIT = { failures: 5, windowMs: 10 * 60_000 };

interface Attempt {
  readonly token: string;
  /** The loopback address the request comes from. */
  readonly from?: string;
  readonly forwardedFor?: string;
  readonly via?: 'bearer' | 'login';
}

function attempt(bridge: TestBridge, { token, from = '127.0.0.1', forwardedFor, via = 'bearer' }: Attempt): Promise<RawAnswer> {
  const headers: [string, string][] = forwardedFor ? [['x-forwarded-for', forwardedFor]] : [];
  if (via === 'login') return rawRequest(`${bridge.url}/api/session`, 'POST', [...headers, ['content-type', 'application/json']], JSON.stringify({ token }), { localAddress: from });
  return rawRequest(`${bridge.url}/api/contracts`, 'GET', [...headers, ['authorization', `Bearer ${token}`]], undefined, { localAddress: from });
}

async function failTimes(bridge: TestBridge, count: number, base: Omit<Attempt, 'token'>): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const answer = await attempt(bridge, { ...base, token: `wrong-${index}` });
    expect(answer.status, `wrong token ${index + 1}: ${answer.text}`).to.equal(401);
  }
}

function expectThrottled(answer: RawAnswer): void {
  expect(answer.status, answer.text).to.equal(429);
  const retryAfter = Number(answer.headers['retry-after']);
  expect(retryAfter).to.be.within(1, LIMIT.windowMs / 1000);
  expect(answer.json).to.deep.include({ reason: 'rate-limited' });
  expect(String(answer.json!.error)).to.match(/too many wrong API tokens .*retry in \d+ s/);
}

describe('API token brute force', function () {
  this.timeout(30_000);

  describe('without a trusted proxy', () => {
    let bridge: TestBridge;
    before(async () => {
      bridge = await startTestBridge({ apiToken: TOKEN, loginThrottle: LIMIT });
    });
    after(async () => {
      await bridge.close();
    });

    it('lets the right token through any number of times', async () => {
      for (let index = 0; index < LIMIT.failures * 3; index += 1) expect((await attempt(bridge, { token: TOKEN, from: '127.0.0.9' })).status).to.equal(200);
    });

    it('refuses a client 429 with Retry-After after too many wrong bearer tokens, the right one included', async () => {
      await failTimes(bridge, LIMIT.failures, { from: '127.0.0.2' });
      expectThrottled(await attempt(bridge, { token: TOKEN, from: '127.0.0.2' }));
      expectThrottled(await attempt(bridge, { token: 'wrong-again', from: '127.0.0.2' }));
      expectThrottled(await attempt(bridge, { token: TOKEN, from: '127.0.0.2', via: 'login' }));
      // Another client is not affected.
      expect((await attempt(bridge, { token: TOKEN, from: '127.0.0.3' })).status).to.equal(200);
    });

    it('counts wrong tokens sent to POST /api/session together with wrong bearer tokens', async () => {
      await failTimes(bridge, LIMIT.failures - 2, { from: '127.0.0.4', via: 'login' });
      await failTimes(bridge, 2, { from: '127.0.0.4' });
      expectThrottled(await attempt(bridge, { token: TOKEN, from: '127.0.0.4', via: 'login' }));
    });

    it('counts no request without a token (the dashboard before login), and no right one', async () => {
      for (let index = 0; index < LIMIT.failures * 2; index += 1) {
        expect((await rawRequest(`${bridge.url}/api/contracts`, 'GET', [], undefined, { localAddress: '127.0.0.5' })).json).to.deep.include({ reason: 'missing' });
      }
      await failTimes(bridge, LIMIT.failures, { from: '127.0.0.5' });
      expectThrottled(await attempt(bridge, { token: TOKEN, from: '127.0.0.5' }));
    });

    it('does not believe a spoofed X-Forwarded-For: every forwarded address is the same client', async () => {
      for (let index = 0; index < LIMIT.failures; index += 1) {
        expect((await attempt(bridge, { token: `wrong-${index}`, from: '127.0.0.6', forwardedFor: `198.51.100.${index}` })).status).to.equal(401);
      }
      expectThrottled(await attempt(bridge, { token: TOKEN, from: '127.0.0.6', forwardedFor: '198.51.100.200' }));
    });
  });

  describe('behind a trusted proxy (SLA_BRIDGE_TRUST_PROXY=loopback)', () => {
    let bridge: TestBridge;
    before(async () => {
      bridge = await startTestBridge({ apiToken: TOKEN, loginThrottle: LIMIT, trustProxy: 'loopback' });
    });
    after(async () => {
      await bridge.close();
    });

    it('counts each forwarded client on its own, so the proxy does not make all clients one', async () => {
      await failTimes(bridge, LIMIT.failures, { forwardedFor: '203.0.113.7' });
      expectThrottled(await attempt(bridge, { token: TOKEN, forwardedFor: '203.0.113.7' }));
      expect((await attempt(bridge, { token: TOKEN, forwardedFor: '203.0.113.8' })).status).to.equal(200);
      // The proxy's own address with another client behind it is not throttled either.
      expect((await attempt(bridge, { token: TOKEN, forwardedFor: '2001:db8:1::5' })).status).to.equal(200);
    });

    it('counts an IPv6 client by its /64', async () => {
      await failTimes(bridge, LIMIT.failures, { forwardedFor: '2001:db8:aa:bb::1' });
      expectThrottled(await attempt(bridge, { token: TOKEN, forwardedFor: '2001:db8:aa:bb:ffff::2' }));
      expect((await attempt(bridge, { token: TOKEN, forwardedFor: '2001:db8:aa:bc::1' })).status).to.equal(200);
    });
  });

  it('shares the count between API processes on one Redis', async () => {
    const prefix = uniquePrefix('throttle');
    const first = await startTestBridge({ apiToken: TOKEN, loginThrottle: LIMIT, prefix, role: 'api' });
    const second = await startTestBridge({ apiToken: TOKEN, loginThrottle: LIMIT, prefix, role: 'api' });
    try {
      await failTimes(first, LIMIT.failures - 1, { from: '127.0.0.7' });
      await failTimes(second, 1, { from: '127.0.0.7' });
      expectThrottled(await attempt(first, { token: TOKEN, from: '127.0.0.7' }));
      expectThrottled(await attempt(second, { token: TOKEN, from: '127.0.0.7' }));
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keys clients: IPv4 and IPv4-mapped alike, IPv6 by /64 however written', () => {
    const cases: [string | undefined, string][] = [
      ['203.0.113.9', '203.0.113.9'],
      ['::ffff:203.0.113.9', '203.0.113.9'],
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['2001:0db8:0000:0000:ffff:0:0:1', '2001:db8:0:0::/64'],
      ['2001:db8:0:1::1', '2001:db8:0:1::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
      ['::1', '0:0:0:0::/64'],
      [undefined, 'unknown'],
    ];
    for (const [address, key] of cases) expect(clientKey(address), String(address)).to.equal(key);
  });
});
