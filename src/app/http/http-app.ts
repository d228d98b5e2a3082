/** The bridge's HTTP surface: webhooks, health and the API. */
import express, { type Express } from 'express';
import type { DeliveryIntake } from './delivery-intake.js';
import { apiRouter, type ApiDeps } from './api-routes.js';
import { DASHBOARD_HTML } from './dashboard-page.js';
import { webhookRoute, type WebhookRouteDeps } from './webhook-route.js';

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
}

export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.post('/webhooks/:sourceId', webhookRoute(deps));
  app.use('/api', apiRouter(deps.api));
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
  return app;
}
