/**
 * A CPU profile of this process (node:inspector), for a benchmark to take over the part it
 * measures: `start`, then `stop` writes it to `path`. Without a path both do nothing.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface CpuProfile {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function cpuProfile(path: string | undefined): Promise<CpuProfile> {
  if (!path) return { start: async () => undefined, stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return {
    start: async () => {
      await session.post('Profiler.start');
    },
    stop: async () => {
      writeFileSync(path, JSON.stringify((await session.post('Profiler.stop')).profile));
      session.disconnect();
    },
  };
}
