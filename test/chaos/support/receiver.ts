/**
 * What is on the other side of the bridge in the chaos scenarios, one plain node:http server on
 * loopback: the chat endpoint of a generic `webhook` channel (POST /chat) and a stand-in Gitea
 * (under /gitea) that takes the write-backs as Gitea answers them (PATCH 201, GET a label list).
 * It records every request. It can hold the next chat message or the next tracker write open,
 * unanswered, as a slow service does: a worker killed then has that request in flight. Given
 * `faults`, it fails requests the way real services fail (./faults.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOTIFICATION_ID_HEADER } from '../../../connectors/chat/webhook/index.js';
import type { SlaNotification } from '../../../connectors/chat/notification.js';
import type { WebhookBody } from '../../../connectors/chat/webhook/payload.js';
import type { Fault, FaultPlan } from './faults.js';

/** The chaos config has no hours card: every message is about an issue's SLA. */
export type SlaWebhookBody = WebhookBody & { readonly notification: SlaNotification };

export interface ChatPost {
  readonly notificationId: string;
  readonly receivedAt: number;
  readonly body: SlaWebhookBody;
  /** What the receiver did with it; a post held or hung open may still have been shown. */
  fault?: Fault;
}

export interface TrackerWrite {
  readonly method: string;
  readonly path: string;
  readonly receivedAt: number;
  readonly body: unknown;
}

/** A request a fault refused or left hanging (taken writes are in `tracker`, chat posts in `chat`). */
export interface FailedRequest {
  readonly kind: 'chat' | 'tracker';
  readonly key: string;
  readonly receivedAt: number;
  readonly fault: Fault;
}

/** A request kept open, never answered (the sender's death closes it): when and where it arrived. */
export interface Hold {
  arrivedAt?: number;
  path?: string;
  notificationId?: string;
}

export interface Receiver {
  readonly url: string;
  readonly chat: ChatPost[];
  readonly tracker: TrackerWrite[];
  readonly failed: FailedRequest[];
  /** Holds the next chat POST open. */
  holdNextChat(): Hold;
  /** Holds the next tracker PATCH open. */
  holdNextTrackerWrite(): Hold;
  close(): Promise<void>;
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });

export async function startReceiver(faults?: FaultPlan): Promise<Receiver> {
  const chat: ChatPost[] = [];
  const tracker: TrackerWrite[] = [];
  const failed: FailedRequest[] = [];
  const attempts = new Map<string, number>();
  const writesByPath = new Map<string, string[]>();
  /** The fault for this attempt at `key`, answered (or left hanging) here; false lets the request through. */
  const inject = (kind: 'chat' | 'tracker', key: string, about: string, receivedAt: number, response: ServerResponse): Fault | false => {
    if (!faults) return false;
    const attempt = (attempts.get(`${kind} ${key}`) ?? 0) + 1;
    attempts.set(`${kind} ${key}`, attempt);
    const fault = faults.decide({ kind, key, about, attempt });
    if (fault.kind === 'ok') return false;
    failed.push({ kind, key, receivedAt, fault });
    // A hanging service answers nothing; the bridge's timeout ends the request.
    if (fault.kind === 'hang') return fault;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
    response.writeHead(fault.status, headers).end(JSON.stringify({ error: `injected ${fault.kind}` }));
    return fault;
  };
  const holds: { chat?: Hold; tracker?: Hold } = {};
  const makeHold = (kind: 'chat' | 'tracker'): Hold => (holds[kind] = {});

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const text = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://receiver').pathname;
    const receivedAt = Date.now();
    const answer = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/chat' && request.method === 'POST') {
      const notificationId = String(request.headers[NOTIFICATION_ID_HEADER.toLowerCase()]);
      const body = JSON.parse(text) as SlaWebhookBody;
      const fault = inject('chat', notificationId, body.notification.issue.id, receivedAt, response);
      // Recorded as it arrives: the bridge sent it, whether or not it hears the answer.
      chat.push({ notificationId, receivedAt, body, ...(fault ? { fault } : {}) });
      if (fault) return;
      const hold = holds.chat;
      holds.chat = undefined;
      if (hold) return void Object.assign(hold, { arrivedAt: receivedAt, path, notificationId });
      return answer(200, { ok: true });
    }
    if (path.startsWith('/gitea/')) {
      if (request.method === 'GET') return answer(200, []);
      // One key per write: the same body sent again is the same write retried. Keyed by its place
      // among the issue's writes, not by its text (the due date in it changes with the day), so
      // that which writes fail is the same on every run.
      if (request.method === 'PATCH') {
        const bodies = writesByPath.get(path) ?? [];
        writesByPath.set(path, bodies);
        if (!bodies.includes(text)) bodies.push(text);
        if (inject('tracker', `${path} write ${bodies.indexOf(text) + 1}`, path, receivedAt, response)) return;
      }
      const hold = request.method === 'PATCH' ? holds.tracker : undefined;
      if (hold) {
        holds.tracker = undefined;
        // Not recorded: Gitea never answered, as if it had not taken the write.
        return void Object.assign(hold, { arrivedAt: receivedAt, path });
      }
      tracker.push({ method: request.method ?? '', path, receivedAt, body: text ? (JSON.parse(text) as unknown) : undefined });
      return answer(request.method === 'PATCH' || request.method === 'POST' ? 201 : 204, {});
    }
    answer(404, { error: `nothing at ${request.method} ${path}` });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    chat,
    tracker,
    failed,
    holdNextChat: () => makeHold('chat'),
    holdNextTrackerWrite: () => makeHold('tracker'),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
