/**
 * The one way the bridge sends HTTP: chat webhooks and tracker write-back. Each request is retried
 * with exponential backoff and full jitter while the failure may pass (network errors, timeouts,
 * 5xx, 408, 429), honouring Retry-After; a failure that will not pass by itself (any other 4xx, a
 * redirect, which is never followed, a malformed URL) ends at once. Either way the caller gets a `DeliveryFailure` it can
 * put on the dead-letter list. A caller that retries on its own (the chat queues, which wait as
 * delayed jobs instead of inside a worker) asks for one attempt and reads `retryAfterMs`.
 *
 * Delivery is at least once: a request that timed out may have been handled by the server, and
 * the retry sends it again. Write-back should be idempotent (PUT the deadline, not "add a comment").
 */
import axios, { type AxiosInstance } from 'axios';
import type { HttpMethod, OutboundRequest } from '../../../connectors/outbound-request.js';
import { createLogger, type Logger } from '../logger.js';
import { logTarget, redactHeaders, redactUrl, scrubRequestSecrets } from './redact.js';


/** The request as it may be shown and logged: no credentials, no webhook secrets, no body. */
export interface RedactedRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly description: string;
}

export interface OutboundResponse<T = unknown> {
  readonly status: number;
  /** Parsed JSON when the server sent JSON, the text otherwise. */
  readonly data: T;
  /** Lower-case names, e.g. `x-total-count`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly attempts: number;
}

export interface RetryPolicy {
  /** Upper bound of the first retry's delay; the bound doubles (times `factor`) per retry. */
  readonly baseDelayMs: number;
  readonly factor: number;
  /** No backoff delay exceeds this. */
  readonly maxDelayMs: number;
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** A Retry-After longer than this is shortened to it, so a server cannot park a worker for hours. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: 6,
  maxRetryAfterMs: 60_000,
};

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface OutboundHttpOptions {
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
  readonly userAgent?: string;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), like Math.random. */
  readonly random?: () => number;
  /** For Retry-After given as an HTTP-date. */
  readonly now?: () => number;
}

/** Per call: `maxAttempts` overrides the policy's (1: one attempt, the caller retries). */
export interface SendOptions {
  readonly maxAttempts?: number;
}

export interface DeliveryFailureDetails {
  readonly permanent: boolean;
  readonly status?: number;
  /** What the last answer's Retry-After asked for (429, 503), uncapped; undefined without one. */
  readonly retryAfterMs?: number;
  /** The refusal's body (parsed JSON, or text), for telling what it means; never logged. */
  readonly responseData?: unknown;
  /** The network error's code (ECONNRESET, ETIMEDOUT, …) when no response came. */
  readonly code?: string;
  readonly attempts: number;
  readonly reason: string;
  readonly request: RedactedRequest;
}

/**
 * The request was not delivered. `permanent`: retrying the same request will not help (a 4xx, a
 * bad URL); otherwise the retries ran out. Carries no secrets and no `cause`: the underlying axios
 * error holds the request's headers, and errors end up in logs.
 */
export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';
  readonly permanent: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;
  readonly attempts: number;
  readonly reason: string;
  readonly request: RedactedRequest;
  declare readonly responseData: unknown;

  constructor(details: DeliveryFailureDetails) {
    super(
      `${details.request.description}: ${details.permanent ? 'failed permanently' : 'gave up'} after ${details.attempts} attempt${details.attempts === 1 ? '' : 's'} (${details.reason})`,
    );
    this.permanent = details.permanent;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.code = details.code;
    this.attempts = details.attempts;
    this.reason = details.reason;
    this.request = details.request;
    // Not enumerable: a failure may be logged or serialised whole, and the body is the tracker's business.
    Object.defineProperty(this, 'responseData', { value: details.responseData, enumerable: false });
  }
}

/**
 * Full jitter: the delay before retry `retry` (0 for the first retry) is uniform in
 * [0, min(maxDelayMs, baseDelayMs * factor^retry)], whole milliseconds. Spreading retries over the
 * whole window keeps many workers that failed together from hammering the server together.
 */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'factor' | 'maxDelayMs'>, random: () => number): number {
  // A zero base stays zero however far the retries go (0 × 2^1024 would be NaN).
  const window = policy.baseDelayMs > 0 ? policy.baseDelayMs * policy.factor ** Math.max(0, retry) : 0;
  const ceiling = Math.max(0, Math.min(policy.maxDelayMs, window));
  const fraction = random();
  // A random source outside [0, 1) must not produce a negative delay or one above the ceiling.
  const bounded = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
  return Math.min(ceiling, Math.floor(bounded * ceiling));
}

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP-date; undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with the day name; Date.parse alone would read "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  // asctime() dates name no zone and HTTP means GMT; Date.parse would take them as local time.
  const at = Date.parse(/^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/.test(text) ? `${text} GMT` : text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// No response came, but one may come next time. Anything else without a response (a malformed
// URL, a certificate the server will keep presenting) is permanent.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export function redactRequest(request: OutboundRequest): RedactedRequest {
  return { url: redactUrl(request.url), method: request.method, headers: redactHeaders(request.headers), description: request.description };
}

type Outcome =
  | { readonly ok: true; readonly status: number; readonly data: unknown; readonly headers: Record<string, string> }
  | {
      readonly ok: false;
      readonly permanent: boolean;
      readonly status?: number;
      readonly responseData?: unknown;
      readonly code?: string;
      readonly reason: string;
      readonly retryAfterMs?: number;
    };

const EXCERPT_LENGTH = 200;

/** The start of a server's answer, for a reason; `scrub` runs before it is cut, so no secret is left half there. */
function excerpt(data: unknown, scrub: (text: string) => string = (text) => text): string {
  if (data === undefined || data === null || data === '') return '';
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const flat = scrub(text).replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat;
}

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Axios's response headers as plain lower-case strings (multi-valued ones joined). */
function headerRecord(headers: object): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    record[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return record;
}

/** The bytes to send and the headers to send them with. */
function encode(request: OutboundRequest): { data: string | undefined; headers: Record<string, string> } {
  const headers = { ...request.headers };
  if (request.body === undefined) return { data: undefined, headers };
  const json = typeof request.body !== 'string';
  const data = json ? JSON.stringify(request.body) : (request.body as string);
  if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = json ? 'application/json' : 'text/plain; charset=utf-8';
  return { data, headers };
}

/**
 * Why a redirect was not followed, naming where it pointed by origin only (its path and query may
 * carry what the tracker put there). No redirect is followed, to another host or to the same one:
 * a request goes only where the config points (a tracker's `base_url`, a chat URL), its
 * credentials with it, and a server that redirects means the config names another address than its own.
 */
function redirectReason(status: number, url: string, location: unknown): string {
  const target = typeof location === 'string' && location !== '' ? location : undefined;
  let where = 'without a Location';
  if (target !== undefined) {
    try {
      const origin = new URL(target, url).origin;
      where = origin === new URL(url).origin ? `to ${origin} (the same origin)` : `to another host, ${origin}`;
    } catch {
      where = 'to an unreadable Location';
    }
  }
  return `HTTP ${status}: redirect ${where} not followed (the bridge follows no redirects: point the config at the address itself)`;
}

export class OutboundHttp {
  private readonly client: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: OutboundHttpOptions = {}) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (!Number.isInteger(this.policy.maxAttempts) || this.policy.maxAttempts < 1) throw new RangeError(`maxAttempts must be a whole number ≥ 1, got ${this.policy.maxAttempts}`);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.logger = (options.logger ?? createLogger({ silent: true })).child({ component: 'outbound-http' });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.client = axios.create({
      // Every status is an answer we classify ourselves.
      validateStatus: () => true,
      // A followed redirect would turn a POST into a GET and could carry credentials to another host.
      maxRedirects: 0,
      // The body is already the exact bytes to send.
      transformRequest: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
      headers: { 'User-Agent': options.userAgent ?? 'sla-bridge' },
    });
  }

  /** Sends `request`, retrying transient failures; resolves on 2xx, throws `DeliveryFailure` otherwise. */
  async send<T = unknown>(request: OutboundRequest, options: SendOptions = {}): Promise<OutboundResponse<T>> {
    const maxAttempts = options.maxAttempts ?? this.policy.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`);
    const { data, headers } = encode(request);
    const log = { description: request.description, method: request.method, target: logTarget(request.url) };
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(request, data, headers);
      if (outcome.ok) {
        if (attempt > 1) this.logger.info('delivered after retrying', { ...log, status: outcome.status, attempts: attempt });
        return { status: outcome.status, data: outcome.data as T, headers: outcome.headers, attempts: attempt };
      }
      if (outcome.permanent || attempt >= maxAttempts) {
        const failure = new DeliveryFailure({
          permanent: outcome.permanent,
          status: outcome.status,
          retryAfterMs: outcome.retryAfterMs,
          responseData: outcome.responseData,
          code: outcome.code,
          attempts: attempt,
          reason: outcome.reason,
          request: redactRequest(request),
        });
        // A single attempt's caller decides what the failure means and logs it itself.
        if (maxAttempts > 1 || failure.permanent) {
          this.logger.warn('delivery failed', { ...log, permanent: failure.permanent, status: failure.status, attempts: attempt, reason: failure.reason });
        }
        throw failure;
      }
      const delayMs =
        outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, this.policy.maxRetryAfterMs) : backoffDelay(attempt - 1, this.policy, this.random);
      this.logger.info('retrying delivery', { ...log, status: outcome.status, attempt, delayMs, reason: outcome.reason });
      await this.sleep(delayMs);
    }
  }

  private async attempt(request: OutboundRequest, data: string | undefined, headers: Record<string, string>): Promise<Outcome> {
    try {
      const response = await this.client.request({
        url: request.url,
        method: request.method,
        headers,
        data,
        timeout: request.timeoutMs ?? this.timeoutMs,
      });
      const status = response.status;
      if (status >= 200 && status < 300) return { ok: true, status, data: response.data, headers: headerRecord(response.headers) };
      if (status >= 300 && status < 400) return { ok: false, permanent: true, status, responseData: response.data, reason: redirectReason(status, request.url, response.headers.location) };
      const detail = excerpt(response.data, (text) => scrubRequestSecrets(text, request));
      const reason = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
      // 408: the server timed out waiting for the request, which may well arrive in time next time.
      if (status !== 408 && status !== 429 && status < 500) return { ok: false, permanent: true, status, responseData: response.data, reason };
      const retryAfter = response.headers['retry-after'];
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined, this.now()) : undefined;
      return { ok: false, permanent: false, status, reason, retryAfterMs };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const message = error instanceof Error ? error.message : String(error);
      const codeText = typeof code === 'string' ? code : undefined;
      return {
        ok: false,
        permanent: codeText === undefined || !TRANSIENT_NETWORK_CODES.has(codeText),
        code: codeText,
        reason: scrubRequestSecrets(codeText && !message.includes(codeText) ? `${codeText}: ${message}` : message, request),
      };
    }
  }
}
