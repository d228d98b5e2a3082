/**
 * A tracker stand-in on loopback for the demo: it accepts the bridge's write-back requests the way
 * Jira, Gitea and MantisBT answer them, and keeps them so the demo can show what would be written.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface StandInTracker {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startStandInTracker(): Promise<StandInTracker> {
  const requests: RecordedRequest[] = [];
  const app = express();
  app.use(express.json());
  app.use((request, response) => {
    requests.push({ method: request.method, path: request.path, body: request.body as unknown });
    // Gitea answers a label list to GET, 201 to an issue PATCH; the others 200 or 204.
    if (request.method === 'GET') return void response.json([]);
    response.status(request.method === 'PATCH' ? 201 : 200).json({});
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
