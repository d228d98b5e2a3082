/**
 * `sla-bridge explain` through the bin entry (the build: `npm run build` first), reading the issue
 * a running bridge keeps in Redis: a Mega Bite P1 (4 h round the clock) that waited for the
 * customer for half an hour. The bridge runs on an injected clock placed at the real one
 * (test-clock.ts); the CLI explains at its own now, a little later.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { trackerConnectors } from '../connectors/registry.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { runCli } from './support/cli-process.js';
import { fieldChanged, issueCreated } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });

describe('sla-bridge explain', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let env: Record<string, string>;

  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
  }

  before(async () => {
    bridge = await startTestBridge({ now: () => NOW.toMillis() });
    env = { REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: bridge.prefix };
    const fields = { created: NOW.minus({ hours: 2 }).toISO()!, id: '80001', key: 'MB-801', summary: 'Printer on fire' };
    await send(issueCreated(fields));
    await send(fieldChanged(fields, NOW.minus({ hours: 1 }).toISO()!, 'status', 'Open', 'Waiting for customer'));
    await send(fieldChanged({ ...fields, status: 'Waiting for customer' }, NOW.minus({ minutes: 30 }).toISO()!, 'status', 'Waiting for customer', 'In Progress', '10102'));
    await waitForIdleQueue(bridge);
    await waitForState(bridge, 'jira-demo', '80001', (state) => state.sla.covered && state.sla.status === 'In Progress');
  });
  after(async () => {
    await bridge?.close();
  });

  it('prints the explanation: the pause with its status, the deadline it moved', () => {
    const result = runCli(['explain', '--source', 'jira-demo', '--issue', 'MB-801'], env);
    expect(result.code, result.err).to.equal(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).to.equal('MB-801 (jira-demo): contract megabite-standard (Mega Bite SLA customer), P1 (P1 as set in the tracker), times in Europe/Amsterdam');
    // 1 h ran before the pause, 30 min since: 2h30m of the 4 h are left at the bridge's now, and the
    // CLI runs a little later on the real clock, so the minutes may be fewer, never the deadline.
    const deadline = NOW.plus({ hours: 2, minutes: 30 }).setZone('Europe/Amsterdam').toFormat('ccc d LLL HH:mm');
    expect(lines[1]).to.match(new RegExp(`^  reaction  due ${deadline}, 2h(2\\dm|30m)(\\d+s)? business time left; paused 30m business time in status "Waiting for customer"$`));
    const at = (shift: { hours?: number; minutes?: number }) => NOW.minus(shift).setZone('Europe/Amsterdam').toFormat('yyyy-MM-dd HH:mm');
    expect(lines, result.out).to.include(`  ${at({ hours: 1 })}  reaction  clock paused: status "Waiting for customer" until ${NOW.minus({ minutes: 30 }).setZone('Europe/Amsterdam').toFormat('ccc d LLL HH:mm')}`);
    expect(lines, result.out).to.include(`  ${at({ minutes: 30 })}  reaction  clock runs again: status "In Progress"`);
  });

  it('prints the JSON the API answers with --json', () => {
    const result = runCli(['explain', '--source', 'jira-demo', '--issue', 'MB-801', '--json'], env);
    expect(result.code, result.err).to.equal(0);
    const parsed = JSON.parse(result.out) as { key: string; metrics: { metric: string; state: string; deadline: string }[] };
    expect(parsed.key).to.equal('MB-801');
    expect(parsed.metrics.map(({ metric, state, deadline }) => ({ metric, state, deadline }))).to.deep.equal([{ metric: 'reaction', state: 'running', deadline: NOW.plus({ hours: 2, minutes: 30 }).toUTC().toISO() }]);
  });

  it('exits 1 naming an issue the bridge does not know', () => {
    const result = runCli(['explain', '--source', 'jira-demo', '--issue', 'MB-999'], env);
    expect(result.code).to.equal(1);
    expect(result.err.trim()).to.equal("sla-bridge: no issue MB-999 of source jira-demo in the bridge's Redis");
  });
});
