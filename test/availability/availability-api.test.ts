/**
 * Availability in the status API and the monthly report (JSON, CSV, HTML), through the real
 * express app and Redis; and the shipped Open2Bizz contract's 99.9%.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import { createRedis, waitUntilReady } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { runClock } from '../../src/domain/sla-clock.js';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.js';
import { sharedRedis } from '../support/redis-server.js';
import { shippedConfig } from '../support/shipped-config.js';
import { writeConfig } from '../support/temp-config.js';

const TOKEN = 'availability-api-token';
const ZONE = 'Europe/Amsterdam';
const MINUTE = 60_000;

describe('availability in the status API and the report', () => {
  it('gives the shipped Open2Bizz contract its 99.9% uptime, measured by P1 incidents', () => {
    const rule = shippedConfig().contracts.get('open2bizz-saas')!.availability!;
    expect({ target: rule.targetPercent, priority: rule.priority, warnAt: rule.warnAt }).to.deep.equal({ target: 99.9, priority: 'P1', warnAt: [0.5, 0] });
  });

  let bridge: TestBridge;
  const config = loadBridgeConfig(
    writeConfig({
      'calendars/round.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
      'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: { priority/1: P1 }, default: P4 }\nstatuses: { resolved: [closed] }\n',
      'contracts/ops.yaml': 'customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/app }]\npolicies: { reaction: 4h }\navailability: { target: 99.9%, restored_statuses: [service restored] }\n',
    }),
    {},
  );
  before(async () => {
    bridge = await startTestBridge({ config, apiToken: TOKEN });
  });
  after(() => bridge.close());

  it('shows the month against the target with its incidents, a restored status ending one outage', async () => {
    // Last month, so that both incidents are over whenever the test runs.
    const month = DateTime.now().setZone(ZONE).minus({ months: 1 }).startOf('month');
    const created = (at: number): IssueEvent => ({ type: 'created', at, project: 'ops/app', labels: ['priority/1'], environment: null, priority: 'P1', status: 'open', paused: false, assignee: null, synthetic: false });
    const t = month.plus({ days: 9, hours: 10 }).toMillis();
    const stories: { issue: { id: string; key: string; url: string }; events: IssueEvent[] }[] = [
      { issue: { id: 'ops/app#1', key: 'ops/app#1', url: 'https://gitea.ops.test/ops/app/issues/1' }, events: [created(t), { type: 'status_changed', at: t + 20 * MINUTE, status: 'service restored', paused: false }, { type: 'resolved', at: t + 300 * MINUTE }] },
      { issue: { id: 'ops/app#2', key: 'ops/app#2', url: 'https://gitea.ops.test/ops/app/issues/2' }, events: [created(t + 10 * MINUTE), { type: 'resolved', at: t + 25 * MINUTE }] },
    ];
    const target = urlTarget((await sharedRedis()).url);
    const redis = createRedis(target, 'request');
    try {
      await waitUntilReady(redis, target);
      const store = new IssueStore(redis, bridge.prefix);
      for (const story of stories) {
        await store.appendEvents('gitea-ops', story.issue, story.events.map((event, index) => ({ id: `e${index}`, event })));
        await store.saveState({ source: 'gitea-ops', issue: story.issue, sla: runClock({ source: 'gitea-ops', events: story.events }, config.contracts.values(), Date.now()), computedAt: Date.now(), eventCount: story.events.length });
      }
    } finally {
      redis.disconnect();
    }
    const get = async (path: string) => fetch(`${bridge.url}/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const key = month.toFormat('yyyy-MM');
    const report = (await (await get(`/reports/ops/${key}`)).json()) as { availability: Record<string, unknown> };
    // 10:00-10:20 and 10:10-10:25 overlap: 25 minutes.
    expect(report.availability).to.deep.include({ month: key, targetPercent: 99.9, downtimeMs: 25 * MINUTE, met: true, priority: 'P1' });
    expect(report.availability.incidents).to.deep.equal([
      { source: 'gitea-ops', key: 'ops/app#1', url: 'https://gitea.ops.test/ops/app/issues/1', downtimeMs: 20 * MINUTE, open: false },
      { source: 'gitea-ops', key: 'ops/app#2', url: 'https://gitea.ops.test/ops/app/issues/2', downtimeMs: 15 * MINUTE, open: false },
    ]);
    // 25 minutes of the month's wall-clock length, which is 28 to 31 days and an hour less or more
    // in the months the clocks change (February: 99.938%, a 30-day month 99.942%).
    const monthMs = month.plus({ months: 1 }).toMillis() - month.toMillis();
    const percent = String(Math.round((100_000 * (monthMs - 25 * MINUTE)) / monthMs) / 1000).replace('.', '\\.');
    const csv = await (await get(`/reports/ops/${key}?format=csv`)).text();
    expect(csv).to.match(new RegExp(`target_percent,availability_percent,met,budget_minutes,downtime_minutes,remaining_minutes,priority\\n99\\.9,${percent},yes,4\\d\\.\\d,25\\.0,1\\d\\.\\d,P1\\n`));
    const html = await (await get(`/reports/ops/${key}?format=html`)).text();
    expect(html).to.match(new RegExp(`<h2>Availability</h2>\\n<p>${percent}% against a target of 99\\.9%`));
    // This month has none of it.
    const current = (await (await get('/availability')).json()) as { availability: { contract: string; downtimeMs: number; month: string }[] };
    expect(current.availability.map(({ contract, downtimeMs, month: shown }) => ({ contract, downtimeMs, shown }))).to.deep.equal([{ contract: 'ops', downtimeMs: 0, shown: DateTime.now().setZone(ZONE).toFormat('yyyy-MM') }]);
  });
});
