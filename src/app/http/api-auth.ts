/**
 * Who may use /api/: a client sending `Authorization: Bearer <SLA_BRIDGE_API_TOKEN>`, or a browser
 * that logged in with POST /api/session and holds the session cookie. The cookie opens GET and HEAD
 * only: a request that changes something needs the header, which no other site can make a browser send.
 * A second, read-only token (SLA_BRIDGE_API_READ_TOKEN, for integrations such as the MantisBT
 * plugin's issue panel) opens GET and HEAD only, as a bearer header; it cannot log in.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { clientKey, type LoginThrottle } from './login-throttle.js';
import { checkSession, issueSession, readCookie, SESSION_COOKIE, SESSION_LIFETIME_MS } from './session-cookie.js';

export interface ApiAuthDeps {
  /** Undefined: the API refuses every request, saying how to enable it. */
  readonly token: string | undefined;
  /** SLA_BRIDGE_API_READ_TOKEN: opens GET and HEAD under /api/ only; undefined: there is none. */
  readonly readToken?: string | undefined;
  readonly now: () => number;
  /** Counts wrong tokens per client and refuses a client that sent too many (login-throttle.ts). */
  readonly throttle: LoginThrottle;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);
const DISABLED = 'the API is disabled: set SLA_BRIDGE_API_TOKEN';
const BEARER_HINT = 'Authorization: Bearer <SLA_BRIDGE_API_TOKEN>';

const digest = (text: string) => createHash('sha256').update(text).digest();
// Comparing digests keeps the comparison constant-time whatever the lengths.
const sameSecret = (given: string, token: string) => timingSafeEqual(digest(given), digest(token));

/**
 * Which token a bearer is. Both comparisons always run, so the time taken does not tell whether
 * a guess came close to either token.
 */
function whichToken(given: string, deps: ApiAuthDeps): 'full' | 'read' | undefined {
  const full = deps.token !== undefined && sameSecret(given, deps.token);
  const read = deps.readToken !== undefined && sameSecret(given, deps.readToken);
  return full ? 'full' : read ? 'read' : undefined;
}

const READ_ONLY = (method: string) => `${method} needs SLA_BRIDGE_API_TOKEN: SLA_BRIDGE_API_READ_TOKEN is read-only and opens GET and HEAD requests only`;

function cookieOptions(request: Request) {
  // req.secure believes X-Forwarded-Proto only when the app trusts the proxy (SLA_BRIDGE_TRUST_PROXY).
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: request.secure } as const;
}

/** Why a request was refused, for clients that act on it (the dashboard shows no error for `missing`). */
export type RefusalReason = 'disabled' | 'missing' | 'wrong-token' | 'bearer-required' | 'session-expired' | 'session-invalid';

/** A right token that may not do what was asked: the read-only token on a request that changes something. */
function forbid(response: Response, error: string): void {
  response.status(403).json({ error, reason: 'read-only' });
}

function refuse(response: Response, reason: RefusalReason, error: string): void {
  response.set('WWW-Authenticate', 'Bearer realm="sla-bridge"');
  response.status(401).json({ error, reason });
}

/** A wrong token is counted before it is answered, so the answer to the next attempt already knows. */
async function refuseGuess(deps: ApiAuthDeps, request: Request, response: Response, error: string): Promise<void> {
  await deps.throttle.failed(clientKey(request.ip));
  refuse(response, 'wrong-token', error);
}

/**
 * Before anything else under /api/: a client that sent too many wrong tokens gets 429 with
 * Retry-After for every request, the right token included, until its window has passed.
 */
export function apiThrottle(deps: ApiAuthDeps) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const waitMs = await deps.throttle.retryAfterMs(clientKey(request.ip));
    if (waitMs === undefined) return next();
    const seconds = Math.ceil(waitMs / 1000);
    response.set('Retry-After', String(seconds));
    response.status(429).json({
      error: `too many wrong API tokens from this client (${deps.throttle.options.failures} within ${Math.round(deps.throttle.options.windowMs / 60_000)} min): retry in ${seconds} s`,
      reason: 'rate-limited',
    });
  };
}
export function apiAuth(deps: ApiAuthDeps) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!deps.token && !deps.readToken) return refuse(response, 'disabled', DISABLED);
    // Another scheme (a proxy's Basic auth) is not ours to judge; the cookie may still let the browser in.
    const bearer = /^Bearer\s+(.+)$/i.exec(request.get('authorization') ?? '')?.[1];
    if (bearer !== undefined) {
      const token = whichToken(bearer, deps);
      if (token === 'full') return next();
      if (token === 'read') return SAFE_METHODS.has(request.method) ? next() : forbid(response, READ_ONLY(request.method));
      return refuseGuess(deps, request, response, 'wrong bearer token');
    }
    const cookie = readCookie(request.get('cookie'), SESSION_COOKIE);
    if (cookie === undefined) return refuse(response, 'missing', `missing credentials: send ${BEARER_HINT}, or log in with POST /api/session (then GET and HEAD requests need nothing else)`);
    if (!deps.token) return refuse(response, 'disabled', `${DISABLED} to log in; SLA_BRIDGE_API_READ_TOKEN opens GET and HEAD requests as a bearer header only`);
    if (!SAFE_METHODS.has(request.method)) return refuse(response, 'bearer-required', `${request.method} needs ${BEARER_HINT}; the session cookie opens GET and HEAD requests only`);
    const check = checkSession(deps.token, cookie, deps.now());
    if (check === 'valid') return next();
    response.clearCookie(SESSION_COOKIE, cookieOptions(request));
    if (check === 'expired') refuse(response, 'session-expired', 'the session has expired: log in again');
    else refuse(response, 'session-invalid', 'the session is no longer valid (was the API token changed?): log in again');
  };
}

const loginSchema = z.looseObject({ token: z.string().min(1) });
const BODY_LIMIT = '4kb';

/**
 * POST /session logs in (JSON `{"token": "…"}` or a form field `token`), DELETE /session logs out.
 * Mounted before `apiAuth`: logging in is how a browser gets past it.
 */
export function sessionRouter(deps: ApiAuthDeps): Router {
  const router = express.Router();
  router.post('/session', express.json({ limit: BODY_LIMIT }), express.urlencoded({ extended: false, limit: BODY_LIMIT }), (request, response) => {
    if (!deps.token) return refuse(response, 'disabled', DISABLED);
    const body = loginSchema.safeParse(request.body ?? {});
    if (!body.success) {
      const given = (request.body as { token?: unknown } | undefined)?.token;
      const problem = given === undefined ? 'missing' : body.error.issues[0]!.message;
      return void response.status(400).json({ error: `token: ${problem} (send JSON {"token": "…"} or a form field token)`, field: 'token' });
    }
    if (whichToken(body.data.token, deps) === 'read') return forbid(response, 'SLA_BRIDGE_API_READ_TOKEN cannot log in: send it as Authorization: Bearer <token> with GET and HEAD requests');
    if (!sameSecret(body.data.token, deps.token)) return refuseGuess(deps, request, response, "wrong token: it is not the bridge's SLA_BRIDGE_API_TOKEN");
    const session = issueSession(deps.token, deps.now());
    response.cookie(SESSION_COOKIE, session.value, { ...cookieOptions(request), maxAge: SESSION_LIFETIME_MS });
    response.set('Cache-Control', 'no-store').status(204).end();
  });
  // Logging out needs no credentials: it only asks this browser to forget its cookie.
  router.delete('/session', (request, response) => {
    response.clearCookie(SESSION_COOKIE, cookieOptions(request));
    response.status(204).end();
  });
  // A body parser's own message may quote the body, and with it the token: answer without it.
  router.use('/session', (error: { type?: string }, _request: Request, response: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large') return void response.status(413).json({ error: `the body is larger than ${BODY_LIMIT}` });
    response.status(400).json({ error: error.type === 'entity.parse.failed' ? 'the body is not valid JSON' : 'could not read the body' });
  });
  return router;
}
