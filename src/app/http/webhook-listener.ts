/**
 * The node request listener of the bridge's HTTP server: `POST /webhooks/<source>` goes straight
 * to the webhook handler, everything else (and any webhook path it cannot read) to the express
 * app. Webhooks are nearly all the requests a bridge takes, and express's per-request work (its
 * request and response prototypes, the router walking its layers, `res.json` hashing an ETag)
 * cost about a tenth of each one's CPU time for nothing a tracker reads. The handler is the one the
 * express route calls, so the answers do not depend on which path a request took.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { WebhookGate } from './webhook-gate.js';
import type { WebhookHandler } from './webhook-route.js';

/** As the express route `/webhooks/:sourceId` matches: any case, one segment, an optional trailing slash and query. */
const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)\/?(?:\?.*)?$/i;

/** The source id of a webhook request's path, or undefined for any other request. */
export function webhookSourceId(request: Pick<IncomingMessage, 'method' | 'url'>): string | undefined {
  if (request.method !== 'POST') return undefined;
  const match = WEBHOOK_PATH.exec(request.url ?? '');
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    // Not valid percent-encoding: express answers that one, as it answers every other path.
    return undefined;
  }
}

/** `gate`: how many webhooks are handled at once where the workers share the process (./webhook-gate.ts). */
export function webhookListener(handle: WebhookHandler, app: RequestListener, gate?: WebhookGate, failed: (error: unknown) => void = () => undefined): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const sourceId = webhookSourceId(request);
    if (sourceId === undefined) return void app(request, response);
    // What express's error handler did for the route: a throw is a 500, never a crashed process.
    const guarded = () => {
      try {
        handle(request, response, sourceId);
      } catch (error) {
        failed(error);
        if (response.headersSent) return void response.destroy();
        response.statusCode = 500;
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        response.end(JSON.stringify({ error: 'internal error' }));
      }
    };
    if (!gate) return guarded();
    gate.admit(request, response, guarded);
  };
}
