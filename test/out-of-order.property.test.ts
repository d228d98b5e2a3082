/**
 * Webhooks arrive out of order and more than once. The final SLA state must be the one the
 * ordered stream gives: checked on the pure clock with many permutations, and end to end through
 * the real endpoint, queue and concurrent workers with fewer.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { trackerConnectors } from '../connectors/registry.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { issueEventSchema, type IssueEventInput } from '../src/domain/issue-event.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { runClock } from '../src/domain/sla-clock.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, issueCreated, priorityChanged } from './support/jira-payloads.js';
import { DEMO_SECRETS } from './support/shipped-config.js';

const ZONE = 'Europe/Amsterdam';
const at = (local: string) => parseLocalIso(local, ZONE)!;

/** Arrival orders with repeats: a permutation of the indices, with some indices sent again. */
function arrivals(count: number) {
  return fc
    .tuple(fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }), fc.array(fc.nat({ max: count - 1 }), { maxLength: 3 }))
    .chain(([order, repeats]) => fc.shuffledSubarray([...order, ...repeats], { minLength: order.length + repeats.length, maxLength: order.length + repeats.length }));
}

describe('out-of-order and duplicated events', function () {
  this.timeout(60_000);

  it('the clock gives the ordered result for any arrival order with repeats', () => {
    const contracts = [...loadBridgeConfig(path.join(projectRoot(), 'test/fixtures/clock-config'), {}).contracts.values()];
    const history: IssueEventInput[] = [
      { type: 'created', at: at('2026-11-30T09:00'), project: 'ACME', priority: 'P3', status: 'open' },
      { type: 'priority_changed', at: at('2026-11-30T09:30'), priority: 'P2' },
      { type: 'status_changed', at: at('2026-11-30T10:00'), status: 'waiting for customer' },
      { type: 'commented', at: at('2026-11-30T11:00'), by: 'customer' },
      { type: 'status_changed', at: at('2026-11-30T13:00'), status: 'open' },
      { type: 'priority_changed', at: at('2026-11-30T14:00'), priority: 'P1' },
      { type: 'commented', at: at('2026-11-30T14:10'), by: 'agent' },
      { type: 'resolved', at: at('2026-12-01T10:00') },
      { type: 'reopened', at: at('2026-12-01T11:00') },
    ];
    const events = history.map((event) => issueEventSchema.parse(event));
    const now = at('2026-12-02T12:00');
    const ordered = runClock({ source: 'jira-demo', events }, contracts, now);
    fc.assert(
      fc.property(arrivals(events.length), (order) => {
        expect(runClock({ source: 'jira-demo', events: order.map((index) => events[index]!) }, contracts, now)).to.deep.equal(ordered);
      }),
      { numRuns: 300 },
    );
  });

  describe('end to end', () => {
    const NOW = at('2026-11-30T12:00');
    let bridge: TestBridge;
    before(async () => {
      bridge = await startTestBridge({ now: () => NOW, workerConcurrency: 4 });
    });
    after(async () => {
      await bridge.close();
    });

    function deliveries(issueId: string) {
      const fields = { created: '2026-11-30T09:00:00+01:00', id: issueId, key: `MB-${issueId}` };
      const bodies = [
        issueCreated(fields),
        commentCreated(fields, '2026-11-30T09:10:00+01:00', { name: 'Carl', email: 'carl@customer.example' }, '1'),
        priorityChanged(fields, '2026-11-30T09:20:00+01:00', 'Highest', 'High'),
        priorityChanged(fields, '2026-11-30T09:40:00+01:00', 'High', 'Highest'),
        commentCreated(fields, '2026-11-30T10:30:00+01:00', { name: 'Ann', email: 'ann@megabite.example' }, '2'),
      ];
      return bodies.map((body) => {
        const raw = Buffer.from(JSON.stringify(body));
        return {
          raw,
          headers: {
            'content-type': 'application/json',
            'x-atlassian-webhook-identifier': randomUUID(),
            ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw),
          },
        };
      });
    }

    async function deliver(issueId: string, order: readonly number[]) {
      const all = deliveries(issueId);
      // Out of order and concurrently, as a tracker with several delivery threads does.
      const results = await Promise.all(order.map((index) => postRaw(`${bridge.url}/webhooks/jira-demo`, all[index]!.raw, all[index]!.headers)));
      for (const result of results) expect(result.status, JSON.stringify(result.body)).to.be.oneOf([200, 202]);
      await waitForIdleQueue(bridge);
      return waitForState(bridge, 'jira-demo', issueId);
    }

    it('reaches the ordered final state through the endpoint, queue and concurrent workers', async () => {
      const ordered = await deliver('20000', [0, 1, 2, 3, 4]);
      expect(ordered.sla.covered && ordered.sla.metrics[0]).to.deep.include({ state: 'met', metAt: at('2026-11-30T10:30') });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(arrivals(5), async (order) => {
          run += 1;
          const state = await deliver(String(20000 + run), order);
          expect(state.sla).to.deep.equal(ordered.sla);
        }),
        { numRuns: 12 },
      );
    });
  });
});
