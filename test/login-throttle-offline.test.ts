/**
 * The login throttle while Redis does not answer: each process counts on its own in memory
 * (rate-limiter-flexible's insurance limiter), so a guesser is still stopped at the limit instead
 * of guessing at full speed during an outage. A real client of the bridge's request role against
 * a port nothing listens on, as when Redis is down.
 */
import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LoginThrottle } from '../src/app/http/login-throttle.js';
import { createRedis, type RedisClient } from '../src/app/store/redis-connection.js';
import { urlTarget } from '../src/app/store/redis-target.js';

const LIMIT = { failures: 4, windowMs: 60_000 };

/** A loopback port that was free a moment ago: nothing answers there. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('login throttle while Redis is away', function () {
  this.timeout(20_000);
  let redis: RedisClient;

  before(async () => {
    redis = createRedis(urlTarget(`redis://127.0.0.1:${await deadPort()}`), 'request');
    redis.on('error', () => undefined);
  });
  after(() => redis.disconnect());

  it('still refuses a client past the limit, counting in memory', async () => {
    const throttle = new LoginThrottle(redis, 'sla-offline', LIMIT);
    for (let index = 0; index < LIMIT.failures; index += 1) {
      expect(await throttle.retryAfterMs('198.51.100.7'), `before wrong token ${index + 1}`).to.equal(undefined);
      await throttle.failed('198.51.100.7');
    }
    const wait = await throttle.retryAfterMs('198.51.100.7');
    expect(wait).to.be.within(1, LIMIT.windowMs);
    expect(await throttle.retryAfterMs('198.51.100.8'), 'another client').to.equal(undefined);
    expect(redis.status, 'Redis really was away').to.not.equal('ready');
  });
});
