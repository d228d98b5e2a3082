/**
 * Waiting for an event instead of sleeping: poll until a check holds, and fail loudly at a
 * deadline, naming what was awaited and what the check saw last. A test never sleeps to let
 * something happen; it waits for the sign that it did.
 */
import { inspect } from 'node:util';

export interface WaitOptions {
  /** How long to wait before failing; 10 s unless told. */
  readonly timeoutMs?: number;
  /** Pause between checks; 25 ms unless told. */
  readonly intervalMs?: number;
}

type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly seen: unknown };

const show = (value: unknown) => inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20 });

/** A check that throws counts as not yet (a server still starting); its error is what was seen. */
async function poll<T>(description: string, attempt: () => Promise<Attempt<T>>, options: WaitOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let seen: string;
    try {
      const result = await attempt();
      if (result.done) return result.value;
      seen = `last seen: ${show(result.seen)}`;
    } catch (error) {
      seen = `last error: ${error instanceof Error ? error.message : show(error)}`;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (${seen})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `check` until it returns something truthy, and returns that. */
export function waitFor<T>(description: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions = {}): Promise<T> {
  return poll(
    description,
    async () => {
      const value = await check();
      return value ? { done: true, value } : { done: false, seen: value };
    },
    options,
  );
}

/** Polls `read` until `done` holds for what it read, and returns that; a timeout shows the last read. */
export function waitUntil<T>(description: string, read: () => T | Promise<T>, done: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  return poll(
    description,
    async () => {
      const value = await read();
      return done(value) ? { done: true, value } : { done: false, seen: value };
    },
    options,
  );
}
