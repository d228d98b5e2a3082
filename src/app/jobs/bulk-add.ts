/**
 * Jobs added to one queue by jobs running at the same time (many timers fired at one instant)
 * go to Redis together: what is asked within one turn of the event loop becomes one `addBulk`
 * (one round trip) instead of one `add` each. Every caller's promise settles with the batch; a
 * failed batch fails each caller, whose job is retried and adds its job again under the same
 * deterministic id, which BullMQ folds into the one already there.
 */
import type { JobsOptions, Queue } from 'bullmq';

/** More than this many in one turn are sent as several batches. */
const MAX_BATCH = 500;

interface Pending<T> {
  readonly name: string;
  readonly data: T;
  readonly opts: JobsOptions;
  readonly settle: { resolve: () => void; reject: (error: unknown) => void };
}

export type AddJob<T> = (name: string, data: T, opts: JobsOptions) => Promise<void>;

export function bulkAdder<T>(queue: () => Queue<T>): AddJob<T> {
  let pending: Pending<T>[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    const target = queue();
    for (let start = 0; start < batch.length; start += MAX_BATCH) {
      const part = batch.slice(start, start + MAX_BATCH);
      // One job alone: `add` builds no MULTI (ioredis copies every script into one, ../store/issue-store.ts).
      const sent = part.length === 1 ? target.add(part[0]!.name as never, part[0]!.data as never, part[0]!.opts) : target.addBulk(part.map(({ name, data, opts }) => ({ name: name as never, data: data as never, opts })));
      sent.then(
        () => part.forEach(({ settle }) => settle.resolve()),
        (error: unknown) => part.forEach(({ settle }) => settle.reject(error)),
      );
    }
  };
  return (name, data, opts) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ name, data, opts, settle: { resolve, reject } });
    });
}

/** One bulk adder per queue, made when first asked for. */
export function bulkAdders<T>(queueOf: (key: string) => Queue<T>): (key: string) => AddJob<T> {
  const adders = new Map<string, AddJob<T>>();
  return (key) => {
    let adder = adders.get(key);
    if (!adder) adders.set(key, (adder = bulkAdder(() => queueOf(key))));
    return adder;
  };
}
