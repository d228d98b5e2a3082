/**
 * The fields write-back owns, end to end through the real app, workers and Redis, with the trackers
 * intercepted at their hosts: someone else's change of them is written over, the echo of that
 * restore asks for nothing, a tracker that keeps changing them is not answered forever, and a
 * deleted issue gets no write at all (MantisBT answers 404 for it). Instants are relative to now, on
 * a round-the-clock calendar with week-long targets, so nothing breaches while the test runs.
 */
import { expect } from 'chai';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import nock from 'nock';
import { trackerConnectors } from '../connectors/registry.js';
import { jiraDateTime } from '../connectors/jira/write-back.js';
import { DeadLetterStore } from '../src/app/store/dead-letters.js';
import { MAX_RESTORES, type WriteBackOutcome } from '../src/app/jobs/write-back.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { HOUR_MS } from '../src/domain/duration.js';
import { projectRoot } from '../src/project-root.js';
import { postRaw, startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { interceptHttp } from './support/http-interception.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { WRITE_BACK_QUEUE } from '../src/app/jobs/pipeline.js';
import { plannedTimers } from './support/planned-timers.js';

const JIRA = 'https://jira.example.com';
const GITEA = 'https://gitea.example.com';
const MANTIS = 'https://mantis.example.com';
const GITHUB_API = 'https://api.github.com';
const ZONE = 'Europe/Amsterdam';
const WEEK_MS = 7 * 24 * HOUR_MS;

const CONFIG = {
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/support.yaml': `
customer: ACME
calendar: round-the-clock
covers:
  - { source: jira-demo, project: MB }
  - { source: mantis-demo, project: intranet }
  - { source: gitea-demo, project: acme/app }
  - { source: github-demo, project: acme/app }
policies:
  reaction: 1w
  resolution: 2w
`,
  'sources/jira-demo.yaml': `
kind: jira
base_url: ${JIRA}
webhook: { secrets: [jira-secret] }
api: { user: sla-bot@example.com, token: jira-token }
priority: { field: priority, map: { Highest: P1, High: P2 }, default: P3 }
write_back: { enabled: true, fields: { reaction: customfield_10060 }, due_date: true }
`,
  'sources/gitea-demo.yaml': `
kind: gitea
base_url: ${GITEA}
webhook: { secrets: [gitea-secret] }
api: { token: gitea-token }
priority: { field: labels, map: { priority/1: P1 }, default: P3 }
write_back: { enabled: true, due_date: true, labels: { at_risk: sla/at-risk, breached: sla/breached } }
`,
  'sources/github-demo.yaml': `
kind: github
base_url: https://github.com
webhook: { secrets: [github-secret] }
api: { token: github-token }
priority: { field: labels, map: { priority/1: P1 }, default: P3 }
write_back: { enabled: true, due_date: true, project: { owner: acme, number: 2, field: SLA due }, labels: { at_risk: sla/at-risk, breached: sla/breached } }
`,
  'sources/mantis-demo.yaml': `
kind: mantis
base_url: ${MANTIS}
webhook: { secrets: [mantis-secret] }
api: { token: mantis-token }
priority: { field: priority, map: { urgent: P1, high: P2 }, default: P3 }
statuses: { resolved: [resolved, closed], paused: [feedback] }
agents: { min_access_level: 55 }
write_back: { enabled: true, fields: { reaction: SLA reaction, resolution: SLA resolution }, due_date: true }
`,
};

/** What every write-back job answered, in the order they finished. */
function outcomes(events: QueueEvents): WriteBackOutcome[] {
  const seen: WriteBackOutcome[] = [];
  events.on('completed', ({ returnvalue }) => seen.push(returnvalue as unknown as WriteBackOutcome));
  return seen;
}

type Outcome = WriteBackOutcome['outcome'];

describe('write-back: the fields the bridge owns', function () {
  this.timeout(40_000);
  interceptHttp({ cleanAfterEach: true });

  let bridge: TestBridge;
  let redis: Redis;
  let eventsRedis: Redis;
  let queueEvents: QueueEvents;
  let writeBacks: Queue;
  let seen: WriteBackOutcome[];

  before(async () => {
    const config = loadBridgeConfig(writeConfig(CONFIG), {});
    bridge = await startTestBridge({ config });
    const url = (await sharedRedis()).url;
    redis = new Redis(url, { maxRetriesPerRequest: null });
    eventsRedis = new Redis(url, { maxRetriesPerRequest: null });
    queueEvents = new QueueEvents(WRITE_BACK_QUEUE, { connection: eventsRedis, prefix: bridge.prefix });
    await queueEvents.waitUntilReady();
    writeBacks = new Queue(WRITE_BACK_QUEUE, { connection: redis, prefix: bridge.prefix });
    seen = outcomes(queueEvents);
  });
  after(async () => {
    await bridge.close();
    await queueEvents.close();
    await writeBacks.close();
    redis.disconnect();
    eventsRedis.disconnect();
  });

  const deadLetters = async () => (await new DeadLetterStore(redis, bridge.prefix).list()).total;

  /**
   * What the issue's write-back jobs did, in the order they finished. Timers re-plan an issue and
   * queue write-backs of their own, so a test looks for what it expects, not at positions.
   */
  const outcomesOf = (issueId: string): Outcome[] => seen.filter((done) => done.issueId === issueId).map((done) => done.outcome);

  /** Waits until one of the issue's jobs after the first `after` did `wanted` (any, when undefined), failing loudly with what they did. */
  async function waitForOutcome(issueId: string, wanted: Outcome | undefined, after: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const done = () => outcomesOf(issueId).slice(after).some((outcome) => wanted === undefined || outcome === wanted);
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`no write-back of issue ${issueId} was ${wanted ?? 'done'} within ${timeoutMs} ms; they were: ${JSON.stringify(outcomesOf(issueId))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** After `send`, once a job of the issue ran and everything is done: what its jobs since did. */
  async function quietAfter(issueId: string, send: () => Promise<void>): Promise<Outcome[]> {
    const mark = outcomesOf(issueId).length;
    await send();
    await waitForOutcome(issueId, undefined, mark);
    await allDone();
    return outcomesOf(issueId).slice(mark);
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

  async function post(source: 'jira-demo' | 'mantis-demo' | 'gitea-demo' | 'github-demo', body: unknown, headers: Record<string, string>) {
    const raw = Buffer.from(JSON.stringify(body));
    const kind = ({ 'jira-demo': 'jira', 'mantis-demo': 'mantis', 'gitea-demo': 'gitea', 'github-demo': 'github' } as const)[source];
    const signature = trackerConnectors[kind].sign(`${kind}-secret`, raw);
    const result = await postRaw(`${bridge.url}/webhooks/${source}`, raw, { 'content-type': 'application/json', ...headers, ...signature });
    expect(result.status, JSON.stringify(result.body)).to.equal(202);
  }

  describe('Jira', () => {
    const created = Date.now() - 60_000;
    const reactionDue = created + WEEK_MS;
    /** Jira renders date-times in its own zone: here UTC, not the contract's. */
    const jiraShows = (instant: number) => DateTime.fromMillis(Math.floor(instant / 60_000) * 60_000, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ");
    const dueDay = DateTime.fromMillis(reactionDue, { zone: ZONE }).toISODate()!;

    function issue(id: string, fields: Record<string, unknown>) {
      return {
        id,
        key: `MB-${id}`,
        self: `${JIRA}/rest/api/2/issue/${id}`,
        fields: {
          summary: 'Checkout fails',
          created: DateTime.fromMillis(created, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ"),
          priority: { name: 'Medium' },
          status: { name: 'Open' },
          project: { key: 'MB' },
          components: [],
          labels: [],
          assignee: null,
          customfield_10060: null,
          duedate: null,
          ...fields,
        },
      };
    }
    const event = (id: string, at: number, fields: Record<string, unknown>, webhookEvent = 'jira:issue_updated', items: unknown[] = []) => ({
      timestamp: at,
      webhookEvent,
      issue_event_type_name: webhookEvent === 'jira:issue_created' ? 'issue_created' : 'issue_updated',
      user: { accountId: 'person-1', displayName: 'Ann' },
      issue: issue(id, fields),
      changelog: { id: '1', items },
    });
    const send = (body: unknown) => post('jira-demo', body, { 'x-atlassian-webhook-identifier': randomUUID() });

    function jiraPuts(id: string): Record<string, unknown>[] {
      const bodies: Record<string, unknown>[] = [];
      nock(JIRA)
        .persist()
        .put(`/rest/api/2/issue/${id}`)
        .reply((_uri, body) => {
          bodies.push((body as { fields: Record<string, unknown> }).fields);
          return [204, ''];
        });
      return bodies;
    }

    it('writes the fields again when a person clears or changes them, and the restore\'s echo asks for nothing', async () => {
      const puts = jiraPuts('60001');
      await send(event('60001', created, {}, 'jira:issue_created'));
      await waitForOutcome('60001', 'written', 0);
      await allDone();
      const written = { customfield_10060: jiraDateTime(reactionDue, ZONE), duedate: dueDay };
      expect(puts).to.deep.equal([written]);

      // Ann clears the deadline field and moves the due date by hand.
      const mark = outcomesOf('60001').length;
      const edited = { customfield_10060: null, duedate: '2031-01-01' };
      await send(event('60001', created + 30_000, edited, 'jira:issue_updated', [{ field: 'duedate', fieldId: 'duedate', from: dueDay, to: '2031-01-01' }]));
      await waitForOutcome('60001', 'restored', mark);
      await allDone();
      expect(puts).to.deep.equal([written, written]);

      // Jira's webhook for the restore shows the bridge's values, in Jira's own zone.
      const echoed = await quietAfter('60001', () => send(event('60001', created + 40_000, { customfield_10060: jiraShows(reactionDue), duedate: dueDay })));
      expect(echoed.every((outcome) => outcome === 'unchanged'), JSON.stringify(echoed)).to.equal(true);
      expect(puts).to.have.length(2);
    });

    it(`stops restoring after ${MAX_RESTORES} restores of the same deadlines when the tracker keeps changing them`, async () => {
      const puts = jiraPuts('60002');
      await send(event('60002', created, {}, 'jira:issue_created'));
      await waitForOutcome('60002', 'written', 0);
      await allDone();
      // A tracker that stores something else than it was sent, every time (an automation rule, say).
      const rounds = MAX_RESTORES + 2;
      for (let round = 0; round < rounds; round += 1) {
        await quietAfter('60002', () => send(event('60002', created + (round + 1) * 1_000, { customfield_10060: null, duedate: null })));
      }
      const restores = outcomesOf('60002').filter((outcome) => outcome === 'restored');
      expect(restores).to.have.length(MAX_RESTORES);
      // The next ones find nothing to write: the written state alone asks for nothing.
      expect(outcomesOf('60002').slice(-(rounds - MAX_RESTORES))).to.deep.equal(Array<Outcome>(rounds - MAX_RESTORES).fill('unchanged'));
      expect(puts).to.have.length(1 + MAX_RESTORES);
    });
  });

  describe('Gitea', () => {
    // Four days into a week's reaction: past the 50% warning, so the issue carries sla/at-risk.
    const created = Date.now() - 4 * 24 * HOUR_MS;
    const stamp = (instant: number) => DateTime.fromMillis(instant, { zone: 'UTC' }).toISO({ suppressMilliseconds: true })!;
    // Gitea keeps the deadline's day at 23:59:59 and renders it in its own zone.
    const dueDate = DateTime.fromMillis(created + WEEK_MS, { zone: ZONE }).set({ hour: 23, minute: 59, second: 59, millisecond: 0 });

    function delivery(action: string, at: number, issue: Record<string, unknown>) {
      return {
        action,
        number: 9,
        issue: {
          id: 9009,
          number: 9,
          title: 'App crashes on login',
          html_url: `${GITEA}/acme/app/issues/9`,
          state: 'open',
          labels: [],
          assignee: null,
          assignees: null,
          created_at: stamp(created),
          updated_at: stamp(at),
          closed_at: null,
          due_date: null,
          pull_request: null,
          ...issue,
        },
        repository: { id: 3, name: 'app', full_name: 'acme/app', owner: { login: 'acme' }, html_url: `${GITEA}/acme/app` },
        sender: { login: 'ann' },
      };
    }
    const send = (body: unknown, type = 'issues') => post('gitea-demo', body, { 'x-gitea-event': 'issues', 'x-gitea-event-type': type, 'x-gitea-delivery': randomUUID() });

    it('puts the SLA label and the due date back when someone takes them off, and the echo asks for nothing', async () => {
      const calls: { method: string; path: string; body: unknown }[] = [];
      const record = (method: string) => (uri: string, body: unknown): [number, unknown] => {
        calls.push({ method, path: uri, body });
        return [method === 'PATCH' ? 201 : 200, method === 'GET' ? [{ id: 901, name: 'sla/at-risk' }, { id: 902, name: 'sla/breached' }] : {}];
      };
      nock(GITEA).persist().patch(/.*/).reply(record('PATCH')).post(/.*/).reply(record('POST')).get(/.*/).reply(record('GET')).delete(/.*/).reply(record('DELETE'));
      const id = 'acme/app#9';
      await send(delivery('opened', created, {}));
      await waitForOutcome(id, 'written', 0);
      await allDone();
      const written = [
        { method: 'PATCH', path: '/api/v1/repos/acme/app/issues/9', body: { due_date: dueDate.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") } },
        { method: 'POST', path: '/api/v1/repos/acme/app/issues/9/labels', body: { labels: ['sla/at-risk'] } },
      ];
      expect(calls).to.deep.equal(written);

      // Someone clears the labels and moves the deadline.
      const mark = outcomesOf(id).length;
      await send(delivery('label_cleared', created + 60_000, { labels: [], due_date: '2031-01-01T23:59:59+01:00' }), 'issue_label');
      await waitForOutcome(id, 'restored', mark);
      await allDone();
      expect(calls.slice(2)).to.deep.equal(written);

      // Gitea's webhooks for the restore: the label back, the deadline in Gitea's own zone.
      const echo = { labels: [{ id: 901, name: 'sla/at-risk' }], due_date: dueDate.setZone('Asia/Tokyo').toISO({ suppressMilliseconds: true }) };
      const echoed = await quietAfter(id, () => send(delivery('label_updated', created + 70_000, echo), 'issue_label'));
      expect(echoed.every((outcome) => outcome === 'unchanged'), JSON.stringify(echoed)).to.equal(true);
      expect(calls).to.have.length(4);
    });
  });

  describe('GitHub', () => {
    // Four days into a week's reaction: past the 50% warning, so the issue carries sla/at-risk.
    const created = Date.now() - 4 * 24 * HOUR_MS;
    const stamp = (instant: number) => new Date(Math.floor(instant / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const dueDay = DateTime.fromMillis(created + WEEK_MS, { zone: ZONE }).toISODate()!;
    /** The #42 story's labeled delivery (test/fixtures/github), moved to acme/app#9 and to now. */
    const recorded = JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/github/labeled-priority-1.json'), 'utf8')) as { body: Record<string, any> };

    function delivery(action: string, at: number, labels: string[]) {
      const body = structuredClone(recorded.body);
      Object.assign(body, { action, label: { name: labels[0] ?? 'sla/at-risk' } });
      Object.assign(body.issue, {
        number: 9,
        html_url: 'https://github.com/acme/app/issues/9',
        title: 'App crashes on login',
        labels: labels.map((name) => ({ name, color: 'fbca04' })),
        created_at: stamp(created),
        updated_at: stamp(at),
      });
      Object.assign(body.repository, { full_name: 'acme/app', name: 'app', html_url: 'https://github.com/acme/app' });
      return body;
    }
    const send = (body: unknown) => post('github-demo', body, { 'x-github-event': 'issues', 'x-github-delivery': randomUUID() });

    /** GitHub with one Project: the date field holds what the last mutation set (or what a person typed). */
    function fakeGithub() {
      const project = { date: null as string | null, itemAdded: false };
      const calls: string[] = [];
      nock(GITHUB_API)
        .persist()
        .post('/graphql')
        .reply((_uri, body) => {
          const { query, variables } = body as { query: string; variables: Record<string, string> };
          const name = query.startsWith('query(') ? 'query' : /\{ (\w+)\(input/.exec(query)![1]!;
          calls.push(name === 'updateProjectV2ItemFieldValue' ? `${name} ${variables.date}` : name);
          if (name === 'updateProjectV2ItemFieldValue') project.date = variables.date!;
          if (name === 'clearProjectV2ItemFieldValue') project.date = null;
          if (name === 'addProjectV2ItemById') {
            project.itemAdded = true;
            return [200, { data: { addProjectV2ItemById: { item: { id: 'PVTI_9' } } } }];
          }
          if (name !== 'query') return [200, { data: {} }];
          const items = project.itemAdded ? [{ id: 'PVTI_9', project: { id: 'PVT_2' }, fieldValueByName: project.date === null ? null : { date: project.date } }] : [];
          return [200, { data: { repository: { issue: { id: 'I_9', projectItems: { nodes: items } } }, repositoryOwner: { projectV2: { id: 'PVT_2', field: { id: 'PVTF_due', name: 'SLA due', dataType: 'DATE' } } } } }];
        })
        .post(/\/repos\/acme\/app\/issues\/9\/labels/)
        .reply((uri, body) => {
          calls.push(`POST ${uri} ${JSON.stringify(body)}`);
          return [200, []];
        })
        .delete(/\/repos\/acme\/app\/issues\/9\/labels\/.*/)
        .reply((uri) => {
          calls.push(`DELETE ${uri}`);
          return [200, []];
        });
      return { project, calls };
    }

    it('puts the SLA label and the Project date back when someone changes them, and the echo asks for nothing', async () => {
      const github = fakeGithub();
      const id = 'acme/app#9';
      await send(delivery('opened', created, []));
      await waitForOutcome(id, 'written', 0);
      await allDone();
      // Read, add the issue to the project; then the label and the date. (Other jobs of the issue,
      // queued by its timers, read the project too: what matters is what was written.)
      const writes = (calls: string[]) => calls.filter((call) => call !== 'query');
      expect(github.calls[0]).to.equal('query');
      expect(writes(github.calls)).to.deep.equal(['addProjectV2ItemById', 'POST /repos/acme/app/issues/9/labels {"labels":["sla/at-risk"]}', `updateProjectV2ItemFieldValue ${dueDay}`]);
      expect(github.project.date).to.equal(dueDay);

      // Someone takes the label off and types another date into the project.
      github.project.date = '2031-01-01';
      const mark = outcomesOf(id).length;
      const before = github.calls.length;
      await send(delivery('unlabeled', created + 60_000, []));
      await waitForOutcome(id, 'restored', mark);
      await allDone();
      expect(writes(github.calls.slice(before))).to.deep.equal(['POST /repos/acme/app/issues/9/labels {"labels":["sla/at-risk"]}', `updateProjectV2ItemFieldValue ${dueDay}`]);
      expect(github.project.date).to.equal(dueDay);

      // GitHub's webhook for the restored label: every job finds the label and the date as written.
      const after = github.calls.length;
      const echoed = await quietAfter(id, () => send(delivery('labeled', created + 70_000, ['sla/at-risk'])));
      expect(echoed.every((outcome) => outcome === 'unchanged'), JSON.stringify(echoed)).to.equal(true);
      expect(github.calls.slice(after).every((call) => call === 'query'), JSON.stringify(github.calls.slice(after))).to.equal(true);
    });
  });

  describe('MantisBT', () => {
    const reported = Date.now() - 60_000;
    const seconds = (instant: number) => String(Math.floor(instant / 1000));

    function mantisIssue(id: number, changes: Record<string, unknown> = {}) {
      return {
        id,
        project: { id: 3, name: 'intranet' },
        category: 'General',
        status: { id: 10, name: 'new' },
        priority: { id: 30, name: 'normal' },
        severity: { id: 50, name: 'minor' },
        handler: null,
        summary: 'Printer offline',
        reporter: { id: 7, name: 'jan', access_level: 25 },
        tags: [],
        custom_fields: { 'SLA reaction': '', 'SLA resolution': '' },
        created_at: reported,
        updated_at: reported,
        due_date: null,
        view_url: `${MANTIS}/view.php?id=${id}`,
        ...changes,
      };
    }
    const payload = (event: string, at: number, issue: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      event,
      timestamp: at,
      mantis_version: '2.28.4',
      issue,
      ...extra,
    });
    const send = (body: { event: string }) => post('mantis-demo', body, { 'x-mantis-event': body.event, 'x-mantis-delivery': randomUUID() });

    function mantisPatches(id: number, reply: (count: number) => [number, unknown] = () => [200, { issues: [] }]): unknown[] {
      const bodies: unknown[] = [];
      nock(MANTIS)
        .persist()
        .patch(`/api/rest/issues/${id}`)
        .reply((_uri, body) => {
          bodies.push(body);
          return reply(bodies.length);
        });
      return bodies;
    }

    it('restores the date fields a web edit re-saved at midnight', async () => {
      const patches = mantisPatches(1101);
      await send(payload('issue_reported', reported, mantisIssue(1101)));
      await waitForOutcome('1101', 'written', 0);
      await allDone();
      const reaction = reported + WEEK_MS;
      const resolution = reported + 2 * WEEK_MS;
      const fields = [
        { field: { name: 'SLA reaction' }, value: seconds(reaction) },
        { field: { name: 'SLA resolution' }, value: seconds(resolution) },
      ];
      const dueDate = DateTime.fromMillis(Math.floor(reaction / 1000) * 1000, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
      expect(patches).to.deep.equal([{ custom_fields: fields, due_date: dueDate }]);

      // A developer edits the summary on the web: MantisBT re-saves each date field at its day's local midnight.
      const midnight = (instant: number) => seconds(DateTime.fromMillis(instant, { zone: ZONE }).startOf('day').toMillis());
      const truncated = mantisIssue(1101, {
        summary: 'Printer offline on floor 2',
        custom_fields: { 'SLA reaction': midnight(reaction), 'SLA resolution': midnight(resolution) },
        due_date: Math.floor(reaction / 1000) * 1000,
      });
      const previous = { project: truncated.project, category: 'General', status: truncated.status, priority: truncated.priority, severity: truncated.severity, handler: null };
      const mark = outcomesOf('1101').length;
      await send(payload('issue_updated', reported + 20_000, truncated, { previous }));
      await waitForOutcome('1101', 'restored', mark);
      await allDone();
      expect(patches).to.have.length(2);
      // Only the fields it changed: the due date was left alone.
      expect(patches[1]).to.deep.equal({ custom_fields: fields });
    });

    it('writes nothing after the issue is deleted, and cancels its timers', async () => {
      const patches = mantisPatches(1102);
      await send(payload('issue_reported', reported, mantisIssue(1102)));
      await waitForOutcome('1102', 'written', 0);
      await allDone();
      const jobs = outcomesOf('1102').length;
      expect(patches).to.have.length(1);
      expect(Object.keys(await plannedTimers(redis, bridge.prefix, 'mantis-demo', '1102')).length, 'timers planned while open').to.be.greaterThan(0);
      await send(payload('issue_deleted', reported + 30_000, mantisIssue(1102)));
      const state = await waitForState(bridge, 'mantis-demo', '1102', (candidate) => candidate.sla.deleted === true);
      expect(state.sla.covered && state.sla.metrics.every((metric) => metric.state === 'not_applicable')).to.equal(true);
      await allDone();
      // The deletion queued no write-back.
      expect(outcomesOf('1102')).to.have.length(jobs);
      expect(patches).to.have.length(1);
      expect(await deadLetters()).to.equal(0);
      expect(Object.keys(await plannedTimers(redis, bridge.prefix, 'mantis-demo', '1102')).length, 'timers left').to.equal(0);
    });

    it('marks an issue deleted when MantisBT answers that it does not exist, instead of a dead letter', async () => {
      // The first write lands; the second finds the issue gone (deleted while the plugin was off).
      const patches = mantisPatches(1103, (count) => (count === 1 ? [200, { issues: [] }] : [404, { message: 'Issue #1103 not found.', code: 1100, localized: 'Issue 1103 not found.' }]));
      await send(payload('issue_reported', reported, mantisIssue(1103)));
      await waitForOutcome('1103', 'written', 0);
      await allDone();
      const mark = outcomesOf('1103').length;
      // Raised to urgent: the deadlines move, so the bridge writes again.
      const raised = mantisIssue(1103, { priority: { id: 50, name: 'urgent' } });
      await send(payload('issue_updated', reported + 10_000, raised, { previous: { project: raised.project, category: 'General', status: raised.status, priority: { id: 30, name: 'normal' }, severity: raised.severity, handler: null } }));
      await waitForOutcome('1103', 'gone', mark);
      const state = await waitForState(bridge, 'mantis-demo', '1103', (candidate) => candidate.sla.deleted === true);
      expect(state.sla.deleted).to.equal(true);
      expect(patches).to.have.length(2);
      await allDone();
      expect(await deadLetters()).to.equal(0);
      expect(patches, 'nothing more written to the gone issue').to.have.length(2);
    });
  });
});
