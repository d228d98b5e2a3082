/** The JSON log lines of a spawned `sla-bridge` process, as they come, to wait for one. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { waitFor, type WaitOptions } from './wait-for.js';

export interface LogLine {
  readonly message: string;
  readonly level: string;
  readonly [field: string]: unknown;
}

export class LogLines {
  /** Every line parsed so far, in order; raw text of a line that is not JSON goes in as its message. */
  readonly lines: LogLine[] = [];
  private partial = '';

  constructor(child: ChildProcessWithoutNullStreams) {
    const take = (chunk: Buffer) => {
      const text = this.partial + chunk.toString();
      const parts = text.split('\n');
      this.partial = parts.pop()!;
      for (const part of parts) {
        if (part.trim() === '') continue;
        try {
          this.lines.push(JSON.parse(part) as LogLine);
        } catch {
          this.lines.push({ message: part, level: 'raw' });
        }
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
  }

  /** The lines from index `from` on that `match`. */
  matching(match: (line: LogLine) => boolean, from = 0): LogLine[] {
    return this.lines.slice(from).filter(match);
  }

  /** Waits for a line from index `from` on that `match`, and answers it. */
  async next(description: string, match: (line: LogLine) => boolean, from = 0, options: WaitOptions = {}): Promise<LogLine> {
    try {
      return await waitFor(`a log line: ${description}`, () => this.lines.slice(from).find(match), options);
    } catch (error) {
      const recent = this.lines.slice(-15).map((line) => JSON.stringify(line));
      throw new Error(`${(error as Error).message}; the last lines:\n${recent.join('\n')}`);
    }
  }

  get count(): number {
    return this.lines.length;
  }
}
