/** Issues written into Redis as the apply path leaves them: the event log, the ref and the state computed from the log. */
import type { Contract } from '../../src/domain/contract.js';
import { runClock } from '../../src/domain/sla-clock.js';
import { IssueStore } from '../../src/app/store/issue-store.js';
import type { RedisClient } from '../../src/app/store/redis-connection.js';
import type { CaseIssue } from './what-if-cases.js';

export async function seedIssues(redis: RedisClient, prefix: string, contracts: Iterable<Contract>, source: string, issues: readonly CaseIssue[], now: number): Promise<void> {
  const store = new IssueStore(redis, prefix);
  const all = [...contracts];
  for (const { key, events } of issues) {
    const issue = { id: key, key, title: `Issue ${key}`, url: `https://gitea.example.com/${key}` };
    await store.appendEvents(source, issue, events.map((event, index) => ({ id: `${key}:${index}`, event })));
    await store.saveState({ source, issue, sla: runClock({ source, events }, all, now), computedAt: now, eventCount: events.length });
  }
}
