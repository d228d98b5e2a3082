/**
 * Many timers due at one instant, fired by two bridges on one Redis (two workers racing for the
 * same timer, notify and chat queues): the claims and chat jobs they add in bulk, and the states
 * their notify jobs read together, still give each notification to each of its channels exactly
 * once. Real redis-server, the chat services intercepted at their hosts. No timing claims: the
 * warnings are due a few seconds after the issues are sent, and the test waits for the messages
 * and then for the queues to have nothing left on its way.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { chatQueueName, NOTIFY_QUEUE, notificationId, TIMER_QUEUE } from '../src/app/jobs/pipeline.js';
import { postRaw, startTestBridge, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { issueCreated } from './support/jira-payloads.js';
import { uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitUntil } from './support/wait-for.js';

const SECRET = 'bulk-timers-secret';
const ISSUES = 240;
/** The warning is at 50% of 10 minutes. */
const WARN_AFTER_MS = 5 * 60_000;
/** How long after sending the issues their warnings are due: more than accepting them takes. */
const LEAD_MS = 8_000;

const channel = (host: string) => `kind: webhook\nsettings:\n  url: https://${host}/hook\n  insecure: true\n`;
const FILES = {
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'channels/alpha.yaml': channel('chat-alpha.example'),
  'channels/beta.yaml': channel('chat-beta.example'),
  'contracts/bulk.yaml': [
    'customer: Bulk Customer',
    'calendar: round-the-clock',
    'covers:',
    '  - { source: jira-demo, project: MB }',
    'metrics:',
    '  reaction: { met_by: [agent_comment, resolved] }',
    'policies:',
    '  reaction: { P1: 10m, P2: 10m, P3: 10m, P4: 10m }',
    'warnings: ["50%"]',
    'notify: { warnings: [alpha, beta], breaches: [alpha] }',
    '',
  ].join('\n'),
  'sources/jira-demo.yaml': 'kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: ["${JIRA_WEBHOOK_SECRET}"]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\n',
};

describe('many timers due at one instant, two bridges', function () {
  this.timeout(120_000);
  interceptHttp();
  const received: Record<'alpha' | 'beta', string[]> = { alpha: [], beta: [] };
  let bridges: TestBridge[] = [];

  before(() => {
    for (const [name, host] of [['alpha', 'chat-alpha.example'], ['beta', 'chat-beta.example']] as const) {
      nock(`https://${host}`)
        .persist()
        .post('/hook', (body: { notification?: { id?: string; issue?: { key?: string } } }) => {
          // The message's issue with its id: a batch that mixed up its states would pair them wrongly.
          received[name].push(`${body.notification?.issue?.key} ${body.notification?.id}`);
          return true;
        })
        .reply(200, {});
    }
  });
  after(async () => {
    for (const bridge of bridges) await bridge.close();
  });

  it('sends each warning once to each of its channels', async () => {
    const dir = writeConfig(FILES);
    const config = (() => {
      try {
        return loadBridgeConfig(dir, { JIRA_WEBHOOK_SECRET: SECRET });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    const prefix = uniquePrefix('bulk-timers');
    bridges = [await startTestBridge({ config, prefix }), await startTestBridge({ config, prefix })];
    const instant = Date.now() + LEAD_MS;
    const created = new Date(instant - WARN_AFTER_MS).toISOString();
    const ids = Array.from({ length: ISSUES }, (_, index) => String(70_000 + index));
    // Half to each bridge, several at a time: either may apply any of them and fire any timer.
    const send = async (id: string, index: number) => {
      const raw = Buffer.from(JSON.stringify(issueCreated({ created, id, key: `MB-${id}` })));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) };
      const answer = await postRaw(`${bridges[index % 2]!.url}/webhooks/jira-demo`, raw, headers);
      expect(answer.status).to.equal(202);
    };
    for (let start = 0; start < ids.length; start += 16) await Promise.all(ids.slice(start, start + 16).map((id, offset) => send(id, start + offset)));
    const sentAt = Date.now();

    await waitUntil('a warning of every issue in both channels', () => ({ alpha: new Set(received.alpha).size, beta: new Set(received.beta).size }), (seen) => seen.alpha >= ISSUES && seen.beta >= ISSUES, { timeoutMs: 90_000 });
    // Whatever else was on its way has arrived once nothing is left in the notify and chat queues;
    // each issue then waits for its breach only (one delayed timer each).
    await waitUntil(
      'the notify and chat queues of both bridges to be empty, and one timer per issue left',
      async () => Promise.all(bridges.map((bridge) => bridge.pendingJobs())),
      (counts) => counts.every((count) => count[NOTIFY_QUEUE] === 0 && count[chatQueueName('alpha')] === 0 && count[chatQueueName('beta')] === 0 && count[TIMER_QUEUE] === ISSUES),
      { timeoutMs: 30_000 },
    );
    expect(sentAt, 'the issues were accepted before their warnings were due (raise LEAD_MS otherwise)').to.be.below(instant);
    const expected = ids.map((id) => `MB-${id} ${notificationId('jira-demo', id, 'reaction', '50%')}`).sort();
    for (const name of ['alpha', 'beta'] as const) {
      expect(received[name].length, `${name}: no message twice`).to.equal(ISSUES);
      expect([...received[name]].sort(), `${name}: each issue's warning`).to.deep.equal(expected);
    }
  });
});
