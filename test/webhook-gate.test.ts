/**
 * The lean webhook path (src/app/http/webhook-listener.ts) and the gate that lets the workers of
 * a `serve` progress under a burst (src/app/http/webhook-gate.ts): which paths go to the webhook
 * handler, and that no more webhooks than allowed are handled at once, none lost, first come first
 * served. A real node HTTP server and real requests; the handler holds each answer until told.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { WebhookGate } from '../src/app/http/webhook-gate.js';
import { webhookListener, webhookSourceId } from '../src/app/http/webhook-listener.js';
import { waitFor } from './support/wait-for.js';
import { parseWebhooksInFlight } from '../src/cli/serve-command.js';

describe('webhook listener: the lean path', () => {
  const cases: [string, string, string | undefined][] = [
    ['POST', '/webhooks/jira-demo', 'jira-demo'],
    ['POST', '/webhooks/jira-demo/', 'jira-demo'],
    ['POST', '/webhooks/jira-demo?x=1', 'jira-demo'],
    ['POST', '/WEBHOOKS/jira-demo', 'jira-demo'],
    ['POST', '/webhooks/jira%2Ddemo', 'jira-demo'],
    // Left to express, which answers as for any other path.
    ['POST', '/webhooks/%ff', undefined],
    ['POST', '/webhooks/', undefined],
    ['POST', '/webhooks/a/b', undefined],
    ['GET', '/webhooks/jira-demo', undefined],
    ['POST', '/api/webhooks/jira-demo', undefined],
  ];
  for (const [method, url, expected] of cases) {
    it(`${method} ${url} → ${expected ?? 'express'}`, () => {
      expect(webhookSourceId({ method, url })).to.equal(expected);
    });
  }
});

describe('webhook listener: a handler that throws', () => {
  it('answers 500 without details and reports the error, as express did for the route', async () => {
    const reported: unknown[] = [];
    const server = createServer(
      webhookListener(
        () => {
          throw new Error('broken connector');
        },
        (_request, response) => response.writeHead(404).end(),
        undefined,
        (error) => reported.push(error),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/jira-demo`, { method: 'POST', body: '{}' });
      expect(response.status).to.equal(500);
      expect(await response.json()).to.deep.equal({ error: 'internal error' });
      expect(reported.map((error) => (error as Error).message)).to.deep.equal(['broken connector']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('webhook gate', () => {
  it('handles at most its limit at once, all of them in the end, in the order they came', async () => {
    const gate = new WebhookGate(3);
    const held: ServerResponse[] = [];
    const started: string[] = [];
    let active = 0;
    let most = 0;
    const server = createServer(
      webhookListener(
        (_request, response, sourceId) => {
          active += 1;
          most = Math.max(most, active);
          started.push(sourceId);
          held.push(response);
        },
        (_request, response) => response.writeHead(404).end(),
        gate,
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const answers: Promise<number>[] = [];
      for (let index = 0; index < 10; index += 1) {
        answers.push(fetch(`${url}/webhooks/s${index}`, { method: 'POST', body: '{}' }).then((response) => response.status));
        // One after the other, so that the order they came in is known.
        await waitFor(`request ${index} arrived`, () => held.length + gate.queued === index + 1);
      }
      expect(held).to.have.length(3);
      expect(gate.queued).to.equal(7);
      // Answer whatever is held until all ten were handled and answered.
      while (started.length < 10 || active > 0) {
        await waitFor('a held webhook', () => held.length > 0 || (started.length === 10 && active === 0), { timeoutMs: 5_000 });
        while (held.length > 0) {
          // Counted out before the answer: the gate lets the next one in as this one finishes.
          active -= 1;
          held.shift()!.writeHead(202).end();
        }
      }
      expect(await Promise.all(answers)).to.deep.equal(Array(10).fill(202));
      expect(most).to.equal(3);
      expect(started).to.deep.equal(Array.from({ length: 10 }, (_, index) => `s${index}`));
      // A path that is not a webhook is not held behind the gate.
      expect((await fetch(`${url}/healthz`)).status).to.equal(404);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('SLA_BRIDGE_WEBHOOKS_IN_FLIGHT', () => {
  const accepted: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['1', 1],
    ['16', 16],
    ['10000', 10_000],
  ];
  for (const [value, expected] of accepted) {
    it(`${JSON.stringify(value)} → ${String(expected)}`, () => {
      expect(parseWebhooksInFlight(value)).to.equal(expected);
    });
  }
  for (const value of ['-1', '4.5', 'four', '1e3', '10001', ' 8']) {
    it(`${JSON.stringify(value)} is refused, naming the variable`, () => {
      expect(() => parseWebhooksInFlight(value)).to.throw(/^SLA_BRIDGE_WEBHOOKS_IN_FLIGHT: ".*" is not a whole number from 0 \(no limit\) to 10000$/);
    });
  }
});
