/**
 * The MantisBT plugin against the real bridge: the PHP plugin (run by php-cli in the harness that
 * stands in for MantisBT) POSTs signed payloads to /webhooks/mantis-demo, the bridge accepts every
 * one and the workers compute the SLA state of the 2Value Pro issue.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { parseLocalIso } from '../src/domain/local-time.js';
import { projectRoot } from '../src/project-root.js';
import { startTestBridge, waitForIdleQueue, waitForState, type TestBridge } from './support/bridge-harness.js';
import { DEMO_SECRETS } from './support/shipped-config.js';

const HARNESS = path.join(projectRoot(), 'test/connectors/mantis-plugin-harness.php');

function runPlugin(url: string, secret: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('php', ['-d', 'error_log=', '-d', 'display_errors=stderr', HARNESS, url, secret, '2', 'lifecycle'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('php is not installed (apt-get install php-cli)'));
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

describe('MantisBT plugin -> bridge', function () {
  this.timeout(60_000);
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge({ now: () => parseLocalIso('2026-11-30T12:00:00+01:00', 'UTC')! });
  });
  after(async () => {
    await bridge.close();
  });

  it('every payload the plugin sends is accepted, and the issue gets its SLA state', async () => {
    const counted = await bridge.queue.getJobCounts('completed', 'waiting', 'active');
    const run = await runPlugin(`${bridge.url}/webhooks/mantis-demo`, DEMO_SECRETS.MANTIS_WEBHOOK_SECRET);
    expect(run.code, run.stderr).to.equal(0);
    // The plugin logs any answer other than 2xx; the bridge must have given none.
    expect(run.stderr).to.not.match(/HTTP [45]\d\d|failed/i);
    await waitForIdleQueue(bridge);
    const after = await bridge.queue.getJobCounts('completed', 'waiting', 'active');
    expect(after.completed! - counted.completed!).to.be.greaterThan(5);
    const state = await waitForState(bridge, 'mantis-demo', '1042');
    expect(state.sla).to.deep.include({ covered: true, contract: '2value-pro' });
  });

  it('a plugin with the wrong secret is refused with 401 and the page still finishes', async () => {
    const run = await runPlugin(`${bridge.url}/webhooks/mantis-demo`, 'not-the-secret');
    expect(run.code).to.equal(0);
    expect(run.stderr).to.match(/401/);
  });
});
