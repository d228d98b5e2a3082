/** The one place winston is configured; components log through child loggers. */
import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly level?: string;
  /** `json` for machines (the default in production), `pretty` for a terminal. */
  readonly format?: 'json' | 'pretty';
  readonly silent?: boolean;
  /** Where the lines go instead of stdout/stderr: tests read them to check what is (never) logged. */
  readonly stream?: NodeJS.WritableStream;
  /** Every line to stderr: a command's stdout holds only its output (e.g. `reconcile --json`). */
  readonly stderrOnly?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format =
    options.format === 'pretty'
      ? winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss' }),
          winston.format.printf(({ timestamp, level, message, component, ...rest }) => {
            const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
            return `${String(timestamp)} ${level} [${String(component ?? 'bridge')}] ${String(message)}${extra}`;
          }),
        )
      : winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    format,
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({ stderrLevels: options.stderrOnly ? Object.keys(winston.config.npm.levels) : ['error', 'warn'] }),
    ],
  });
}
