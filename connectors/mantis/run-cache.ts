/**
 * Answers that hold for one reconcile run, such as a project's name or who in it is an agent. A
 * run starts with `changedIssues`, which forgets the source's answers; they also expire, so that a
 * reader asked about single issues for hours never works from a stale list.
 */
export class RunCache<V> {
  private readonly entries = new Map<string, { readonly loadedAt: number; readonly value: Promise<V> }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One load per key at a time; a failed load is not kept, so the next call tries again. */
  get(sourceId: string, key: string, load: () => Promise<V>): Promise<V> {
    const id = `${sourceId}\u0000${key}`;
    const entry = this.entries.get(id);
    if (entry && this.now() - entry.loadedAt < this.maxAgeMs) return entry.value;
    const value = load();
    this.entries.set(id, { loadedAt: this.now(), value });
    value.catch(() => {
      if (this.entries.get(id)?.value === value) this.entries.delete(id);
    });
    return value;
  }

  forget(sourceId: string): void {
    for (const id of this.entries.keys()) if (id.startsWith(`${sourceId}\u0000`)) this.entries.delete(id);
  }
}
