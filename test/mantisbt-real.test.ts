/**
 * The bridge against a real MantisBT 2.28.4 (test/support/mantisbt.ts installs it from the shared
 * bundle), with the SlaBridge plugin installed through Manage Plugins and pointed at a real bridge.
 * A customer and an agent work as they do, on the web and through REST; every scenario checks the
 * bridge's state, what the bridge wrote back into MantisBT (read back over REST) and that no
 * request became a dead letter.
 *
 * Without the bundle this file prints one line saying why and where to get it, and defines no tests.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { isRedisVariable } from '../src/app/store/redis-target.js';
import type { IssueState } from '../src/app/store/issue-store.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import type { MetricStatus } from '../src/domain/metric-status.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import {
  addNote,
  changeStatus,
  configureSlaBridge,
  customFieldValue,
  deleteIssue,
  groupAction,
  protectSlaFields,
  unprotectSlaFields,
  editIssue,
  installMantis,
  MantisRest,
  missingMantisBundle,
  PRIORITY,
  reportIssue,
  resolveIssue,
  setUpServiceDesk,
  SLA_FIELDS,
  STATUS,
  type InstallTimings,
  type RunningMantis,
  type ServiceDesk,
} from './support/mantisbt.js';
import { sharedRedis } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { WRITE_BACK_QUEUE } from '../src/app/jobs/pipeline.js';
import { mantisConnector } from '../connectors/mantis/index.js';
import { trackerRead } from '../src/app/jobs/reconcile.js';
import { OutboundHttp } from '../src/app/outbound/outbound-http.js';
import { waitFor } from './support/wait-for.js';

const SOURCE = 'mantis-real';
const HOUR = 3_600_000;
/** 24x7: a `d` is 24 h. Long enough that nothing breaches or even warns while the suite runs. */
const REACTION = { P1: 4 * HOUR, P2: 8 * HOUR, P3: 24 * HOUR, P4: 7 * 24 * HOUR } as const;
const RESOLUTION = { P1: 24 * HOUR, P2: 48 * HOUR, P3: 7 * 24 * HOUR, P4: 14 * 24 * HOUR } as const;

function configFiles(mantisUrl: string, token: string, apiUser: string, secret: string, project: string): Record<string, string> {
  return {
    'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
    'contracts/portal.yaml': `
customer: Portal customer
calendar: round-the-clock
covers:
  - { source: ${SOURCE}, project: "${project}" }
metrics:
  reaction: { met_by: [agent_comment, resolved] }
  resolution: { starts: created, met_by: [resolved] }
policies:
  reaction: { P1: 4h, P2: 8h, P3: 1d, P4: 1w }
  resolution: { P1: 1d, P2: 2d, P3: 1w, P4: 2w }
`,
    [`sources/${SOURCE}.yaml`]: `
kind: mantis
base_url: ${mantisUrl}
webhook:
  secrets: ["${secret}"]
api:
  token: ${token}
  user: ${apiUser}
priority:
  field: priority
  map: { immediate: P1, urgent: P1, high: P2, normal: P3, low: P4, none: P4 }
  default: P3
statuses:
  resolved: [resolved, closed]
  paused: [feedback]
agents:
  min_access_level: 55
write_back:
  enabled: true
  fields: { reaction: "${SLA_FIELDS.reaction}", resolution: "${SLA_FIELDS.resolution}" }
  due_date: true
`,
  };
}

type Metrics = Record<'reaction' | 'resolution', MetricStatus>;

function metricsOf(state: IssueState): Metrics {
  if (!state.sla.covered) throw new Error(`issue ${state.issue.id} is not covered: ${state.sla.reason}`);
  const byName = Object.fromEntries(state.sla.metrics.map((metric) => [metric.metric, metric]));
  return byName as Metrics;
}

/** What MantisBT should show: a running metric's deadline in epoch seconds, "" for any other. */
function expectedField(metric: MetricStatus): string {
  return metric.state === 'running' && typeof metric.deadline === 'number' ? String(Math.floor(metric.deadline / 1000)) : '';
}

/** The nearest running deadline, to the second (MantisBT keeps seconds); null when none runs. */
function expectedDueDate(metrics: Metrics): number | null {
  const open = Object.values(metrics)
    .filter((metric) => metric.state === 'running' && typeof metric.deadline === 'number')
    .map((metric) => Math.floor(metric.deadline! / 1000) * 1000);
  return open.length > 0 ? Math.min(...open) : null;
}

/**
 * The bridge starts the clocks when the plugin saw the report (its ms timestamp), MantisBT keeps
 * the second it was saved: the clock starts in that second or the next.
 */
function expectStartedAt(metric: MetricStatus, target: number, created: number): void {
  expect(metric.deadline, `${metric.metric} deadline`).to.be.a('number');
  expect(metric.deadline! - target, `${metric.metric} deadline minus its target`).to.be.within(created, created + 2_000);
}

interface MantisView {
  readonly status: string;
  readonly priority: string;
  readonly reaction: string | undefined;
  readonly resolution: string | undefined;
  /** Epoch ms; null when the issue has none. */
  readonly dueDate: number | null;
}

const missing = missingMantisBundle();
if (missing) {
  // The one allowed exception to "no silent skips": said loudly, in one line.
  console.warn(`\n*** ${missing} ***\n`);
} else {
  describe('bridge against a real MantisBT 2.28.4 with the SlaBridge plugin', function () {
    this.timeout(60_000);
    const timings: InstallTimings = {};
    const suiteStarted = Date.now();
    let mantis: RunningMantis;
    let desk: ServiceDesk;
    let bridge: TestBridge;
    let configDir: string;
    let redis: Redis;
    let writeBacks: Queue;
    let asCustomer: MantisRest;
    let asAgent: MantisRest;
    const apiToken = `api-${randomUUID()}`;

    before(async function () {
      this.timeout(90_000);
      mantis = await installMantis({ timings });
      let started = Date.now();
      desk = await setUpServiceDesk(mantis);
      timings['project, fields, plugin, users'] = Date.now() - started;
      asCustomer = new MantisRest(mantis.url, desk.customer.token);
      asAgent = new MantisRest(mantis.url, desk.agent.token);
      const secret = randomUUID();
      configDir = writeConfig(configFiles(mantis.url, desk.bridgeUser.token, desk.bridgeUser.username, secret, desk.projectName));
      started = Date.now();
      bridge = await startTestBridge({ config: loadBridgeConfig(configDir, {}), apiToken });
      redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
      writeBacks = new Queue(WRITE_BACK_QUEUE, { connection: redis, prefix: bridge.prefix });
      await configureSlaBridge(mantis.admin, { url: `${bridge.url}/webhooks/${SOURCE}`, secret });
      timings['bridge, plugin configured'] = Date.now() - started;
    });

    after(async function () {
      this.timeout(30_000);
      await writeBacks?.close();
      redis?.disconnect();
      await bridge?.close();
      await mantis?.stop();
      console.log(`      install: ${Object.entries(timings).map(([step, ms]) => `${step} ${ms} ms`).join(', ')}; whole suite ${Date.now() - suiteStarted} ms`);
    });

    /** Every ingest and write-back job done: only then can "nothing was written" or "no dead letter" be told. */
    async function settled(): Promise<void> {
      await waitForIdleQueue(bridge);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const counts = await writeBacks.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((count) => count === 0)) break;
        if (Date.now() > deadline) throw new Error(`the write-back queue did not drain: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // A write-back can queue a recompute only through MantisBT, which echoes nothing for REST.
      await waitForIdleQueue(bridge);
    }

    interface DeadLetters {
      readonly total: number;
      readonly letters: ReadonlyArray<{ readonly id: string; readonly description: string; readonly status?: number; readonly reason: string }>;
    }

    async function deadLetters(): Promise<DeadLetters> {
      const response = await fetch(`${bridge.url}/api/dead-letters?limit=1000`, { headers: { authorization: `Bearer ${apiToken}` } });
      expect(response.status).to.equal(200);
      return (await response.json()) as DeadLetters;
    }

    // Each scenario answers for its own dead letters, not for an earlier one's.
    let earlierLetters = new Set<string>();
    beforeEach(async () => {
      earlierLetters = new Set((await deadLetters()).letters.map((letter) => letter.id));
    });

    async function expectNoDeadLetters(): Promise<void> {
      await settled();
      const { letters } = await deadLetters();
      const fresh = letters.filter((letter) => !earlierLetters.has(letter.id));
      expect(fresh.map(({ description, status, reason }) => `${description}: ${status ?? ''} ${reason}`), 'dead letters').to.deep.equal([]);
    }

    async function view(id: number): Promise<MantisView> {
      const issue = await asAgent.getIssue(id);
      return {
        status: issue.status.name,
        priority: issue.priority.name,
        reaction: customFieldValue(issue, SLA_FIELDS.reaction),
        resolution: customFieldValue(issue, SLA_FIELDS.resolution),
        dueDate: issue.due_date ? Date.parse(issue.due_date) : null,
      };
    }

    /** Polls MantisBT's REST view until `ready`; fails naming what it last saw. */
    async function waitForMantis(id: number, what: string, ready: (seen: MantisView) => boolean, timeoutMs = 15_000): Promise<MantisView> {
      const deadline = Date.now() + timeoutMs;
      let last: MantisView | undefined;
      while (Date.now() < deadline) {
        last = await view(id);
        if (ready(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`MantisBT issue ${id} did not show ${what} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    }

    const state = (id: number, ready: (state: IssueState) => boolean, timeoutMs = 15_000) => waitForState(bridge, SOURCE, String(id), ready, timeoutMs);
    const covered = (ready: (metrics: Metrics, state: IssueState) => boolean) => (state: IssueState) => state.sla.covered && ready(metricsOf(state), state);

    /** What the bridge should have written for this state, as MantisBT shows it. */
    function written(current: IssueState) {
      const metrics = metricsOf(current);
      return { reaction: expectedField(metrics.reaction), resolution: expectedField(metrics.resolution), dueDate: expectedDueDate(metrics) };
    }

    /** Waits until MantisBT shows exactly what the bridge's current state says, then returns both. */
    async function writtenBack(id: number, ready: (state: IssueState) => boolean): Promise<{ state: IssueState; shown: MantisView }> {
      await settled();
      const current = await state(id, ready);
      const expected = written(current);
      const shown = await waitForMantis(id, `the write-back ${JSON.stringify(expected)}`, (seen) => seen.reaction === expected.reaction && seen.resolution === expected.resolution && seen.dueDate === expected.dueDate);
      return { state: current, shown };
    }

    /** PATCH requests MantisBT's built-in server logged for one issue. */
    function patchesOf(id: number): number {
      return mantis.phpLog().split('\n').filter((line) => new RegExp(`\\]: PATCH /api/rest/issues/${id}\\b`).test(line)).length;
    }

    async function reconcile(options: { readonly json?: boolean; readonly logLevel?: string } = {}): Promise<{ code: number | null; out: string; err: string }> {
      const root = projectRoot();
      const bin = path.join(root, (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['sla-bridge']!);
      // As an operator runs it next to the bridge: the bridge's Redis and prefix, nothing else of ours.
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isRedisVariable(name)));
      const env = { ...inherited, REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: bridge.prefix, LOG_LEVEL: options.logLevel ?? 'warn' };
      const args = ['reconcile', '--source', SOURCE, '--since', '1h', '--config', configDir, ...(options.json ? ['--json'] : [])];
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, out: out.trim(), err: err.trim() });
        });
      });
    }

    // Issues the scenarios share, in the order they happen.
    let webIssue = 0;
    let restIssue = 0;

    it('web report: the bridge has it at its priority with running clocks, and MantisBT shows the deadlines', async () => {
      webIssue = await reportIssue(desk.customer.web, { projectId: desk.projectId, summary: 'Portal login fails', description: 'Nobody can log in since 08:00.', priority: PRIORITY.high });
      const created = Date.parse((await asAgent.getIssue(webIssue)).created_at);
      const { state: current, shown } = await writtenBack(webIssue, covered((m) => m.reaction.state === 'running'));
      const metrics = metricsOf(current);
      expect(current.sla.covered && current.sla.priority.effective).to.equal('P2');
      expect([metrics.reaction.state, metrics.resolution.state]).to.deep.equal(['running', 'running']);
      expectStartedAt(metrics.reaction, REACTION.P2, created);
      expectStartedAt(metrics.resolution, RESOLUTION.P2, created);
      expect(shown).to.deep.include({ reaction: expectedField(metrics.reaction), resolution: expectedField(metrics.resolution), dueDate: expectedDueDate(metrics) });
      expect(shown.dueDate, 'the due date is the reaction deadline').to.equal(Math.floor(metrics.reaction.deadline! / 1000) * 1000);
      await expectNoDeadLetters();
    });

    it('REST report: the same for an issue a customer creates through the API', async () => {
      restIssue = (await asCustomer.createIssue({ projectId: desk.projectId, summary: 'Invoices are not sent', priority: 'urgent' })).id;
      const created = Date.parse((await asAgent.getIssue(restIssue)).created_at);
      const { state: current, shown } = await writtenBack(restIssue, covered((m) => m.reaction.state === 'running'));
      expect(current.sla.covered && current.sla.priority.effective).to.equal('P1');
      const metrics = metricsOf(current);
      expectStartedAt(metrics.reaction, REACTION.P1, created);
      expectStartedAt(metrics.resolution, RESOLUTION.P1, created);
      expect(shown).to.deep.include({ reaction: expectedField(metrics.reaction), resolution: expectedField(metrics.resolution), dueDate: Math.floor(metrics.reaction.deadline! / 1000) * 1000 });
      await expectNoDeadLetters();
    });

    it("agent's note: the reaction is met and its field cleared; the due date moves to the resolution", async () => {
      await addNote(desk.agent.web, webIssue, 'Looking into it now.');
      const { state: current, shown } = await writtenBack(webIssue, covered((m) => m.reaction.state === 'met'));
      const metrics = metricsOf(current);
      expect(metrics.resolution.state).to.equal('running');
      expect(shown).to.deep.include({ reaction: '', resolution: expectedField(metrics.resolution), dueDate: expectedDueDate(metrics) });
      await expectNoDeadLetters();
    });

    it('feedback: the agent asks the customer, every clock stands still and the fields are cleared', async () => {
      await changeStatus(desk.agent.web, restIssue, STATUS.feedback);
      const { state: current, shown } = await writtenBack(restIssue, covered((m) => m.reaction.state === 'paused' && m.resolution.state === 'paused'));
      expect(current.sla.covered && current.sla.status).to.equal('feedback');
      expect(shown).to.deep.include({ status: 'feedback', reaction: '', resolution: '', dueDate: null });
      await expectNoDeadLetters();
    });

    it("the customer's answer: MantisBT moves the issue out of feedback (reassign_on_feedback) and the clocks run again", async () => {
      await addNote(desk.customer.web, restIssue, 'Firefox 128 on Windows.');
      const inMantis = await view(restIssue);
      expect(inMantis.status, 'MantisBT moved it on by itself').to.equal('assigned');
      await settled();
      const current = await state(restIssue, covered(() => true));
      expect(current.sla.covered && current.sla.status, 'the status the note payload carries').to.equal('assigned');
      const metrics = metricsOf(current);
      expect([metrics.reaction.state, metrics.resolution.state], 'reaction and resolution clocks').to.deep.equal(['running', 'running']);
      await writtenBack(restIssue, covered((m) => m.reaction.state === 'running'));
      await expectNoDeadLetters();
    });

    it("the agent's web edit of the priority: deadlines re-targeted and written back exactly; a later edit's truncation of the dates is undone", async () => {
      const id = await reportIssue(desk.customer.web, { projectId: desk.projectId, summary: 'Reports are slow', priority: PRIORITY.normal });
      const created = Date.parse((await asAgent.getIssue(id)).created_at);
      await writtenBack(id, covered((m) => m.reaction.state === 'running'));

      await editIssue(desk.agent.web, id, { priority: String(PRIORITY.high) });
      const retargeted = await writtenBack(id, covered((m) => m.reaction.priority === 'P2'));
      const metrics = metricsOf(retargeted.state);
      expect(metrics.reaction.state).to.equal('running');
      expectStartedAt(metrics.reaction, REACTION.P2, created);
      expectStartedAt(metrics.resolution, RESOLUTION.P2, created);
      const exact = written(retargeted.state);
      expect(retargeted.shown).to.deep.include({ priority: 'high', ...exact });
      await expectNoDeadLetters();

      // An edit that changes no deadline: the edit page still saves every date field it shows at
      // local midnight, and the due date to the minute.
      await editIssue(desk.agent.web, id, { summary: 'Reports are slow since Monday' });
      const afterEdit = await view(id);
      await settled();
      const restored = await view(id);
      expect({ reaction: restored.reaction, resolution: restored.resolution }, `the SLA date fields after the edit (MantisBT had saved ${JSON.stringify(afterEdit)})`).to.deep.equal({
        reaction: exact.reaction,
        resolution: exact.resolution,
      });
      expect(restored.dueDate, 'the due date after the edit').to.equal(exact.dueDate);
      await expectNoDeadLetters();
    });

    it('a group action (View Issues: Update Priority) raises no EVENT_UPDATE_BUG: the plugin sends the issue as it is, and the deadlines follow', async () => {
      const id = await reportIssue(desk.customer.web, { projectId: desk.projectId, summary: 'Backups fail', priority: PRIORITY.normal });
      await writtenBack(id, covered((m) => m.reaction.priority === 'P3'));
      await groupAction(desk.agent.web, [id], 'UP_PRIOR', { priority: String(PRIORITY.urgent) });
      expect((await view(id)).priority, 'MantisBT raised it').to.equal('urgent');
      const { state: current, shown } = await writtenBack(id, covered((m) => m.reaction.priority === 'P1'));
      expect(shown).to.deep.include(written(current));
      await expectNoDeadLetters();
    });

    it("an agent's note with time tracking: the plugin sends the minutes, and the issue's log has them as a time record, as reconciliation reads them too", async () => {
      const issue = await asCustomer.createIssue({ projectId: desk.projectId, summary: 'Handover of the intranet to the new admin' });
      const note = await asAgent.addNote(issue.id, 'Handed over, with the runbook.', 'public', '1:30');
      const record = { type: 'time_logged', recordId: `mantis-note:${note.id}`, seconds: 5400, author: desk.agent.username };
      const logged = await waitFor('the time record in the issue log', async () =>
        (await bridge.store.loadEvents(SOURCE, String(issue.id))).find((event) => event.type === 'time_logged'),
      );
      expect(logged).to.deep.include(record);
      // MantisBT's REST API shows the same booking on the note, which is what reconciliation reads.
      const shown = (await asAgent.getIssue(issue.id)).notes.find((candidate: { id: number }) => candidate.id === note.id);
      expect(shown).to.deep.include({ type: 'timelog', time_tracking: { duration: '01:30' } });
      const told = await mantisConnector.createReader!().issueHistory(loadBridgeConfig(configDir, {}).sources.get(SOURCE)!, await asAgent.getIssue(issue.id), trackerRead(new OutboundHttp({})));
      expect(told.outcome === 'events' && told.events.find((event) => event.type === 'time_logged')).to.deep.equal({ ...record, at: logged!.at });
    });

    it('resolve: the resolution is met and MantisBT keeps no SLA deadline', async () => {
      await resolveIssue(desk.agent.web, webIssue, 'Certificate renewed.');
      const { state: current, shown } = await writtenBack(webIssue, covered((m) => m.resolution.state === 'met'));
      expect(current.sla.covered && current.sla.resolved).to.equal(true);
      expect(shown).to.deep.include({ status: 'resolved', reaction: '', resolution: '', dueDate: null });
      await expectNoDeadLetters();
    });

    it('delete: the state says deleted and nothing is written to the issue that is gone', async () => {
      const id = (await asCustomer.createIssue({ projectId: desk.projectId, summary: 'Old duplicate', priority: 'low' })).id;
      await writtenBack(id, covered((m) => m.reaction.state === 'running'));
      const patchesBefore = patchesOf(id);
      await deleteIssue(desk.agent.web, id);
      expect((await asAgent.request('GET', `issues/${id}`)).status, 'MantisBT deleted it').to.equal(404);
      await settled();
      const current = await state(id, (s) => s.sla.covered && s.sla.deleted);
      expect(current.sla.covered && current.sla.deleted).to.equal(true);
      expect(patchesOf(id) - patchesBefore, 'write-backs to the deleted issue').to.equal(0);
      await expectNoDeadLetters();
    });

    it('protected as README.md says (off the edit page, written from the bridge user\'s level only), an agent\'s web edit leaves the fields alone', async () => {
      const id = await reportIssue(desk.customer.web, { projectId: desk.projectId, summary: 'Mail is slow', priority: PRIORITY.normal });
      const before = await writtenBack(id, covered((m) => m.reaction.state === 'running'));
      const exact = written(before.state);
      await protectSlaFields(mantis.admin, desk);
      try {
        const patchesBefore = patchesOf(id);
        await editIssue(desk.agent.web, id, { summary: 'Mail is slow since Monday' });
        expect((await asAgent.getIssue(id)).summary, 'the edit was saved').to.equal('Mail is slow since Monday');
        const afterEdit = await view(id);
        expect({ reaction: afterEdit.reaction, resolution: afterEdit.resolution, dueDate: afterEdit.dueDate }, 'MantisBT kept the exact deadlines').to.deep.equal(exact);
        await settled();
        expect(patchesOf(id) - patchesBefore, 'nothing to restore').to.equal(0);
        await expectNoDeadLetters();
      } finally {
        await unprotectSlaFields(mantis.admin, desk);
      }
    });

    it('a REST PATCH of the priority fires no plugin event: reconcile picks it up and the deadlines follow', async () => {
      const id = (await asCustomer.createIssue({ projectId: desk.projectId, summary: 'Export fails', priority: 'normal' })).id;
      await writtenBack(id, covered((m) => m.reaction.state === 'running'));
      await asAgent.patchIssue(id, { priority: { name: 'immediate' } });
      await settled();
      expect(metricsOf((await bridge.store.loadState(SOURCE, String(id)))!).reaction.priority, 'before reconcile').to.equal('P3');

      const run = await reconcile();
      expect(run.code, run.err).to.equal(0);
      expect(run.out).to.match(new RegExp(`^${SOURCE}: \\d+ issues? changed since .* \\(1h\\); \\d+ issues? had missed events, \\d+ events? applied\\.$`));
      const { state: current } = await writtenBack(id, covered((m) => m.reaction.priority === 'P1'));
      expect(current.sla.covered && current.sla.priority.effective).to.equal('P1');
      await expectNoDeadLetters();
    });

    it("the bridge's own assignment (a line escalation's, over REST) sets the handler and leaves the status: MantisBT applies auto_set_status_to_assigned to a web assignment only", async () => {
      // Were the status moved to assigned, a next line's handover, stopped by a status change,
      // would stop at once (connectors/mantis/assign-request.ts).
      const source = loadBridgeConfig(configDir, {}).sources.get(SOURCE)!;
      const byBridge = (await asCustomer.createIssue({ projectId: desk.projectId, summary: 'Invoices are missing', priority: 'normal' })).id;
      const byAgent = (await asCustomer.createIssue({ projectId: desk.projectId, summary: 'Invoices are late', priority: 'normal' })).id;
      for (const id of [byBridge, byAgent]) await writtenBack(id, covered((m) => m.reaction.state === 'running'));
      for (const request of mantisConnector.assign!(source, { id: String(byBridge), key: String(byBridge) }, desk.agent.username)) await new OutboundHttp({}).send(request);
      await groupAction(desk.agent.web, [byAgent], 'ASSIGN', { assign: String(desk.agent.id) });
      const [assignedByBridge, assignedByAgent] = [await asAgent.getIssue(byBridge), await asAgent.getIssue(byAgent)];
      expect(assignedByBridge.handler?.name, 'the REST assignment').to.equal(desk.agent.username);
      expect(assignedByBridge.status.name, 'the status after the REST assignment').to.equal('new');
      expect(assignedByAgent.handler?.name, 'the web assignment').to.equal(desk.agent.username);
      expect(assignedByAgent.status.name, 'the same MantisBT moves a web assignment on by itself').to.equal('assigned');
      await settled();
      await expectNoDeadLetters();
    });

    it('a REST client that creates an issue and patches it at once: reconcile keeps the patch', async () => {
      // One integration, one token: the same user reports and, in the same second, raises the
      // priority. The bridge's write-back waits meanwhile, as it does whenever the client is the
      // quicker one: its history rows would otherwise come between the creation and the patch.
      await writeBacks.pause();
      let created: { id: number };
      try {
        created = await asAgent.createIssue({ projectId: desk.projectId, summary: 'Search is slow', priority: 'normal' });
        await asAgent.patchIssue(created.id, { priority: { name: 'high' } });
      } finally {
        await writeBacks.resume();
      }
      await settled();
      // As a script reads it: --json on stdout, every log line (info here) on stderr.
      const run = await reconcile({ json: true, logLevel: 'info' });
      expect(run.code, run.err).to.equal(0);
      expect(JSON.parse(run.out)).to.deep.include({ source: SOURCE }).and.to.have.property('added').above(0);
      expect(run.err).to.contain('reconciled missed events');
      const current = await state(created.id, covered(() => true));
      expect(current.sla.covered && current.sla.priority.effective, 'the priority after reconcile (MantisBT: high)').to.equal('P2');
      await writtenBack(created.id, covered((m) => m.reaction.priority === 'P2'));
      await expectNoDeadLetters();
    });
  });
}

