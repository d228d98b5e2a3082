/**
 * POST /webhooks/:sourceId end to end: the real express app, a real BullMQ queue and workers on a
 * real Redis. Every status code of the endpoint, and the SLA state the workers compute.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { trackerConnectors } from '../connectors/registry.js';
import { BridgeMetrics } from '../src/app/metrics.js';
import { deliveryDedupId, INGEST_QUEUE } from '../src/app/jobs/pipeline.js';
import { refusalField } from '../src/app/http/refusal-field.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { urlTarget } from '../src/app/store/redis-target.js';
import type { IssueSla } from '../src/domain/sla-clock.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { commentCreated, issueCommented, issueCreated, serverCommentCreated } from './support/jira-payloads.js';
import { sharedRedis, spawnRedis } from './support/redis-server.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from './support/shipped-config.js';
import { fixtureNow } from './support/test-clock.js';

// From the real clock (test-clock.ts), so the issues' timers are pending, not firing in a loop.
const NOW = fixtureNow({ zone: 'Europe/Amsterdam' });
/** A megabite-standard P1 reported an hour ago: 4 h round the clock, so 3 h to go. */
const CREATED = NOW.minus({ hours: 1 });
const created = { created: CREATED.toISO()! };

interface SignOptions {
  readonly secret?: string;
  readonly delivery?: string | null;
  readonly contentType?: string;
}

function signedJira(body: unknown, options: SignOptions = {}) {
  return signedRaw(Buffer.from(JSON.stringify(body)), options);
}

function signedRaw(raw: Buffer, options: SignOptions = {}) {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json; charset=utf-8',
    ...trackerConnectors.jira.sign(options.secret ?? DEMO_SECRETS.JIRA_WEBHOOK_SECRET, raw),
  };
  if (options.delivery !== null) headers['x-atlassian-webhook-identifier'] = options.delivery ?? randomUUID();
  return { raw, headers };
}

async function post(bridge: TestBridge, source: string, raw: string | Buffer, headers: Record<string, string>) {
  return postRaw(`${bridge.url}/webhooks/${source}`, raw, headers);
}

async function jobCount(bridge: TestBridge): Promise<number> {
  const counts = await bridge.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

const reaction = (sla: IssueSla) => (sla.covered ? sla.metrics.find((metric) => metric.metric === 'reaction') : undefined);

describe('webhook ingest', function () {
  this.timeout(30_000);
  let bridge: TestBridge;

  before(async () => {
    bridge = await startTestBridge({ now: () => NOW.toMillis() });
  });
  after(async () => {
    await bridge.close();
  });

  it('answers 202 for a signed delivery, queues it, and the workers compute the SLA state', async () => {
    const delivery = randomUUID();
    const { raw, headers } = signedJira(issueCreated(created), { delivery });
    const result = await post(bridge, 'jira-demo', raw, headers);
    expect(result.status).to.equal(202);
    expect(result.body).to.deep.include({ status: 'accepted', deliveryId: delivery, issue: 'MB-1' });
    const state = await waitForState(bridge, 'jira-demo', '10001');
    expect(state.issue).to.deep.include({ key: 'MB-1', title: 'Mail server down', url: 'https://jira.example.com/browse/MB-1' });
    expect(state.sla).to.deep.include({ covered: true, contract: 'megabite-standard' });
    expect(reaction(state.sla)).to.deep.include({ state: 'running', priority: 'P1', deadline: NOW.plus({ hours: 3 }).toMillis() });
  });

  it('answers 200 for a duplicate delivery and queues no second job', async () => {
    const delivery = randomUUID();
    const { raw, headers } = signedJira(issueCreated({ ...created, id: '10002', key: 'MB-2' }), { delivery });
    expect((await post(bridge, 'jira-demo', raw, headers)).status).to.equal(202);
    await waitForIdleQueue(bridge);
    const jobs = await jobCount(bridge);
    const again = await post(bridge, 'jira-demo', raw, headers);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.include({ status: 'duplicate', deliveryId: delivery });
    expect(await jobCount(bridge)).to.equal(jobs);
  });

  it('keeps a delivery\'s mark for its source\'s dedup_window; a repeat after it (or after an upgrade, the mark being elsewhere) is queued and applies nothing twice', async () => {
    const delivery = randomUUID();
    const { raw, headers } = signedJira(issueCreated({ ...created, id: '10005', key: 'MB-5' }), { delivery });
    expect((await post(bridge, 'jira-demo', raw, headers)).status).to.equal(202);
    const first = await waitForState(bridge, 'jira-demo', '10005');
    await waitForIdleQueue(bridge);
    const mark = `${bridge.prefix}:${INGEST_QUEUE}:de:${deliveryDedupId('jira-demo', delivery)}`;
    // The shipped source keeps the default window, 24 h of real time.
    const redis = new Redis((await sharedRedis()).url);
    try {
      const ttl = await redis.pttl(mark);
      expect(ttl, 'the mark expires with the window').to.be.within(24 * 3_600_000 - 60_000, 24 * 3_600_000);
      const jobs = await jobCount(bridge);
      await redis.del(mark);
      const again = await post(bridge, 'jira-demo', raw, headers);
      expect(again.body).to.deep.include({ status: 'accepted', deliveryId: delivery });
      await waitForIdleQueue(bridge);
      expect(await jobCount(bridge), 'queued again').to.equal(jobs + 1);
      const applied = await waitForState(bridge, 'jira-demo', '10005');
      expect(applied.eventCount, 'its events are known by their ids').to.equal(first.eventCount);
      expect((await post(bridge, 'jira-demo', raw, headers)).body).to.deep.include({ status: 'duplicate' });
    } finally {
      redis.disconnect();
    }
  });

  it('deduplicates by a hash of the body when the tracker sends no delivery id', async () => {
    const { raw, headers } = signedJira(issueCreated({ ...created, id: '10003', key: 'MB-3' }), { delivery: null });
    const first = await post(bridge, 'jira-demo', raw, headers);
    expect(first.status).to.equal(202);
    expect(String(first.body.deliveryId)).to.match(/^sha256:[0-9a-f]{64}$/);
    expect((await post(bridge, 'jira-demo', raw, headers)).body).to.deep.include({ status: 'duplicate' });
  });

  it('meets the reaction with a public agent comment', async () => {
    const fields = { ...created, id: '10004', key: 'MB-4' };
    for (const body of [issueCreated(fields), commentCreated(fields, CREATED.plus({ minutes: 30 }).toISO()!, { name: 'Ann', email: 'ann@megabite.example' })]) {
      const { raw, headers } = signedJira(body);
      expect((await post(bridge, 'jira-demo', raw, headers)).status).to.equal(202);
    }
    const state = await waitForState(bridge, 'jira-demo', '10004', (candidate) => reaction(candidate.sla)?.state === 'met');
    expect(reaction(state.sla)).to.deep.include({ metAt: CREATED.plus({ minutes: 30 }).toMillis(), reason: 'met by an agent comment' });
  });

  describe('a Jira Server comment_created, which names its issue only in comment.self', () => {
    const ann = { name: 'ann', email: 'ann@megabite.example' };
    /** Minutes after the issue was created. */
    const after = (minutes: number) => CREATED.plus({ minutes });
    const send = async (body: unknown) => {
      const { raw, headers } = signedJira(body);
      const result = await post(bridge, 'jira-demo', raw, headers);
      expect(result.status, JSON.stringify(result.body)).to.equal(202);
    };

    it('meets the reaction of a known issue and leaves its key, title and link as they are', async () => {
      const fields = { ...created, id: '10050', key: 'MB-50' };
      await send(issueCreated(fields));
      await waitForIdleQueue(bridge);
      await send(serverCommentCreated('10050', after(20).toISO()!, ann));
      const state = await waitForState(bridge, 'jira-demo', '10050', (candidate) => reaction(candidate.sla)?.state === 'met');
      expect(reaction(state.sla)).to.deep.include({ metAt: after(20).toMillis(), reason: 'met by an agent comment' });
      expect(state.issue).to.deep.equal({ id: '10050', key: 'MB-50', title: 'Mail server down', url: 'https://jira.example.com/browse/MB-50' });
      expect(await bridge.store.resolveIssueId('jira-demo', 'MB-50')).to.equal('10050');
    });

    it('is kept for an issue first heard of through it, which its next webhook completes', async () => {
      await send(serverCommentCreated('10051', after(10).toISO()!, ann));
      const first = await waitForState(bridge, 'jira-demo', '10051');
      expect(first.issue).to.deep.equal({ id: '10051', key: '10051' });
      expect(first.sla).to.deep.equal({ covered: false, reason: 'the issue history has no created event' });

      await send(issueCreated({ ...created, id: '10051', key: 'MB-51' }));
      const completed = await waitForState(bridge, 'jira-demo', '10051', (candidate) => candidate.issue.key === 'MB-51');
      expect(completed.issue).to.deep.equal({ id: '10051', key: 'MB-51', title: 'Mail server down', url: 'https://jira.example.com/browse/MB-51' });
      expect(reaction(completed.sla)).to.deep.include({ state: 'met', metAt: after(10).toMillis() });
      expect(await bridge.store.resolveIssueId('jira-demo', 'MB-51')).to.equal('10051');
      expect(await bridge.store.resolveIssueId('jira-demo', '10051')).to.equal('10051');
    });

    it('counts once when the same comment also comes as jira:issue_updated, in either order, at the earlier time', async () => {
      const issues = { once: '10052', commentFirst: '10053', updateFirst: '10054' };
      for (const id of Object.values(issues)) await send(issueCreated({ ...created, id, key: `MB-${id.slice(-2)}` }));
      await waitForIdleQueue(bridge);
      const comment = (id: string) => serverCommentCreated(id, after(30).toISO()!, ann);
      const update = (id: string) => issueCommented({ ...created, id, key: `MB-${id.slice(-2)}` }, after(30).plus({ milliseconds: 120 }).toISO()!, ann);
      await send(comment(issues.once));
      await send(comment(issues.commentFirst));
      await send(update(issues.commentFirst));
      await send(update(issues.updateFirst));
      await send(comment(issues.updateFirst));
      await waitForIdleQueue(bridge);

      const once = await waitForState(bridge, 'jira-demo', issues.once, (candidate) => reaction(candidate.sla)?.state === 'met');
      expect(reaction(once.sla)).to.deep.include({ metAt: after(30).toMillis() });
      for (const id of [issues.commentFirst, issues.updateFirst]) {
        // The update brings the comment again and how it showed the issue (observed).
        const twice = await waitForState(bridge, 'jira-demo', id, (candidate) => candidate.eventCount === once.eventCount + 2);
        expect(twice.sla, id).to.deep.equal(once.sla);
      }
    });
  });

  it('answers 200 with the reason for an event that configuration ignores', async () => {
    const { raw, headers } = signedJira({ timestamp: NOW.toMillis(), webhookEvent: 'jira:version_released', version: { id: '1' } });
    const jobs = await jobCount(bridge);
    const result = await post(bridge, 'jira-demo', raw, headers);
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
    expect(result.body.status).to.equal('ignored');
    expect(String(result.body.reason)).to.include('jira:version_released');
    expect(await jobCount(bridge)).to.equal(jobs);
  });

  describe('refuses bad requests with a clear error, stores nothing and keeps serving', () => {
    const good = () => signedJira(issueCreated({ ...created, id: '10010', key: 'MB-10' }));
    const cases: [name: string, send: () => { source?: string; raw: string | Buffer; headers: Record<string, string> }, status: number, error: RegExp][] = [
      ['an unknown source', () => ({ ...good(), source: 'jira-nowhere' }), 404, /unknown source "jira-nowhere"/],
      ['a missing signature', () => { const { raw, headers } = good(); delete headers['x-hub-signature']; return { raw, headers }; }, 401, /missing X-Hub-Signature/i],
      ['a wrong secret', () => signedJira(issueCreated(created), { secret: 'not-the-secret' }), 401, /does not match/],
      ['a tampered body', () => { const { raw, headers } = good(); return { raw: Buffer.from(raw.toString().replace('Mail', 'Mall')), headers }; }, 401, /does not match/],
      ['a wrong content type', () => signedJira(issueCreated(created), { contentType: 'text/plain' }), 415, /application\/json/],
      ['a form-encoded body', () => signedJira(issueCreated(created), { contentType: 'application/x-www-form-urlencoded' }), 415, /application\/json/],
      ['truncated JSON', () => signedRaw(Buffer.from(JSON.stringify(issueCreated(created)).slice(0, 80))), 400, /malformed JSON/],
      ['an empty body', () => signedRaw(Buffer.alloc(0)), 400, /malformed JSON/],
      ['a wrong type', () => signedJira({ ...issueCreated(created), issue: 'MB-1' }), 400, /^issue: /],
      ['a missing field', () => signedJira({ ...issueCreated(created), webhookEvent: undefined }), 400, /^webhookEvent: /],
      ['a body over the limit', () => signedJira({ ...issueCreated(created), padding: 'x'.repeat(1_100_000) }), 413, /larger than 1048576 bytes/],
    ];

    for (const [name, send, status, error] of cases) {
      it(`${status} for ${name}`, async () => {
        const jobs = await jobCount(bridge);
        const { source, raw, headers } = send();
        const result = await post(bridge, source ?? 'jira-demo', raw, headers);
        expect(result.status, JSON.stringify(result.body)).to.equal(status);
        expect(String(result.body.error)).to.match(error);
        expect(await jobCount(bridge)).to.equal(jobs);
      });
    }

    it('still accepts a good delivery after all of them', async () => {
      const { raw, headers } = good();
      expect((await post(bridge, 'jira-demo', raw, headers)).status).to.equal(202);
    });

    it('takes unicode and long texts in its stride', async () => {
      const summary = `Storing: e-mail 📧 werkt niet — “ß” ${'ü'.repeat(20_000)}`;
      const { raw, headers } = signedJira(issueCreated({ ...created, id: '10011', key: 'MB-11', summary }));
      expect((await post(bridge, 'jira-demo', raw, headers)).status).to.equal(202);
      expect((await waitForState(bridge, 'jira-demo', '10011')).issue.title).to.equal(summary);
    });
  });

  describe('refusals in /metrics', () => {
    const giteaOpened = () => JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea/issue-opened.json'), 'utf8')).body as Record<string, any>;
    const signedGitea = (body: unknown) => {
      const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      return { raw, headers: { 'content-type': 'application/json', 'x-gitea-event': 'issues', ...trackerConnectors.gitea.sign(DEMO_SECRETS.GITEA_WEBHOOK_SECRET, raw) } };
    };

    it('counts each 400 by source and the field that failed, array indexes folded, (body) for unreadable JSON', async () => {
      const counting = await startTestBridge({ now: () => NOW.toMillis() });
      try {
        const refusals: [source: string, send: { raw: Buffer; headers: Record<string, string> }][] = [
          ['jira-demo', signedRaw(Buffer.from('{"timestamp": 1, '))],
          ['jira-demo', signedRaw(Buffer.alloc(0))],
          ['jira-demo', signedJira({ ...issueCreated(created), webhookEvent: 'jira:issue_updated', issue: { ...issueCreated(created).issue, fields: {} } })],
          ['jira-demo', signedJira({ timestamp: NOW.toMillis(), webhookEvent: 'comment_created', comment: { id: '1', self: 'https://jira.example.com/rest/api/2/issue/MB-1/comment/1' } })],
          ['gitea-demo', signedGitea({ ...giteaOpened(), issue: { ...giteaOpened().issue, labels: [{ name: 'a' }, { id: 2 }] } })],
          ['gitea-demo', signedGitea({ ...giteaOpened(), issue: { ...giteaOpened().issue, labels: [{ name: 'a' }, { name: 'b' }, { color: 'red' }] } })],
        ];
        for (const [source, { raw, headers }] of refusals) {
          const result = await post(counting, source, raw, headers);
          expect(result.status, JSON.stringify(result.body)).to.equal(400);
        }
        const accepted = signedGitea(giteaOpened());
        expect((await post(counting, 'gitea-demo', accepted.raw, accepted.headers)).status).to.equal(202);

        const lines = (await (await fetch(`${counting.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('sla_bridge_webhook_refusals_total{'));
        expect(lines.sort()).to.deep.equal([
          'sla_bridge_webhook_refusals_total{source="gitea-demo",field="issue.labels[].name"} 2',
          'sla_bridge_webhook_refusals_total{source="jira-demo",field="(body)"} 2',
          'sla_bridge_webhook_refusals_total{source="jira-demo",field="comment.self"} 1',
          'sla_bridge_webhook_refusals_total{source="jira-demo",field="issue.fields.created"} 1',
        ]);
      } finally {
        await counting.close();
      }
    });

    it('names the field in the answer, and never quotes the body of malformed JSON (it may hold a secret)', async () => {
      const { raw, headers } = signedGitea('{"secret": hunter2-the-hook-secret}');
      const result = await post(bridge, 'gitea-demo', raw, headers);
      expect(result.status).to.equal(400);
      expect(String(result.body.error)).to.match(/^malformed JSON: Unexpected token 'h' \(not valid JSON\)$/);
      const bad = signedGitea({ ...giteaOpened(), issue: { ...giteaOpened().issue, created_at: 'yesterday' } });
      const wrongField = await post(bridge, 'gitea-demo', bad.raw, bad.headers);
      expect(wrongField.body).to.deep.include({ field: 'issue.created_at' });
    });

    const fields: [path: PropertyKey[], label: string][] = [
      [[], '(body)'],
      [['issue'], 'issue'],
      [['issue', 'labels', 3, 'name'], 'issue.labels[].name'],
      [['changelog', 'items', 0, 'field'], 'changelog.items[].field'],
      [[0, 'id'], '[].id'],
      [['custom_fields', Symbol('hidden'), 'x'], 'custom_fields.x'],
      [['custom_fields', 'y'.repeat(200)], `custom_fields.${'y'.repeat(65)}…`],
    ];
    for (const [parts, label] of fields) {
      it(`labels the path ${JSON.stringify(parts.map(String))} as ${label.slice(0, 40)}`, () => {
        expect(refusalField(parts)).to.equal(label);
      });
    }

    it('counts at most 50 distinct fields of a source by name, the rest as (other)', async () => {
      const metrics = new BridgeMetrics();
      for (let index = 0; index < 60; index += 1) metrics.refusal('jira-demo', `field${index}`);
      metrics.refusal('jira-demo', 'field3');
      metrics.refusal('gitea-demo', 'field55');
      const text = await metrics.registry.getSingleMetricAsString('sla_bridge_webhook_refusals_total');
      const counts = new Map(text.split('\n').filter((line) => line.startsWith('sla_bridge')).map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
      expect(counts.get('sla_bridge_webhook_refusals_total{source="jira-demo",field="field3"}')).to.equal(2);
      expect(counts.get('sla_bridge_webhook_refusals_total{source="jira-demo",field="field49"}')).to.equal(1);
      expect(counts.get('sla_bridge_webhook_refusals_total{source="jira-demo",field="(other)"}')).to.equal(10);
      expect(counts.get('sla_bridge_webhook_refusals_total{source="gitea-demo",field="field55"}')).to.equal(1);
      expect(counts.size).to.equal(52);
    });
  });

  it('accepts both secrets during a rotation', async () => {
    const env = { ...DEMO_SECRETS, JIRA_WEBHOOK_SECRET_NEXT: 'the-next-secret' };
    const rotating = await startTestBridge({ config: loadBridgeConfig(SHIPPED_CONFIG_DIR, env), now: () => NOW.toMillis() });
    try {
      for (const secret of [DEMO_SECRETS.JIRA_WEBHOOK_SECRET, 'the-next-secret']) {
        const { raw, headers } = signedJira(issueCreated({ ...created, id: '10020', key: 'MB-20' }), { secret });
        expect((await post(rotating, 'jira-demo', raw, headers)).status).to.equal(202);
      }
      const { raw, headers } = signedJira(issueCreated(created), { secret: 'an-old-secret' });
      expect((await post(rotating, 'jira-demo', raw, headers)).status).to.equal(401);
    } finally {
      await rotating.close();
    }
  });

  describe('health', () => {
    it('answers /healthz and /readyz', async () => {
      expect((await fetch(`${bridge.url}/healthz`)).status).to.equal(200);
      const ready = await fetch(`${bridge.url}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.include({ redis: 'ok', config: 'loaded' });
    });
  });

  describe('when Redis goes away', () => {
    it('answers 503 with Retry-After instead of 202, and /readyz turns 503 while /healthz stays 200', async () => {
      const redis = await spawnRedis();
      const fragile = await startTestBridge({ redis: urlTarget(redis.url), now: () => NOW.toMillis(), shutdownTimeoutMs: 500 });
      try {
        const before = signedJira(issueCreated({ ...created, id: '10030', key: 'MB-30' }));
        expect((await post(fragile, 'jira-demo', before.raw, before.headers)).status).to.equal(202);
        await redis.stop();
        const { raw, headers } = signedJira(issueCreated({ ...created, id: '10031', key: 'MB-31' }));
        const result = await post(fragile, 'jira-demo', raw, headers);
        expect(result.status, JSON.stringify(result.body)).to.equal(503);
        expect(result.headers.get('retry-after')).to.equal('5');
        expect(result.body).to.deep.equal({ error: 'the bridge cannot store events right now (Redis unreachable); retry later' });
        const ready = await fetch(`${fragile.url}/readyz`);
        expect(ready.status).to.equal(503);
        expect(await ready.json()).to.deep.include({ status: 'not ready', redis: 'unreachable' });
        expect((await fetch(`${fragile.url}/healthz`)).status).to.equal(200);
      } finally {
        await fragile.close();
        await redis.stop();
      }
    });
  });
});
