/**
 * The bridge's API under /api/, behind a bearer token (SLA_BRIDGE_API_TOKEN). For now: the
 * dead-letter list of chat messages and write-backs that failed for good, and their replay.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { DeadLetterBusy, DeadLetterNotFound, type DeadLetterStore } from './dead-letters.js';
import { DeliveryFailure, type OutboundHttp } from './outbound-http.js';

export interface ApiDeps {
  /** Undefined: the API refuses every request, saying how to enable it. */
  readonly token: string | undefined;
  readonly deadLetters: DeadLetterStore;
  readonly http: OutboundHttp;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerAuth(token: string | undefined) {
  return (request: Request, response: Response, next: NextFunction) => {
    const given = /^Bearer\s+(.+)$/i.exec(request.get('authorization') ?? '')?.[1];
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (token && given && timingSafeEqual(digest(given), digest(token))) return next();
    response.set('WWW-Authenticate', 'Bearer realm="sla-bridge"');
    response.status(401).json({ error: token ? 'missing or wrong bearer token' : 'the API is disabled: set SLA_BRIDGE_API_TOKEN' });
  };
}

function boundedInt(value: unknown, fallback: number, max: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? Math.min(parsed, max) : fallback;
}

export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.use(bearerAuth(deps.token));
  router.get('/dead-letters', async (request, response) => {
    response.json(await deps.deadLetters.list({ limit: boundedInt(request.query.limit, 50, 1_000), offset: boundedInt(request.query.offset, 0, 1_000_000) }));
  });
  router.post('/dead-letters/:id/replay', async (request, response) => {
    try {
      const result = await deps.deadLetters.replay(String(request.params.id), deps.http);
      response.json({ status: 'replayed', httpStatus: result.status, attempts: result.attempts });
    } catch (error) {
      if (error instanceof DeadLetterNotFound) return void response.status(404).json({ error: `no dead letter ${request.params.id}` });
      if (error instanceof DeadLetterBusy) return void response.status(409).json({ error: 'a replay of this dead letter is already running' });
      if (error instanceof DeliveryFailure) return void response.status(502).json({ error: `replay failed: ${error.reason}`, permanent: error.permanent });
      throw error;
    }
  });
  return router;
}
