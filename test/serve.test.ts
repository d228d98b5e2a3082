/** `sla-bridge serve` as an operator runs it: through the bin entry, configured by environment. */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exitOf, serve, startedUrl } from './support/cli-process.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';
import { DEMO_SECRETS } from './support/shipped-config.js';

describe('sla-bridge serve', function () {
  this.timeout(30_000);

  it('listens on PORT and HOST, answers /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const redis = await sharedRedis();
    const child = serve({ ...DEMO_SECRETS, REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', SLA_BRIDGE_PREFIX: uniquePrefix('serve') });
    const exited = exitOf(child);
    const url = await startedUrl(child);
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    child.kill('SIGTERM');
    const { code, output } = await exited;
    expect(code, output).to.equal(0);
    expect(output).to.include('bridge stopped');
  });

  it('refuses to start when a webhook secret variable is unset, naming it', async () => {
    const { code, output } = await exitOf(serve({ JIRA_WEBHOOK_SECRET: 'x', GITEA_WEBHOOK_SECRET: 'y', PORT: '0' }));
    expect(code).to.equal(1);
    expect(output).to.include('config/sources/mantis-demo.yaml: webhook.secrets[0]: environment variable MANTIS_WEBHOOK_SECRET is not set');
  });

  it('refuses to start with an SLA_BRIDGE_WEBHOOKS_IN_FLIGHT that is no whole number, naming it', async () => {
    const { code, output } = await exitOf(serve({ ...DEMO_SECRETS, PORT: '0', SLA_BRIDGE_WEBHOOKS_IN_FLIGHT: 'lots' }));
    expect(code).to.equal(1);
    expect(output).to.include('SLA_BRIDGE_WEBHOOKS_IN_FLIGHT: "lots" is not a whole number from 0 (no limit) to 10000');
  });

  it('runs its own redis-server when REDIS_URL is not set, with persistence under the data directory, and stops it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-data-'));
    const child = serve({ ...DEMO_SECRETS, PORT: '0', SLA_BRIDGE_DATA_DIR: dataDir });
    const exited = exitOf(child);
    const url = await startedUrl(child);
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    child.kill('SIGTERM');
    const { code, output } = await exited;
    expect(code, output).to.equal(0);
    const started = output.split('\n').find((line) => line.includes('started its own redis-server'));
    expect(started, output).to.not.equal(undefined);
    const redisUrl = (JSON.parse(started!) as { url: string }).url;
    expect(redisUrl).to.match(/^redis:\/\/127\.0\.0\.1:\d+$/);
    // Append-only persistence under the data directory (Redis 7 keeps it in appendonlydir/).
    expect(existsSync(path.join(dataDir, 'appendonlydir')) || readdirSync(dataDir).some((name) => name.startsWith('appendonly')), readdirSync(dataDir).join(',')).to.equal(true);
    // And it is gone: nothing answers on its port any more.
    const port = Number(new URL(redisUrl).port);
    const stillListening = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    expect(stillListening).to.equal(false);
  });

  it('syncs its own Redis append-only file as SLA_BRIDGE_REDIS_APPENDFSYNC says, and refuses a value it does not know', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-data-'));
    const child = serve({ ...DEMO_SECRETS, PORT: '0', SLA_BRIDGE_DATA_DIR: dataDir, SLA_BRIDGE_REDIS_APPENDFSYNC: 'always' });
    const exited = exitOf(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await startedUrl(child);
    const started = output.split('\n').find((line) => line.includes('started its own redis-server'));
    const client = new Redis((JSON.parse(started!) as { url: string }).url);
    try {
      expect(await client.config('GET', 'appendfsync')).to.deep.equal(['appendfsync', 'always']);
    } finally {
      client.disconnect();
      child.kill('SIGTERM');
      await exited;
    }
    const wrong = await exitOf(serve({ ...DEMO_SECRETS, PORT: '0', SLA_BRIDGE_DATA_DIR: dataDir, SLA_BRIDGE_REDIS_APPENDFSYNC: 'sometimes' }));
    expect(wrong.code).to.equal(1);
    expect(wrong.output.trim()).to.equal('sla-bridge: SLA_BRIDGE_REDIS_APPENDFSYNC: "sometimes" is not always or everysec');
    const named = await exitOf(serve({ ...DEMO_SECRETS, PORT: '0', REDIS_URL: (await sharedRedis()).url, SLA_BRIDGE_REDIS_APPENDFSYNC: 'always' }));
    expect(named.code).to.equal(1);
    expect(named.output).to.include("SLA_BRIDGE_REDIS_APPENDFSYNC: applies to the bridge's own Redis only");
  });

  it('says exactly what to install when there is neither REDIS_URL nor redis-server', async () => {
    const emptyPath = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-no-redis-'));
    const { code, output } = await exitOf(serve({ ...DEMO_SECRETS, PORT: '0', PATH: emptyPath, SLA_BRIDGE_DATA_DIR: emptyPath }));
    expect(code).to.equal(1);
    expect(output.trim()).to.match(/^sla-bridge: redis-server is not installed: run `apt-get install redis-server`.*set REDIS_URL/);
  });
});
