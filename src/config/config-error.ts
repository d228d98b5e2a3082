/** One thing wrong with the config, located by file and by the path inside it. */
export interface ConfigProblem {
  readonly file: string;
  /** Dotted path inside the file, e.g. `policies.reaction.P2`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
  readonly line?: number | undefined;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path ? `${problem.file}: ${problem.path}` : problem.file;
  return `${where}: ${problem.message}${problem.line ? ` (line ${problem.line})` : ''}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}
