/** The status API's `/api/obligations` and the report API's obligations section, through the real express app and Redis. */
import { expect } from 'chai';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { ObligationStore } from '../../src/app/obligations/obligation-store.js';
import { createRedis, waitUntilReady } from '../../src/app/store/redis-connection.js';
import { urlTarget } from '../../src/app/store/redis-target.js';
import { periodAt } from '../../src/domain/obligation-period.js';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.js';
import { sharedRedis } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { DateTime } from 'luxon';

const TOKEN = 'obligation-api-token';

describe('obligations in the status API and the report API', () => {
  let bridge: TestBridge;
  const config = loadBridgeConfig(
    writeConfig({
      'calendars/round.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
      // No api.token: nothing is opened by the bridge itself; the test records what it opened.
      'sources/gitea-ops.yaml': 'kind: gitea\nbase_url: https://gitea.ops.test\nwebhook: { secrets: [s] }\npriority: { field: labels, map: {}, default: P4 }\n',
      'contracts/ops.yaml': `customer: Ops\ncalendar: round\ncovers: [{ source: gitea-ops, project: ops/a }]\npolicies: { reaction: 4h }
obligations:
  - { id: maintenance, title: Preventive maintenance, every: quarter, source: gitea-ops, project: ops/a }
  - { id: updates, title: OS updates, every: month, source: gitea-ops, project: ops/a }
`,
    }),
    {},
  );
  const api = async (path: string) => {
    const response = await fetch(`${bridge.url}/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    bridge = await startTestBridge({ config, apiToken: TOKEN });
  });
  after(() => bridge.close());

  it('shows each obligation\'s current period, with the issue opened for it', async () => {
    const now = Date.now();
    const calendar = config.calendars.get('round')!;
    const quarter = periodAt('quarter', calendar, now)!;
    const target = urlTarget((await sharedRedis()).url);
    const redis = createRedis(target, 'request');
    try {
      await waitUntilReady(redis, target);
      await new ObligationStore(redis, bridge.prefix).record({
        contract: 'ops',
        obligation: 'maintenance',
        period: { key: quarter.key, start: quarter.start, end: quarter.end, opensAt: quarter.opensAt, dueAt: quarter.dueAt },
        source: 'gitea-ops',
        issue: { id: 'ops/a#5', key: 'ops/a#5', url: 'https://gitea.ops.test/ops/a/issues/5' },
        openedAt: quarter.opensAt,
        found: false,
      });
    } finally {
      redis.disconnect();
    }
    const { status, body } = await api('/obligations');
    expect(status).to.equal(200);
    const month = DateTime.fromMillis(now, { zone: 'Europe/Amsterdam' }).toFormat('yyyy-MM');
    expect((body.obligations as Record<string, unknown>[]).map(({ obligation, period, issue, outcome }) => ({ obligation, period, issue, outcome }))).to.deep.equal([
      { obligation: 'maintenance', period: quarter.key, issue: { key: 'ops/a#5', url: 'https://gitea.ops.test/ops/a/issues/5' }, outcome: 'open' },
      { obligation: 'updates', period: month, issue: null, outcome: 'not-opened' },
    ]);

    const report = await api(`/reports/ops/${month}`);
    expect(report.status).to.equal(200);
    const rows = report.body.obligations as { obligation: string; period: string; outcome: string }[];
    expect(rows.map((row) => `${row.obligation} ${row.period} ${row.outcome}`)).to.deep.equal([`maintenance ${quarter.key} open`, `updates ${month} not-opened`]);
  });
});
