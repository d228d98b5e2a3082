/**
 * `sla-bridge serve --role api|worker` as separate operating-system processes (the built CLI,
 * through its bin entry), which the chaos scenarios kill with SIGKILL: no shutdown hook runs, no
 * lock is released, no job is finished. Every process started is registered, so the after hooks
 * kill what is left even when a test failed halfway.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { serve } from '../../support/cli-process.js';

export type Role = 'api' | 'worker';

const OUTPUT_KEPT = 200_000;

export class BridgeProcess {
  private output = '';
  private readonly exited: Promise<void>;
  /** The configured secrets this process ever printed, looked for in all it wrote, not only in what is kept. */
  readonly leaked = new Set<string>();

  private constructor(
    readonly role: Role,
    private readonly child: ChildProcessWithoutNullStreams,
    secrets: readonly string[],
  ) {
    // A secret split between two chunks is found in the tail of the one before and the next.
    const overlap = Math.max(0, ...secrets.map((secret) => secret.length));
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      const seen = this.output.slice(-overlap) + text;
      for (const secret of secrets) if (seen.includes(secret)) this.leaked.add(secret);
      this.output = (this.output + text).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** The URL of an api process; undefined for a worker. */
  url: string | undefined;
  /** When its "bridge started" line came: its workers run, its stalled check has run once. */
  readyAt = 0;

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts one and resolves once it logged "bridge started"; rejects with its output if it exits first. */
  static start(role: Role, env: Record<string, string>, configDir: string, registry: ProcessRegistry, secrets: readonly string[] = []): Promise<BridgeProcess> {
    const bridge = new BridgeProcess(role, serve({ LOG_LEVEL: 'info', ...env }, ['--role', role, '--config', configDir]), secrets);
    registry.add(bridge);
    return new Promise((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        const line = seen.split('\n').find((candidate) => candidate.includes('"bridge started"'));
        if (!line) return;
        bridge.child.stdout.off('data', onData);
        bridge.url = (JSON.parse(line) as { url?: string }).url;
        bridge.readyAt = Date.now();
        resolve(bridge);
      };
      bridge.child.stdout.on('data', onData);
      bridge.child.once('exit', (code, signal) => reject(new Error(`${role} process exited (${code ?? signal}) before it was ready:\n${bridge.output.slice(-4_000)}`)));
    });
  }

  /** kill -9, and wait until the operating system says it is gone. */
  async kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The last of what it logged, for a failure message. */
  tail(chars = 4_000): string {
    return this.output.slice(-chars);
  }

  /** Its log lines as JSON (the CLI logs JSON when not on a terminal). */
  logLines(): Record<string, unknown>[] {
    return this.output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }
}

export class ProcessRegistry {
  private readonly processes: BridgeProcess[] = [];

  add(process: BridgeProcess): void {
    this.processes.push(process);
  }

  /** What every process logged, newest last, for a failed scenario's message. */
  tails(chars = 3_000): string {
    return this.processes.map((process) => `--- ${process.role} ${process.pid}${process.alive ? '' : ' (dead)'}:\n${process.tail(chars)}`).join('\n');
  }

  /** Every configured secret any process printed, as `role pid: secret`. */
  leaks(): string[] {
    return this.processes.flatMap((process) => [...process.leaked].map((secret) => `${process.role} ${process.pid}: ${secret}`));
  }

  async killAll(): Promise<void> {
    await Promise.all(this.processes.map((process) => process.kill9()));
  }
}
