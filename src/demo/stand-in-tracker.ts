/**
 * A tracker stand-in on loopback for the demo: it accepts the bridge's write-back requests the way
 * Jira, Gitea, MantisBT, GitLab and GitHub answer them, and Gitea's creation of an issue (a recurring
 * obligation's), and keeps them (with its answer) so the demo can show what was written and tell a
 * write the tracker took from one it refused.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** What the stand-in answered. */
  readonly status: number;
}

export interface StandInTrackerOptions {
  /**
   * Paths under which every request is answered 403, as a tracker answers a token without the
   * right to edit the project's issues (e.g. `/mantis`).
   */
  readonly refuse?: readonly string[];
}

export interface StandInTracker {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startStandInTracker(options: StandInTrackerOptions = {}): Promise<StandInTracker> {
  const requests: RecordedRequest[] = [];
  let created = 0;
  const app = express();
  app.use(express.json());
  app.use((request, response) => {
    // Gitea answers a label list to GET, 201 to an issue PATCH; the others 200 or 204.
    const status = options.refuse?.some((prefix) => request.path.startsWith(prefix)) ? 403 : request.method === 'PATCH' ? 201 : 200;
    const opened = status !== 403 && request.method === 'POST' && /^\/gitea\/api\/v1\/repos\/[^/]+\/[^/]+\/issues$/.test(request.path);
    requests.push({ method: request.method, path: request.path, body: request.body as unknown, status: opened ? 201 : status });
    if (status === 403) return void response.status(403).json({ message: 'You do not have permission to edit this issue.' });
    // Gitea answers a created issue with 201 and the issue (a recurring obligation's).
    if (opened) {
      created += 1;
      const number = 100 + created;
      const repository = request.path.split('/').slice(5, 7).join('/');
      const { title, body } = request.body as { title?: string; body?: string };
      return void response.status(201).json({ id: number, number, title, body, state: 'open', html_url: `http://${request.headers.host}/gitea/${repository}/issues/${number}` });
    }
    response.status(status).json(request.method === 'GET' ? [] : {});
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
