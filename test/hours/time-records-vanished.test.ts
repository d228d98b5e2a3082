/**
 * A time record deleted while its webhook was lost (Jira Data Center never retries one): the next
 * reconciliation, reading the issue's worklogs in full, takes it back; a record the tracker still
 * shows, or one booked while the tracker was being read, stays. Through the real reconcile
 * command against a real Redis, the tracker's REST API intercepted at its host.
 */
import { expect } from 'chai';
import { DateTime } from 'luxon';
import nock from 'nock';
import { PassThrough } from 'node:stream';
import { jiraConnector } from '../../connectors/jira/index.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { reconcileCommand } from '../../src/cli/reconcile-command.js';
import { currentTimeRecords, vanishedTimeRecords } from '../../src/domain/time-record.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { postRaw, startTestBridge, waitForIdleQueue, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { jiraTime } from '../support/jira-payloads.js';
import { storyRestIssue, storyWebhooks, type JiraStory } from '../support/jira-rest.js';
import { sharedRedis } from '../support/redis-server.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from '../support/shipped-config.js';

const JIRA = 'https://jira.example.com';
const ENV = { ...DEMO_SECRETS, JIRA_API_TOKEN: 'jira-token', JIRA_API_USER: 'bot@megabite.example' };

describe('time records deleted while their webhook was lost', function () {
  this.timeout(30_000);

  describe('which records a complete reading no longer shows', () => {
    const booked = (recordId: string, at: number, seconds = 1800): IssueEvent => ({ type: 'time_logged', at, recordId, seconds, author: 'ann' });
    const READ_AT = 10_000_000;
    const GRACE = 60_000;
    const rows: { why: string; known: IssueEvent[]; told: IssueEvent[]; taken: string[] }[] = [
      { why: 'a record the tracker no longer has is taken back', known: [booked('w1', 1_000)], told: [], taken: ['w1'] },
      { why: 'a record the tracker still shows stays', known: [booked('w1', 1_000)], told: [booked('w1', 1_000)], taken: [] },
      { why: 'a record already taken back is not taken back twice', known: [booked('w1', 1_000), booked('w1', 2_000, 0)], told: [], taken: [] },
      { why: 'a record booked just before the reading began may be newer than it: it stays', known: [booked('w1', READ_AT - GRACE + 1)], told: [], taken: [] },
      { why: 'of two, only the vanished one', known: [booked('w1', 1_000), booked('w2', 2_000)], told: [booked('w2', 2_000)], taken: ['w1'] },
    ];
    for (const row of rows) {
      it(row.why, () => {
        const vanished = vanishedTimeRecords(row.known, row.told, READ_AT, READ_AT + 5_000, GRACE);
        expect(vanished.map((event) => (event.type === 'time_logged' ? [event.recordId, event.seconds, event.at] : []))).to.deep.equal(row.taken.map((id) => [id, 0, READ_AT + 5_000]));
        expect(currentTimeRecords([...row.known, ...vanished]).map((record) => record.recordId).filter((id) => row.taken.includes(id))).to.deep.equal([]);
      });
    }
  });

  describe('through reconciliation of a Jira source', () => {
    interceptHttp();
    let bridge: TestBridge;
    before(async () => {
      bridge = await startTestBridge({ config: loadBridgeConfig(SHIPPED_CONFIG_DIR, ENV) });
    });
    after(async () => {
      await bridge?.close();
    });

    const created = DateTime.now().setZone('Europe/Amsterdam').minus({ hours: 3 });
    const story: JiraStory = { id: '10031', key: 'MB-31', created: created.toISO()!, priority: 'Medium', status: 'Open', changes: [], comments: [] };
    const post = async (body: object, id: string) => {
      const raw = Buffer.from(JSON.stringify(body));
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': id, ...jiraConnector.sign(DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw) };
      expect((await postRaw(`${bridge.url}/webhooks/jira-demo`, raw, headers)).status).to.equal(202);
    };
    const worklog = (id: string, at: DateTime, seconds: number) => ({
      id,
      issueId: story.id,
      author: { accountId: 'acc-ann', displayName: 'Ann' },
      created: jiraTime(at.toISO()!),
      updated: jiraTime(at.toISO()!),
      started: jiraTime(at.minus({ hours: 1 }).toISO()!),
      timeSpentSeconds: seconds,
    });
    const reconcile = async (worklogs: unknown[] | undefined) => {
      const issue = storyRestIssue(story) as { fields: Record<string, unknown> };
      if (worklogs) issue.fields.worklog = { startAt: 0, maxResults: worklogs.length, total: worklogs.length, worklogs };
      nock(JIRA).post('/rest/api/3/search/approximate-count').reply(200, { count: 1 });
      nock(JIRA).get('/rest/api/3/search/jql').query(true).reply(200, { issues: [issue], isLast: true });
      const env = { ...ENV, REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: bridge.prefix };
      const io = { out: () => undefined, err: () => undefined };
      expect(await reconcileCommand({ source: 'jira-demo', since: '1d', config: SHIPPED_CONFIG_DIR }, io, env, undefined, new PassThrough() as unknown as NodeJS.WriteStream)).to.equal(0);
    };
    const records = async () => currentTimeRecords(await bridge.store.loadEvents('jira-demo', story.id)).map((record) => [record.recordId, record.seconds]);

    it('takes back the worklog the tracker no longer lists, keeps the one it lists, and touches nothing when worklogs were not read', async () => {
      await post(storyWebhooks(story)[0]!.body, 'mb31-created');
      for (const [id, minutes] of [['9001', 30], ['9002', 45]] as const) {
        await post({ timestamp: created.plus({ minutes: 10 }).toMillis(), webhookEvent: 'worklog_created', worklog: worklog(id, created.plus({ minutes: 10 }), minutes * 60) }, `mb31-worklog-${id}`);
      }
      await waitForIdleQueue(bridge);
      const both = await records();
      expect(both).to.have.length(2);

      // A search answer without the worklog field says nothing about worklogs.
      await reconcile(undefined);
      expect(await records()).to.deep.equal(both);

      // 9001 was deleted in Jira and its webhook lost.
      await reconcile([worklog('9002', created.plus({ minutes: 10 }), 2700)]);
      expect(await records()).to.deep.equal(both.filter(([id]) => !String(id).endsWith('9001')));

      // Idempotent: a second run takes back nothing more.
      const eventsBefore = (await bridge.store.loadEvents('jira-demo', story.id)).length;
      await reconcile([worklog('9002', created.plus({ minutes: 10 }), 2700)]);
      expect(await bridge.store.loadEvents('jira-demo', story.id)).to.have.length(eventsBefore);
    });
  });
});
