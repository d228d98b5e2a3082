/**
 * Redis that cannot write its files, for real, through `sla-bridge serve`:
 *
 * - the bridge's own Redis (no REDIS_URL) with its data directory on a small tmpfs that is filled
 *   up and emptied again: append-only writes fail with ENOSPC and Redis answers `-MISCONF Errors
 *   writing to the AOF file`; and a read-only data directory at start. Mounting needs root with
 *   CAP_SYS_ADMIN (a container without it cannot mount); without it this part prints one line
 *   saying so and defines no tests.
 * - an external Redis (REDIS_URL) whose RDB snapshot fails (its `dir` set to /proc, where nobody
 *   can create a file): `stop-writes-on-bgsave-error` makes it answer `-MISCONF ... unable to
 *   persist to disk`. Needs no privileges, so it runs everywhere.
 *
 * Either way: /readyz turns 503 and says why, the log says it in one line, webhooks are answered
 * 503 with Retry-After, every delivery answered 202 is applied, and once Redis can write again the
 * bridge takes webhooks again by itself.
 */
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { trackerConnectors } from '../connectors/registry.js';
import { freeLoopbackPort } from '../src/app/store/embedded-redis.js';
import { exitOf, serve, startedUrl } from './support/cli-process.js';
import { issueCreated } from './support/jira-payloads.js';
import { LogLines } from './support/log-lines.js';
import { uniquePrefix } from './support/redis-server.js';
import { writeConfig } from './support/temp-config.js';
import { waitFor, waitUntil } from './support/wait-for.js';

const SECRET = 'disk-test-secret';
const CREATED = Date.now();
const TOKEN = 'disk-test-token';
const CONFIG = {
  'calendars/round-the-clock.yaml': 'zone: Europe/Amsterdam\nhours: 24x7\n',
  'contracts/disk.yaml': 'customer: Disk Customer\ncalendar: round-the-clock\ncovers:\n  - { source: jira-demo, project: MB }\npolicies:\n  reaction: { P1: 1h, P2: none, P3: none, P4: none }\n',
  'sources/jira-demo.yaml': `kind: jira\nbase_url: https://jira.example.com\nwebhook:\n  secrets: [${SECRET}]\npriority:\n  field: priority\n  map: { Highest: P1 }\n  default: P3\n`,
};

/** Whether this machine lets us mount a tmpfs (root with CAP_SYS_ADMIN): tried once, on a throwaway directory. */
function canMountTmpfs(): string | undefined {
  const probe = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

function mountTmpfs(dir: string, options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
}

/** Unmounts even while something still has a file open there (lazily), so a failed test leaves no mount behind. */
function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Writes into `file` until the filesystem is full; answers how many bytes went in. */
function fillUp(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

/** A running `sla-bridge serve` with what the tests need of it. */
class Bridge {
  readonly log: LogLines;
  readonly exited: Promise<{ code: number | null; output: string }>;
  url = '';

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.log = new LogLines(child);
    this.exited = exitOf(child);
  }

  async started(): Promise<this> {
    this.url = await startedUrl(this.child);
    return this;
  }

  /** A Jira creation of issue `id`, signed; the same delivery id on every call, as a tracker's retry has. */
  async post(id: string): Promise<{ status: number; retryAfter: string | null; body: string }> {
    const raw = Buffer.from(JSON.stringify(issueCreated({ created: DateTime.fromMillis(CREATED).toISO()!, id, key: `MB-${id}` })));
    const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': `disk-${id}`, ...trackerConnectors.jira.sign(SECRET, raw) };
    const response = await fetch(`${this.url}/webhooks/jira-demo`, { method: 'POST', body: raw, headers });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
  }

  async ready(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async issueIds(): Promise<string[]> {
    const response = await fetch(`${this.url}/api/issues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await response.json()) as { issues: { issue: { id: string } }[] }).issues.map((summary) => summary.issue.id).sort();
  }

  /** Lines about Redis refusing writes: the bridge's own, and any component's that quotes the error. */
  refusalLines(from = 0) {
    return this.log.matching((line) => JSON.stringify(line).includes('MISCONF'), from);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return (await this.exited).code;
  }
}

/**
 * The scenario both Redis setups go through: a delivery applied; Redis made unable to write;
 * readiness, the one log line and 503s; Redis able to write again; the refused deliveries sent
 * again as a tracker would; every delivery applied.
 */
async function outageAndRecovery(bridge: Bridge, ids: string, breakWrites: () => Promise<void>, mendWrites: () => Promise<void>, reason: string): Promise<void> {
  expect((await bridge.post(`${ids}0`)).status).to.equal(202);
  await waitUntil('the first delivery to be applied', () => bridge.issueIds(), (known) => known.includes(`${ids}0`));

  const from = bridge.log.count;
  await breakWrites();
  // Redis finds out when a write to disk fails (a full page of its file may still take a few
  // bytes): deliveries it took before that are answered 202 (it holds them, and writes them out
  // once it can), the ones after it 503.
  const answers = new Map<string, number>();
  let index = 1;
  for (; index <= 50 && ![...answers.values()].includes(503); index += 1) {
    const answer = await bridge.post(`${ids}${index}`);
    expect([202, 503], answer.body).to.include(answer.status);
    answers.set(`${ids}${index}`, answer.status);
  }
  expect([...answers.values()], 'a delivery refused within 50').to.include(503);
  const line = await bridge.log.next('Redis refusing writes', (candidate) => candidate.message.startsWith('Redis refuses writes: '), from, { timeoutMs: 15_000 });
  expect(line).to.deep.include({ level: 'error', component: 'redis', message: `Redis refuses writes: ${reason}; webhooks are answered 503 and jobs wait until it can write again` });
  for (const end = index + 5; index < end; index += 1) {
    const answer = await bridge.post(`${ids}${index}`);
    answers.set(`${ids}${index}`, answer.status);
    expect(answer.status, answer.body).to.equal(503);
    expect(answer.retryAfter).to.equal('5');
    expect(JSON.parse(answer.body)).to.deep.equal({ error: 'the bridge cannot store events right now (Redis cannot write to its disk); retry later' });
    const ready = await bridge.ready();
    expect(ready.status).to.equal(503);
    expect(ready.body).to.deep.equal({ status: 'not ready', redis: 'cannot-write', reason, config: 'loaded' });
  }
  expect((await fetch(`${bridge.url}/healthz`)).status).to.equal(200);
  // Five refused webhooks and as many readiness checks later, and with the workers' loops failing
  // all along: still the one line.
  expect(bridge.refusalLines(from).map((refusal) => refusal.message)).to.deep.equal([line.message]);

  await mendWrites();
  await bridge.log.next('Redis taking writes again', (candidate) => candidate.message === 'Redis takes writes again (it was refusing writes)', from, { timeoutMs: 20_000 });
  expect((await bridge.ready()).status).to.equal(200);
  // The tracker retries what was refused; everything answered 202 at any time is applied.
  for (const [id, status] of answers) if (status !== 202) expect((await bridge.post(id)).status, `the retry of ${id}`).to.equal(202);
  const expected = [`${ids}0`, ...answers.keys()].sort();
  await waitUntil('every delivery to be applied', () => bridge.issueIds(), (known) => expected.every((id) => known.includes(id)), { timeoutMs: 15_000 });
}

describe('Redis that cannot write its files', function () {
  this.timeout(90_000);
  let config: string;
  before(() => {
    config = writeConfig(CONFIG);
  });
  after(() => rmSync(config, { recursive: true, force: true }));

  /**
   * A snapshot started after the one in progress: `BGSAVE SCHEDULE` waits only for an AOF rewrite,
   * and answers an error while another snapshot runs (the `save 1 1` ones, the bridge's schedulers
   * changing keys every minute), so it is asked again until Redis takes it.
   */
  async function snapshotSoon(admin: Redis): Promise<void> {
    await waitFor('Redis to take a snapshot request', () =>
      admin.bgsave('SCHEDULE').then(
        () => true,
        (error: Error) => {
          if (/already in progress/.test(error.message)) return false;
          throw error;
        },
      ),
    );
  }

  describe('an external Redis whose snapshots fail (REDIS_URL, stop-writes-on-bgsave-error)', () => {
    let redisServer: ChildProcess | undefined;
    let admin: Redis | undefined;
    let bridge: Bridge | undefined;
    let dataDir: string;

    after(async () => {
      await bridge?.stop();
      if (redisServer && redisServer.exitCode === null) {
        const gone = new Promise((resolve) => redisServer!.once('exit', resolve));
        // SHUTDOWN kills a snapshot child still writing its temp file into dataDir; a SIGKILL of the
        // server alone leaves that child writing while the directory is removed (ENOTEMPTY).
        // Not awaited: Redis answers SHUTDOWN by closing the connection, and the client would keep
        // the command to send again on a reconnect.
        admin?.shutdown('NOSAVE').catch(() => undefined);
        const stubborn = setTimeout(() => redisServer!.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(stubborn);
      }
      admin?.disconnect();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    });

    it('turns not ready with the reason, answers 503, logs it once, and takes webhooks again once Redis can snapshot', async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-rdb-'));
      const port = await freeLoopbackPort();
      // A snapshot a second after any change; `dir` may be changed at run time (protected otherwise).
      redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '1 1', '--appendonly', 'no', '--dir', dataDir, '--enable-protected-configs', 'yes'], { stdio: 'ignore' });
      admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null });
      admin.on('error', () => undefined);
      await waitFor('the test Redis to answer', async () => (await admin!.ping()) === 'PONG');
      bridge = await new Bridge(serve({ REDIS_URL: `redis://127.0.0.1:${port}`, SLA_BRIDGE_PREFIX: uniquePrefix('rdb'), PORT: '0', SLA_BRIDGE_API_TOKEN: TOKEN }, ['--config', config])).started();

      await outageAndRecovery(
        bridge,
        '910',
        async () => {
          await admin!.config('SET', 'dir', '/proc');
          // After the one a change may have started (in the old directory, so it succeeds).
          await snapshotSoon(admin!);
          await waitUntil('the snapshot to fail', async () => /rdb_last_bgsave_status:(\w+)/.exec(await admin!.info('persistence'))?.[1], (status) => status === 'err');
        },
        async () => {
          // Redis retries a failed snapshot by itself 5 s later, but only with changes pending, which
          // it may not have (it took none since): as an operator would after fixing the disk.
          await admin!.config('SET', 'dir', dataDir);
          await snapshotSoon(admin!);
        },
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk",
      );
      expect(await bridge.stop()).to.equal(0);
    });
  });

  const cannotMount = canMountTmpfs();
  if (cannotMount) {
    console.warn(`\n*** The bridge's own Redis on a full or read-only disk is not tested here: mounting a tmpfs needs root with CAP_SYS_ADMIN (${cannotMount}) ***\n`);
    return;
  }

  describe("the bridge's own Redis on a small tmpfs (no REDIS_URL)", () => {
    const mounts: string[] = [];
    const bridges: Bridge[] = [];
    const mounted = (options: string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-disk-'));
      mountTmpfs(dir, options);
      mounts.push(dir);
      return dir;
    };

    after(async () => {
      // The bridge stops its redis-server; only then can the filesystem go.
      for (const bridge of bridges) await bridge.stop();
      for (const dir of mounts) {
        unmount(dir);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('on a full disk: not ready with the reason, 503s, one log line; once there is room again, takes webhooks by itself', async () => {
      const dataDir = mounted('size=8m');
      const bridge = await new Bridge(serve({ SLA_BRIDGE_DATA_DIR: dataDir, PORT: '0', SLA_BRIDGE_API_TOKEN: TOKEN }, ['--config', config])).started();
      bridges.push(bridge);
      const filler = path.join(dataDir, `filler-${randomUUID()}`);
      await outageAndRecovery(
        bridge,
        '920',
        async () => {
          expect(fillUp(filler)).to.be.greaterThan(0);
        },
        async () => rmSync(filler),
        'MISCONF Errors writing to the AOF file: No space left on device',
      );
      // Redis's own word for it reached the log too.
      expect(bridge.log.matching((line) => line.component === 'redis-server' && /AOF/.test(line.message)).length).to.be.greaterThan(0);
      expect(await bridge.stop()).to.equal(0);
    });

    it('on a read-only data directory: stops at start with one line naming it', async () => {
      const dataDir = mounted('size=1m,ro');
      const { code, output } = await exitOf(serve({ SLA_BRIDGE_DATA_DIR: dataDir, PORT: '0' }, ['--config', config]));
      expect(code).to.equal(1);
      expect(output.trim()).to.equal(
        `sla-bridge: the data directory ${dataDir} of the bridge's own Redis is not writable (EROFS: read-only file system): set SLA_BRIDGE_DATA_DIR to a writable directory, or REDIS_URL to a Redis you run`,
      );
    });
  });
});
