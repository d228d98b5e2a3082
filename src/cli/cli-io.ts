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

/**
 * The command could not do its work because of something outside the bridge (a tracker that
 * refused, redirected or pointed elsewhere): printed as one clear line, exit code 1, no stack trace.
 * The message must hold no secret (a DeliveryFailure's is redacted).
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}
