/**
 * What every benchmark of `npm run bench` shares: the machine it ran on, medians and percentiles,
 * the printed table and the JSON file under bench/results/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { projectRoot } from '../../src/project-root.js';

export interface BenchOptions {
  /** Seconds instead of minutes: the test suite runs every benchmark this way, so none rots. */
  readonly quick: boolean;
}

export interface BenchResult {
  /** The figures the issue names, by its keys. */
  readonly headline: Record<string, number>;
  readonly table: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly raw: unknown;
  readonly notes?: readonly string[];
}

export type Bench = (options: BenchOptions) => Promise<BenchResult>;

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryMb: number;
  readonly node: string;
  readonly redis: string | undefined;
  readonly platform: string;
}

/** The version of the redis-server the benchmarks start (test/support/redis-server.ts), or REDIS_URL's. */
export async function redisVersion(): Promise<string | undefined> {
  if (process.env.REDIS_URL) {
    const client = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      return /redis_version:(\S+)/.exec(await client.info('server'))?.[1];
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  }
  try {
    const { stdout } = await promisify(execFile)('redis-server', ['--version']);
    return /v=(\S+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

export function machine(redis: string | undefined): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    redis,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

export const resultsDir = () => path.join(projectRoot(), 'bench', 'results');

export function writeResult(name: string, result: BenchResult, options: BenchOptions, redis: string | undefined, dir = resultsDir()): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ bench: name, at: new Date().toISOString(), quick: options.quick, machine: machine(redis), ...result }, null, 2)}\n`);
  return file;
}
