/**
 * A closed-loop load generator: `concurrency` clients on kept-alive connections, each sending its
 * next request when the previous one is answered. Plain node:http, so the client costs little of
 * the two cores it shares with the server it measures.
 */
import http from 'node:http';
import type { SignedWebhook } from './jira-webhooks.js';

export interface LoadRun {
  readonly requests: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly statuses: Record<string, number>;
}

function post(agent: http.Agent, url: URL, webhook: SignedWebhook): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...webhook.headers, 'content-length': String(webhook.body.length) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(webhook.body);
  });
}

export async function runLoad(target: string, webhooks: readonly SignedWebhook[], concurrency: number): Promise<LoadRun> {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = process.hrtime.bigint();
  const client = async () => {
    while (next < webhooks.length) {
      const webhook = webhooks[next++]!;
      const sent = process.hrtime.bigint();
      const status = await post(agent, url, webhook);
      latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { requests: webhooks.length, seconds, latenciesMs, statuses };
}
