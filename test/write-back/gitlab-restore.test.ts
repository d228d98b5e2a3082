/**
 * GitLab write-back end to end, through the real app, workers and Redis, with GitLab intercepted
 * at its host: the first write, someone moving the due date and taking the SLA label off (written
 * over), the Issue Hook of that restore (which asks for nothing), and an issue deleted in GitLab,
 * whose "404 Issue Not Found" marks it deleted instead of becoming a dead letter. Instants are
 * relative to now, on a round-the-clock calendar with week-long targets.
 */
import { expect } from 'chai';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import nock from 'nock';
import { gitlabConnector } from '../../connectors/gitlab/index.js';
import { DeadLetterStore } from '../../src/app/store/dead-letters.js';
import { type WriteBackOutcome } from '../../src/app/jobs/write-back.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { HOUR_MS } from '../../src/domain/duration.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from '../support/bridge-harness.js';
import { interceptHttp } from '../support/http-interception.js';
import { sharedRedis } from '../support/redis-server.js';
import { writeConfig } from '../support/temp-config.js';
import { WRITE_BACK_QUEUE } from '../../src/app/jobs/pipeline.js';

const GITLAB = 'https://gitlab.example.com';
const ZONE = 'Europe/Amsterdam';
const WEEK_MS = 7 * 24 * HOUR_MS;

const CONFIG = {
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/support.yaml': `
customer: ACME
calendar: round-the-clock
covers:
  - { source: gitlab-demo, project: acme/support/app }
policies:
  reaction: 1w
  resolution: 2w
`,
  'sources/gitlab-demo.yaml': `
kind: gitlab
base_url: ${GITLAB}
webhook: { secrets: [gitlab-secret] }
api: { token: glpat-bridge, user: sla-bridge }
priority: { field: labels, map: { priority::1: P1 }, default: P3 }
write_back: { enabled: true, due_date: true, labels: { at_risk: sla::at-risk, breached: sla::breached } }
`,
};

describe('write-back: GitLab, end to end', function () {
  this.timeout(40_000);
  interceptHttp({ cleanAfterEach: true });

  let bridge: TestBridge;
  let redis: Redis;
  let eventsRedis: Redis;
  let queueEvents: QueueEvents;
  let writeBacks: Queue;
  const seen: WriteBackOutcome[] = [];

  before(async () => {
    bridge = await startTestBridge({ config: loadBridgeConfig(writeConfig(CONFIG), {}) });
    const url = (await sharedRedis()).url;
    redis = new Redis(url, { maxRetriesPerRequest: null });
    eventsRedis = new Redis(url, { maxRetriesPerRequest: null });
    queueEvents = new QueueEvents(WRITE_BACK_QUEUE, { connection: eventsRedis, prefix: bridge.prefix });
    await queueEvents.waitUntilReady();
    writeBacks = new Queue(WRITE_BACK_QUEUE, { connection: redis, prefix: bridge.prefix });
    queueEvents.on('completed', ({ returnvalue }) => seen.push(returnvalue as unknown as WriteBackOutcome));
  });
  after(async () => {
    await bridge.close();
    await queueEvents.close();
    await writeBacks.close();
    redis.disconnect();
    eventsRedis.disconnect();
  });

  const outcomesOf = (issueId: string) => seen.filter((done) => done.issueId === issueId).map((done) => done.outcome);
  async function waitForOutcome(issueId: string, wanted: WriteBackOutcome['outcome'] | undefined, after: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!outcomesOf(issueId).slice(after).some((outcome) => wanted === undefined || outcome === wanted)) {
      if (Date.now() > deadline) throw new Error(`no write-back of ${issueId} was ${wanted ?? 'done'} within ${timeoutMs} ms; they were: ${JSON.stringify(outcomesOf(issueId))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  /** Every delivery applied and every write-back job finished: what is not sent by now never will be. */
  async function allDone(timeoutMs = 10_000): Promise<void> {
    await waitForIdleQueue(bridge, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await writeBacks.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((count) => count === 0)) return;
      if (Date.now() > deadline) throw new Error(`write-back jobs still pending after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function quietAfter(issueId: string, send: () => Promise<void>): Promise<WriteBackOutcome['outcome'][]> {
    const mark = outcomesOf(issueId).length;
    await send();
    await waitForOutcome(issueId, undefined, mark);
    await allDone();
    return outcomesOf(issueId).slice(mark);
  }

  // Four days into a week's reaction: past the 50% warning, so the issue carries sla::at-risk.
  const created = Date.now() - 4 * 24 * HOUR_MS;
  const stamp = (instant: number) => new Date(instant).toISOString();
  const dueDay = DateTime.fromMillis(created + WEEK_MS, { zone: ZONE }).toISODate()!;

  function issueHook(iid: number, action: string, at: number, attributes: Record<string, unknown>, changes: Record<string, unknown> = {}) {
    const labels = (attributes.labels as { title: string }[] | undefined) ?? [];
    return {
      object_kind: 'issue',
      event_type: 'issue',
      user: { id: 99, name: 'Ann', username: 'ann', email: '[REDACTED]' },
      project: { id: 27, path_with_namespace: 'acme/support/app', web_url: `${GITLAB}/acme/support/app` },
      object_attributes: {
        id: 5000 + iid,
        iid,
        title: 'App crashes on login',
        state: 'opened',
        state_id: 1,
        created_at: stamp(created),
        updated_at: stamp(at),
        closed_at: null,
        due_date: null,
        confidential: false,
        assignee_ids: [],
        severity: 'unknown',
        type: 'Issue',
        url: `${GITLAB}/acme/support/app/-/issues/${iid}`,
        action,
        ...attributes,
        labels,
      },
      labels,
      changes: { updated_at: { previous: stamp(created), current: stamp(at) }, ...changes },
    };
  }
  async function send(body: unknown) {
    const raw = Buffer.from(JSON.stringify(body));
    const result = await postRaw(`${bridge.url}/webhooks/gitlab-demo`, raw, {
      'content-type': 'application/json',
      'x-gitlab-event': 'Issue Hook',
      'idempotency-key': randomUUID(),
      ...gitlabConnector.sign('gitlab-secret', raw),
    });
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }
  function gitlabPuts(iid: number, reply: (count: number) => [number, unknown] = () => [200, { iid }]): unknown[] {
    const bodies: unknown[] = [];
    nock(GITLAB, { reqheaders: { 'private-token': 'glpat-bridge' } })
      .persist()
      .put(`/api/v4/projects/acme%2Fsupport%2Fapp/issues/${iid}`)
      .reply((_uri, body) => {
        bodies.push(body);
        return reply(bodies.length);
      });
    return bodies;
  }

  it('puts the due date and the SLA label back when someone changes them, and the restore’s echo asks for nothing', async () => {
    const puts = gitlabPuts(9);
    const id = 'acme/support/app#9';
    await send(issueHook(9, 'open', created, {}));
    await waitForOutcome(id, 'written', 0);
    await allDone();
    const written = { due_date: dueDay, add_labels: 'sla::at-risk' };
    expect(puts).to.deep.equal([written]);

    // Ann moves the due date and takes the label off.
    const mark = outcomesOf(id).length;
    await send(issueHook(9, 'update', created + 60_000, { due_date: '2031-01-01', labels: [] }, { due_date: { previous: dueDay, current: '2031-01-01' }, labels: { previous: [{ title: 'sla::at-risk' }], current: [] } }));
    await waitForOutcome(id, 'restored', mark);
    await allDone();
    expect(puts).to.deep.equal([written, written]);

    // GitLab's Issue Hook for the restore shows what the bridge wrote.
    const echoed = await quietAfter(id, () => send(issueHook(9, 'update', created + 70_000, { due_date: dueDay, labels: [{ title: 'sla::at-risk' }] }, { labels: { previous: [], current: [{ title: 'sla::at-risk' }] } })));
    expect(echoed.every((outcome) => outcome === 'unchanged'), JSON.stringify(echoed)).to.equal(true);
    expect(puts).to.have.length(2);
  });

  it('marks an issue deleted when GitLab answers "404 Issue Not Found", instead of a dead letter', async () => {
    const puts = gitlabPuts(10, (count) => (count === 1 ? [200, { iid: 10 }] : [404, { message: '404 Issue Not Found' }]));
    const id = 'acme/support/app#10';
    await send(issueHook(10, 'open', created, {}));
    await waitForOutcome(id, 'written', 0);
    await allDone();
    const mark = outcomesOf(id).length;
    // A label edit shows the SLA label gone, so the bridge writes it again, and finds the issue gone.
    await send(issueHook(10, 'update', created + 10_000, { labels: [{ title: 'priority::1' }] }, { labels: { previous: [], current: [{ title: 'priority::1' }] } }));
    await waitForOutcome(id, 'gone', mark);
    const state = await waitForState(bridge, 'gitlab-demo', id, (candidate) => candidate.sla.deleted === true);
    expect(state.sla.deleted).to.equal(true);
    await allDone();
    expect((await new DeadLetterStore(redis, bridge.prefix).list()).total).to.equal(0);
    // Write-backs already under way when the first 404 came may each have met one; after that, none.
    const attempts = puts.length;
    expect(attempts).to.be.greaterThan(1);
    await send(issueHook(10, 'update', created + 20_000, { labels: [] }, { labels: { previous: [{ title: 'priority::1' }], current: [] } }));
    await waitForState(bridge, 'gitlab-demo', id, (candidate) => candidate.eventCount > state.eventCount);
    await allDone();
    expect(puts, 'nothing more written to the gone issue').to.have.length(attempts);
  });
});
