import type { Cluster, Redis } from 'ioredis';

/**
 * The timers planned for an issue, metric to job id, read from Redis the way it is stored: the
 * `@<metric>` fields of the issue's ref hash (src/app/jobs/sla-timers.ts).
 */
export async function plannedTimers(redis: Redis | Cluster, prefix: string, source: string, issueId: string): Promise<Record<string, string>> {
  const ref = await redis.hgetall(`${prefix}:issue:${source}:${issueId}:ref`);
  return Object.fromEntries(Object.entries(ref).filter(([field]) => field.startsWith('@')).map(([field, jobId]) => [field.slice(1), jobId]));
}
