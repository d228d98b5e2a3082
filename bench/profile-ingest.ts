/**
 * A CPU profile of one ingest benchmark server under the benchmark's load: the server runs with
 * `node --cpu-prof`, and the profile's self time is summed by function and by category (GC,
 * socket writes, JSON.parse, zod, express, crypto, Redis client), so a change shows where it went.
 *
 *   npx tsx bench/profile-ingest.ts [serve|api|bare] [--requests N] [--dir DIR]
 */
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRedis } from '../test/support/redis-server.js';
import { DEMO_SECRETS } from '../test/support/shipped-config.js';
import type { IngestServerKind, IngestServerMessage } from './lib/ingest-server.js';
import { issueCreatedWebhooks } from './lib/jira-webhooks.js';
import { runLoad } from './lib/load.js';
import { CONCURRENCY } from './suites/ingest.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const requests = Number(option('--requests') ?? 10_000);
const dir = path.resolve(option('--dir') ?? path.join(process.cwd(), 'bench/results/profile'));
const kind = (args[0] ?? 'serve') as IngestServerKind;
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const CATEGORIES: readonly [string, (frame: ProfileNode['callFrame']) => boolean][] = [
  ['GC', (frame) => frame.functionName === '(garbage collector)'],
  ['idle', (frame) => frame.functionName === '(idle)'],
  ['socket writes', (frame) => /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeGeneric)$/.test(frame.functionName)],
  ['JSON.parse', (frame) => frame.functionName === 'parse' && frame.url === ''],
  ['JSON.stringify', (frame) => frame.functionName === 'stringify' && frame.url === ''],
  ['crypto', (frame) => /crypto|hash|hmac/i.test(frame.url) || /^(digest|update|Hmac|Hash)$/.test(frame.functionName)],
  ['zod', (frame) => frame.url.includes('node_modules/zod')],
  ['express/router', (frame) => /node_modules\/(express|router|body-parser|raw-body|finalhandler|send|path-to-regexp|type-is|content-type|on-finished|iconv-lite|qs|mime|media-typer|bytes|depd|statuses|http-errors|negotiator|accepts|etag|fresh)/.test(frame.url)],
  ['ioredis', (frame) => /node_modules\/(ioredis|@ioredis|redis-parser|denque|cluster-key-slot|standard-as-callback)/.test(frame.url)],
  ['bullmq', (frame) => frame.url.includes('node_modules/bullmq') || frame.url.includes('node_modules/msgpackr')],
  ['winston/metrics', (frame) => /node_modules\/(winston|logform|prom-client|triple-beam|readable-stream)/.test(frame.url)],
  ['node http/net', (frame) => /^node:(_http|http|net|internal\/(http|stream|streams))/.test(frame.url)],
  ['bridge code', (frame) => frame.url.includes('/src/') || frame.url.includes('/connectors/')],
  ['other node internals', (frame) => frame.url.startsWith('node:')],
];

function summarize(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  let total = 0;
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const category = CATEGORIES.find(([, test]) => test(frame))?.[0] ?? 'other';
    if (category === 'idle' || frame.functionName === '(program)') continue;
    total += us;
    categories.set(category, (categories.get(category) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|connectors)\//, '$1/')}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`busy CPU ${(total / 1e3).toFixed(0)} ms, ${(total / requests).toFixed(0)} us per request (profiler overhead included)`);
  for (const [name, us] of [...categories].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)}  ${name}`);
  console.log('top functions by self time:');
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(us)}  ${name}`);
}

const redis = await spawnRedis();
try {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/ingest-server.ts');
  const child = fork(script, [kind, redis.url, `profile-${kind}`], { execArgv: ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=${dir}`], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve) => child.once('message', (message: IngestServerMessage) => 'url' in message && resolve(message.url)));
  await runLoad(`${url}/webhooks/jira-demo`, issueCreatedWebhooks(500, 0, Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET), CONCURRENCY);
  const run = await runLoad(`${url}/webhooks/jira-demo`, issueCreatedWebhooks(requests, 500, Date.now(), DEMO_SECRETS.JIRA_WEBHOOK_SECRET), CONCURRENCY);
  console.log(`${kind}: ${requests} requests, ${(requests / run.seconds).toFixed(0)} req/s under the profiler, statuses ${JSON.stringify(run.statuses)}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
  // The server's main thread (thread id 0 in `CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile`): tsx's
  // module loader runs in a thread of its own, whose profile is mostly idle and would hide it.
  const written = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile') && !before.has(name) && /\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  for (const name of written) {
    console.log(`profile: ${path.join(dir, name)}`);
    summarize(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Profile);
  }
} finally {
  await redis.stop();
}
