/**
 * Issue states asked for by jobs running at the same time (the notify jobs of many timers fired at
 * one instant) are read together: what is asked within one turn of the event loop is one MGET, and
 * an issue asked for twice in it is read once.
 */
import type { IssueState, IssueStore } from '../store/issue-store.js';

const MAX_BATCH = 500;

export function batchedStateLoader(store: Pick<IssueStore, 'loadStatesInOrder'>): (source: string, issueId: string) => Promise<IssueState | undefined> {
  let pending = new Map<string, { readonly issue: readonly [string, string]; readonly waiters: { resolve: (state: IssueState | undefined) => void; reject: (error: unknown) => void }[] }>();
  const flush = () => {
    const batch = [...pending.values()];
    pending = new Map();
    for (let start = 0; start < batch.length; start += MAX_BATCH) {
      const part = batch.slice(start, start + MAX_BATCH);
      store.loadStatesInOrder(part.map(({ issue }) => issue)).then(
        (states) => part.forEach(({ waiters }, index) => waiters.forEach(({ resolve }) => resolve(states[index]))),
        (error: unknown) => part.forEach(({ waiters }) => waiters.forEach(({ reject }) => reject(error))),
      );
    }
  };
  return (source, issueId) =>
    new Promise((resolve, reject) => {
      if (pending.size === 0) setImmediate(flush);
      const key = JSON.stringify([source, issueId]);
      const entry = pending.get(key) ?? { issue: [source, issueId] as const, waiters: [] };
      entry.waiters.push({ resolve, reject });
      pending.set(key, entry);
    });
}
