/** The bridge's HTTP surface: webhooks, health and the API. */
import { STATUS_CODES, type RequestListener } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { DeliveryIntake } from './delivery-intake.js';
import { apiRouter, type ApiDeps } from './api-routes.js';
import { DASHBOARD_HTML } from './dashboard-page.js';
import { webhookHandler, type WebhookHandler, type WebhookRouteDeps } from './webhook-route.js';
import { webhookListener } from './webhook-listener.js';
import { WebhookGate } from './webhook-gate.js';
import { icalRouter } from '../ical/ical-routes.js';

/** Express's `trust proxy` setting: true, a hop count, or the proxies' addresses and subnets. */
export type TrustProxy = boolean | number | string;

export interface HttpAppDeps extends WebhookRouteDeps {
  readonly intake: DeliveryIntake;
  readonly api: ApiDeps;
  /**
   * Unset: X-Forwarded-* headers are ignored, so a session cookie gets `Secure` only when the
   * bridge itself serves https. Behind a TLS-terminating proxy, trust that proxy.
   */
  readonly trustProxy?: TrustProxy | undefined;
  /** How many webhooks are handled at once (./webhook-gate.ts); unset or 0: no limit. */
  readonly webhooksInFlight?: number | undefined;
}

/** What the HTTP server runs: webhooks on the lean path (./webhook-listener.ts), the rest through express. */
export function createRequestListener(deps: HttpAppDeps): RequestListener {
  const webhooks = webhookHandler(deps);
  const log = deps.logger.child({ component: 'http' });
  const failed = (error: unknown) => log.error('request failed', { method: 'POST', path: '/webhooks', error: error instanceof Error ? error.message : String(error) });
  return webhookListener(webhooks, createHttpApp(deps, webhooks), deps.webhooksInFlight ? new WebhookGate(deps.webhooksInFlight) : undefined, failed);
}

export function createHttpApp(deps: HttpAppDeps, webhooks: WebhookHandler = webhookHandler(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.post('/webhooks/:sourceId', (request, response) => webhooks(request, response, String(request.params.sourceId)));
  app.use('/api', apiRouter(deps.api));
  if (deps.api.ical) app.use('/ical', icalRouter(deps.api.ical));
  app.get('/metrics', async (_request, response) => {
    response.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/dashboard', (_request, response) => {
    response.type('html').send(DASHBOARD_HTML);
  });
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  // The config is loaded before the app exists (and a reload keeps one in force), so ready means:
  // Redis answers and takes writes, which is what accepting a webhook needs.
  app.get('/readyz', async (_request, response) => {
    const redis = await deps.health.check();
    const ready = redis.state === 'ok';
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', redis: redis.state, ...(redis.state === 'ok' ? {} : { reason: redis.reason }), config: 'loaded' });
  });
  app.use((_request, response) => {
    response.status(404).json({ error: 'not found' });
  });
  app.use(errorAnswer(deps));
  return app;
}

/**
 * What express would otherwise answer with its own HTML page, stack trace and file paths
 * included: a path that is not valid percent-encoding (`/api/issues/%ff/x`), a route that threw.
 * A client error gets its status and a fixed message (a library's own message may quote the
 * body); anything else is logged and answered 500 without details.
 */
function errorAnswer(deps: Pick<HttpAppDeps, 'logger'>) {
  const log = deps.logger.child({ component: 'http' });
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) return next(error);
    const status = Number((error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode);
    if (status >= 400 && status < 500) {
      const message = error instanceof URIError ? 'the request path is not valid percent-encoding' : (STATUS_CODES[status] ?? 'bad request').toLowerCase();
      return void response.status(status).json({ error: message });
    }
    log.error('request failed', { method: request.method, path: request.path, error: error instanceof Error ? error.message : String(error) });
    response.status(500).json({ error: 'internal error' });
  };
}
