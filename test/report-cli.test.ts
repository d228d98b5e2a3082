/** `sla-bridge report` through the bin entry, reading the issue states a running bridge keeps in Redis. */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackerConnectors } from '../connectors/registry.js';
import { parseLocalIso } from '../src/domain/local-time.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from './support/bridge-harness.js';
import { report } from './support/cli-process.js';
import { issueCreated } from './support/jira-payloads.js';
import { sharedRedis } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';

describe('sla-bridge report', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  let redisUrl: string;

  before(async () => {
    redisUrl = (await sharedRedis()).url;
    bridge = await startTestBridge({ now: () => parseLocalIso('2026-11-30T10:00:00+01:00', 'UTC')! });
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: '2026-11-30T05:30:00+01:00', id: '70001', key: 'MB-701' })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
    expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    await waitForIdleQueue(bridge);
  });
  after(async () => {
    await bridge.close();
  });

  it('prints the month of a contract as JSON or CSV from the bridge\'s Redis', () => {
    const env = { REDIS_URL: redisUrl, SLA_BRIDGE_PREFIX: bridge.prefix };
    const json = report(['--contract', 'megabite-standard', '--month', '2026-11'], env);
    expect(json.code, json.err).to.equal(0);
    const parsed = JSON.parse(json.out) as { issues: number; metrics: { breached: number }[]; breaches: { key: string }[] };
    expect(parsed.issues).to.equal(1);
    expect(parsed.breaches.map((breach) => breach.key)).to.deep.equal(['MB-701']);
    const csv = report(['--contract', 'megabite-standard', '--month', '2026-11', '--format', 'csv'], env);
    expect(csv.out.split('\n')[1]).to.equal('megabite-standard,Mega Bite SLA customer,2026-11,Europe/Amsterdam,1,1,0,0,0');
  });

  it('without REDIS_URL and no bridge running, reads the bridge\'s own Redis data and stops it again', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-report-'));
    const result = report(['--contract', 'open2bizz-saas', '--month', '2026-11'], { SLA_BRIDGE_DATA_DIR: dataDir });
    expect(result.code, result.err).to.equal(0);
    expect((JSON.parse(result.out) as { issues: number }).issues).to.equal(0);
    expect(existsSync(path.join(dataDir, 'redis.url')), readdirSync(dataDir).join(',')).to.equal(false);
  });

  it('refuses a bad month or contract with one clear line', () => {
    const month = report(['--contract', 'megabite-standard', '--month', '2026-13'], { REDIS_URL: redisUrl });
    expect(month.code).to.equal(1);
    expect(month.err.trim()).to.equal('sla-bridge: --month: "2026-13" is not a month (use YYYY-MM)');
    const contract = report(['--contract', 'nobody', '--month', '2026-11'], { REDIS_URL: redisUrl });
    expect(contract.err).to.match(/--contract: unknown contract "nobody"/);
  });
});
