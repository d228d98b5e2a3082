/**
 * A bridge stopped, its config edited, and started again: the open issues are re-planned as a
 * SIGHUP would do it, before the bridge says it started, and a start on the same files re-plans
 * nothing. Real `sla-bridge serve` processes on one Redis prefix, one after another.
 */
import { expect } from 'chai';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { exitOf, serve, startedUrl } from './support/cli-process.js';
import { issueCreated } from './support/jira-payloads.js';
import { LogLines } from './support/log-lines.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitUntil } from './support/wait-for.js';

const SECRET = 'restart-test-secret';
const TOKEN = 'restart-test-token';
const REPLANNED = 'open issues re-planned for a config that changed since they were planned';

const contract = (p1: string) => `
customer: Restart Customer
calendar: round-the-clock
covers:
  - { source: jira-demo, project: MB }
metrics:
  reaction: { met_by: [agent_comment] }
policies:
  reaction: { P1: ${p1}, P2: none, P3: none, P4: none }
`;

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly log: LogLines;
  stop(): Promise<void>;
}

describe('sla-bridge serve: started on a config changed while it was stopped', function () {
  this.timeout(60_000);
  let dir: string;
  let env: Record<string, string>;
  let running: Running | undefined;

  before(async () => {
    dir = writeConfig({
      'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
      'sources/jira-demo.yaml': `kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: [${SECRET}]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\n`,
      'contracts/restart.yaml': contract('10m'),
    });
    env = { REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_PREFIX: uniquePrefix('restart'), PORT: '0', SLA_BRIDGE_API_TOKEN: TOKEN };
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function start(): Promise<Running> {
    const child = serve(env, ['--config', dir]);
    const exited = exitOf(child);
    const log = new LogLines(child);
    const url = await startedUrl(child);
    return {
      child,
      url,
      log,
      async stop() {
        child.kill('SIGTERM');
        expect((await exited).code, 'a clean stop').to.equal(0);
      },
    };
  }

  async function reactionDeadline(url: string, id: string): Promise<number | null | undefined> {
    const response = await fetch(`${url}/api/issues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { issues } = (await response.json()) as { issues: { issue: { id: string }; metrics: { metric: string; deadline: number | null }[] }[] };
    return issues.find((summary) => summary.issue.id === id)?.metrics.find((metric) => metric.metric === 'reaction')?.deadline;
  }

  it('re-plans the open issues for the edited contract before it says it started, and nothing on the same files', async () => {
    running = await start();
    const created = DateTime.now();
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: created.toISO()!, id: '8101', key: 'MB-8101' })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), ...trackerConnectors.jira.sign(SECRET, raw) };
    expect((await fetch(`${running.url}/webhooks/jira-demo`, { method: 'POST', body: raw, headers })).status).to.equal(202);
    await waitUntil('MB-8101 planned on 10m', () => reactionDeadline(running!.url, '8101'), (deadline) => deadline === created.toMillis() + 10 * 60_000);
    await running.stop();

    writeFileSync(path.join(dir, 'contracts/restart.yaml'), contract('50m'));
    running = await start();
    // No event since: only the start can have moved it, and it did so before "bridge started".
    expect(await reactionDeadline(running.url, '8101')).to.equal(created.toMillis() + 50 * 60_000);
    expect(running.log.matching((line) => line.message === REPLANNED)).to.have.length(1);
    expect(running.log.matching((line) => line.message === REPLANNED)[0]).to.deep.include({ changed: ['contracts/restart.yaml'], added: [], removed: [], open: 1, replanned: 1, failed: 0 });
    await running.stop();

    running = await start();
    expect(await reactionDeadline(running.url, '8101')).to.equal(created.toMillis() + 50 * 60_000);
    expect(running.log.matching((line) => line.message === 'bridge started'), 'the log was read').to.have.length(1);
    expect(running.log.matching((line) => line.message === REPLANNED), 'same files, nothing to re-plan').to.have.length(0);
  });
});
