/** Where a command writes; the real process streams in production, buffers in tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** A failure the user can fix: printed as one clear line, exit code 1, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
