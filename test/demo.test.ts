/** `sla-bridge demo --once` as a user or CI runs it: through the bin entry, on a fresh Redis. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRedisVariable } from '../src/app/redis-target.js';
import { projectRoot } from '../src/project-root.js';

const root = projectRoot();
const bin = path.join(root, (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['sla-bridge']!);

describe('sla-bridge demo --once', function () {
  this.timeout(90_000);

  it('sends a webhook from each tracker, and every warning, breach and write-back arrives', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isRedisVariable(name) && name !== 'PORT'));
    const child = spawn(process.execPath, [bin, 'demo', '--once'], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).to.equal(0);
    for (const webhook of ['jira-demo (DEMO-1', 'gitea-demo (demo/shop#1', 'mantis-demo (90003']) expect(output).to.include(`POST /webhooks/${webhook}`);
    expect(output).to.match(/breach \(breach\) of DEMO-1 sent to the console channel/);
    expect(output).to.match(/write-back PUT \/jira\/rest\/api\/2\/issue\/90001 \{"fields":\{"customfield_10060":/);
    expect(output).to.include('sla-bridge demo: every expected warning, breach and write-back arrived.');
  });
});
