/**
 * A progress bar for long runs, only where a person watches: on a terminal. Piped or in CI the
 * stream gets nothing, so logs stay clean. A tracker that does not say how many items there are
 * gets a running count instead of a bar.
 */
import { SingleBar } from 'cli-progress';

export interface ProgressDisplay {
  update(done: number, total: number | undefined): void;
  stop(): void;
}

export function progressDisplay(stream: NodeJS.WriteStream, what: string): ProgressDisplay {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  let knownTotal = false;
  const bar = new SingleBar({
    stream,
    hideCursor: true,
    clearOnComplete: false,
    format: (options, params) => {
      if (!knownTotal) return `${params.value} ${what} read…`;
      const width = options.barsize ?? 30;
      const filled = Math.round(Math.min(1, params.progress) * width);
      return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${params.value}/${params.total} ${what}`;
    },
  });
  let started = false;
  return {
    update(done, total) {
      knownTotal = total !== undefined;
      const shownTotal = Math.max(total ?? done, done, 1);
      if (!started) {
        bar.start(shownTotal, done);
        started = true;
      } else {
        bar.setTotal(shownTotal);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
