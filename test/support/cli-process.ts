/** `sla-bridge` through its bin entry, as an operator runs it: configured by environment only. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRedisVariable } from '../../src/app/store/redis-target.js';
import { projectRoot } from '../../src/project-root.js';
import { DEMO_SECRETS } from './shipped-config.js';

const root = projectRoot();
const bin = path.join(root, (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['sla-bridge']!);

/** This process's environment without the webhook secrets and Redis settings a test sets itself. */
function inheritedEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in DEMO_SECRETS) && !isRedisVariable(name)));
}

/** `sla-bridge serve [args]`, e.g. `['--role', 'worker', '--config', dir]`. */
export function serve(env: Record<string, string>, args: readonly string[] = []): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bin, 'serve', ...args], { cwd: root, env: { ...inheritedEnv(), LOG_FORMAT: 'json', ...env } as NodeJS.ProcessEnv });
}

/** Runs `sla-bridge report ...` to the end. */
export function report(args: string[], env: Record<string, string>): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [bin, 'report', ...args], { cwd: root, encoding: 'utf8', env: { ...inheritedEnv(), ...env } as NodeJS.ProcessEnv, timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Runs `sla-bridge <args>` to the end, with `input` on its stdin. */
export function runCli(args: string[], env: Record<string, string>, input?: string): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...inheritedEnv(), ...env } as NodeJS.ProcessEnv, timeout: 60_000, ...(input === undefined ? {} : { input }) });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Resolves with the URL from the "bridge started" log line. */
export function startedUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.includes('"bridge started"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

export function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
