/**
 * Brute force on the API token: a client that sent a wrong token (as a bearer header or to POST
 * /api/session) too often is answered 429 with Retry-After, for every API request, until its
 * window ends; a right token does not get it in early, or guessing would go on at full speed with
 * 429 meaning "wrong".
 *
 * The counts live in Redis (rate-limiter-flexible on the bridge's request connection), so every
 * API process of a deployment (`serve --role api` behind a load balancer) shares them. While Redis
 * does not answer, each process counts on its own in memory, so the limit still holds per process.
 *
 * The client is `request.ip`: the socket's address unless SLA_BRIDGE_TRUST_PROXY names the proxy
 * in front, whose X-Forwarded-For then says who the client is; an X-Forwarded-For from anyone else
 * is not believed. IPv6 clients are counted per /64, the block one subscriber gets.
 */
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../store/redis-connection.js';

export interface LoginThrottleOptions {
  /** Wrong tokens a client may send within the window; the next request is refused. */
  readonly failures: number;
  readonly windowMs: number;
}

/** A person who mistypes the token gets ten tries in a quarter of an hour; a guesser gets 40 an hour. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { failures: 10, windowMs: 15 * 60_000 };

/** The count key of a client address: IPv4 as it is (IPv4-mapped IPv6 too), IPv6 by its /64. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(plain);
  if (mapped) return mapped[1]!;
  if (!isIPv6(plain)) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms other than the mapped one) is two groups; only the first four count.
  const groups = tail === undefined ? left : [...left, ...Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

export class LoginThrottle {
  private readonly limiter: RateLimiterAbstract;

  /** Without `redis` (a unit test, a worker-only bridge) the count is this process's own. */
  constructor(redis: RedisClient | undefined, prefix: string, readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {
    const settings = { points: options.failures, duration: Math.max(1, Math.ceil(options.windowMs / 1000)) };
    const memory = new RateLimiterMemory({ ...settings, keyPrefix: 'api-failures' });
    this.limiter = redis ? new RateLimiterRedis({ ...settings, storeClient: redis, keyPrefix: `${prefix}:api-failures`, insuranceLimiter: memory }) : memory;
  }

  /** How long the client must wait before its next request is looked at, or undefined when it may go on. */
  async retryAfterMs(client: string): Promise<number | undefined> {
    const seen: RateLimiterRes | null = await this.limiter.get(client);
    if (!seen || seen.consumedPoints < this.options.failures) return undefined;
    return Math.max(1, seen.msBeforeNext);
  }

  /** Counts one wrong token of the client. */
  async failed(client: string): Promise<void> {
    await this.limiter.penalty(client, 1);
  }
}
