/**
 * A chat endpoint of our own on loopback, for the generic `webhook` channel: it reads the
 * notification id from `X-Sla-Bridge-Notification-Id` and answers each request as its behaviour
 * says, with 200, 500, 429 + Retry-After, 400, or no answer at all (held until the client gives up or
 * the test releases it). Which answer a request gets is drawn from a hash of the seed, the
 * notification id and how many requests for that id came before, so a run is reproducible
 * whatever order the requests arrive in.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOTIFICATION_ID_HEADER } from '../../connectors/chat/webhook/index.js';

export type Answer = 'ok' | 'error' | 'rate-limited' | 'refused' | 'hang';

/** Shares of requests per answer (the rest get 200); `hang` requests are held past the client's timeout. */
export interface Behaviour {
  readonly error?: number;
  readonly rateLimited?: number;
  /** Answered 400: a permanent failure. */
  readonly refused?: number;
  readonly hang?: number;
  /** Seconds in the 429's Retry-After. */
  readonly retryAfterS?: number;
}

export interface ReceivedRequest {
  readonly notificationId: string;
  /** 1 for the first request carrying this id. */
  readonly attempt: number;
  readonly answer: Answer;
  readonly at: number;
}

export interface ChatReceiver {
  readonly url: string;
  readonly requests: readonly ReceivedRequest[];
  /** Requests answered 200, by notification id: what the channel shows. */
  delivered(): Map<string, number>;
  /** When each notification id was first answered 200. */
  deliveredAt(): Map<string, number>;
  /** Requests held without an answer right now. */
  readonly hanging: number;
  /** Answers every held request with 200 (as delivered), and stops holding new ones. */
  release(): void;
  close(): Promise<void>;
}

/** Uniform in [0, 1) from the seed, the id and the attempt. */
function draw(seed: string, notificationId: string, attempt: number): number {
  return parseInt(createHash('sha256').update(`${seed}\u0000${notificationId}\u0000${attempt}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

export function answerFor(behaviour: Behaviour, fraction: number): Answer {
  const error = behaviour.error ?? 0;
  const rateLimited = behaviour.rateLimited ?? 0;
  const refused = behaviour.refused ?? 0;
  const hang = behaviour.hang ?? 0;
  if (fraction < error) return 'error';
  if (fraction < error + rateLimited) return 'rate-limited';
  if (fraction < error + rateLimited + refused) return 'refused';
  if (fraction < error + rateLimited + refused + hang) return 'hang';
  return 'ok';
}

export async function startChatReceiver(behaviour: Behaviour = {}, seed = 'sla-bridge'): Promise<ChatReceiver> {
  const requests: ReceivedRequest[] = [];
  const attempts = new Map<string, number>();
  const held = new Set<{ response: ServerResponse; record: () => void }>();
  let released = false;

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    // The body is read to the end so that the client's request completes, then ignored.
    request.resume();
    request.on('end', () => {
      const notificationId = String(request.headers[NOTIFICATION_ID_HEADER.toLowerCase()] ?? '');
      const attempt = (attempts.get(notificationId) ?? 0) + 1;
      attempts.set(notificationId, attempt);
      const answer = released ? 'ok' : answerFor(behaviour, draw(seed, notificationId, attempt));
      const record = (final: Answer) => requests.push({ notificationId, attempt, answer: final, at: Date.now() });
      if (answer === 'hang') {
        const entry = { response, record: () => record('ok') };
        held.add(entry);
        // The client gave up: this request was not delivered.
        response.on('close', () => {
          if (held.delete(entry)) record('hang');
        });
        return;
      }
      record(answer);
      if (answer === 'ok') response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else if (answer === 'error') response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      else if (answer === 'refused') response.writeHead(400, { 'content-type': 'text/plain' }).end('no such hook');
      else response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(behaviour.retryAfterS ?? 1) }).end('slow down');
    });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const okRequests = () => requests.filter((request) => request.answer === 'ok');

  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    delivered() {
      const counts = new Map<string, number>();
      for (const { notificationId } of okRequests()) counts.set(notificationId, (counts.get(notificationId) ?? 0) + 1);
      return counts;
    },
    deliveredAt() {
      const first = new Map<string, number>();
      for (const { notificationId, at } of okRequests()) if (!first.has(notificationId)) first.set(notificationId, at);
      return first;
    },
    get hanging() {
      return held.size;
    },
    release() {
      released = true;
      for (const entry of [...held]) {
        held.delete(entry);
        entry.record();
        entry.response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    },
    async close() {
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
